"""URLs of the public pages of process assessment (docs/process-pages.md): the progress
board (进度公示栏), open to anonymous visitors."""

from django.urls import path

from kaohe.process import views_public as views

app_name = "process_public"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:unit_code>/", views.unit, name="unit"),
]
