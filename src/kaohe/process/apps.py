from django.apps import AppConfig


class ProcessConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kaohe.process"
    verbose_name = "过程考核"
