from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "shebao.cases"
    label = "cases"
    verbose_name = "Cases"
