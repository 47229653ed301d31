from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "shebao.evaluation"
    label = "evaluation"
    verbose_name = "Evaluation"
