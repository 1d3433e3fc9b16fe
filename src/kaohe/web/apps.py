from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kaohe.web"
    label = "web"
    verbose_name = "网页布局与工作台"
    default_auto_field = "django.db.models.BigAutoField"
