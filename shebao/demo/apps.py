from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data `make demo` starts with (`manage.py demo_seed`): the fictional province, its staff
    (`province.py`) and the command that calls every app's demo seed. Only demo code imports it."""

    name = "shebao.demo"
    label = "demo"
    verbose_name = "Demo"
