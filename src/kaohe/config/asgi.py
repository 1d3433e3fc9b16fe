"""ASGI entry point. Production: DEBUG defaults to off, so SECRET_KEY is required."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.config.settings")
os.environ.setdefault("DEBUG", "0")

application = get_asgi_application()
