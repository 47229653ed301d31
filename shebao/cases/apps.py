from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "shebao.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        # Loading a holiday year recomputes the deadlines of the open cases it affects (core imports no app).
        from shebao.cases.services.clock import deadlines_recompute
        from shebao.core.workdays import on_calendar_changed

        on_calendar_changed(deadlines_recompute)
