from django.apps import AppConfig


class EntryConfig(AppConfig):
    name = "kaohe.entry"
    label = "entry"
    verbose_name = "数据录入"
    default_auto_field = "django.db.models.BigAutoField"
