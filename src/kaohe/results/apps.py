from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "kaohe.results"
    label = "results"
    verbose_name = "考核结果"
    default_auto_field = "django.db.models.BigAutoField"
