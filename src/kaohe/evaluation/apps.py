from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "kaohe.evaluation"
    label = "evaluation"
    verbose_name = "民主测评"
    default_auto_field = "django.db.models.BigAutoField"
