from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "kaohe.org"
    label = "org"
    verbose_name = "组织机构"
    default_auto_field = "django.db.models.BigAutoField"
