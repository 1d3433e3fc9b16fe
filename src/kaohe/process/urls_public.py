"""URLs of the public pages of process assessment (docs/process.md)."""

from django.urls import URLPattern, path  # noqa: F401  (patterns are added as pages are built)

app_name = "process_public"

urlpatterns: list[URLPattern] = []
