"""URLs of the office pages of process assessment (docs/process.md)."""

from django.urls import URLPattern, path  # noqa: F401  (patterns are added as pages are built)

app_name = "process_office"

urlpatterns: list[URLPattern] = []
