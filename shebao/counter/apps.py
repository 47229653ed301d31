from django.apps import AppConfig


class CounterConfig(AppConfig):
    name = "shebao.counter"
    label = "counter"
    verbose_name = "Counter"
