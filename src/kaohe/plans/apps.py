from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "kaohe.plans"
    label = "plans"
    verbose_name = "考核方案"
    default_auto_field = "django.db.models.BigAutoField"
