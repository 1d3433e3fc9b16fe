"""WSGI entry point (gunicorn). Production: DEBUG defaults to off, so SECRET_KEY is required."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.config.settings")
os.environ.setdefault("DEBUG", "0")

application = get_wsgi_application()
