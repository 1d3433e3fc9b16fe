"""URLs of the office pages of process assessment (docs/process-pages.md)."""

from django.urls import path

from kaohe.process import views_office as views

app_name = "process_office"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:plan_code>/", views.dashboard, name="dashboard"),
    path("<str:plan_code>/units/<str:unit_code>/", views.unit, name="unit"),
    path("<str:plan_code>/inspections/", views.inspections, name="inspections"),
    path(
        "<str:plan_code>/explanations/<int:explanation_id>/",
        views.explanation,
        name="explanation",
    ),
    path("<str:plan_code>/milestones/<int:milestone_id>/exempt/", views.exempt, name="exempt"),
    path("<str:plan_code>/feedback/<str:unit_code>/", views.feedback, name="feedback"),
    path("<str:plan_code>/feedback/<str:unit_code>/pdf/", views.feedback_pdf, name="feedback_pdf"),
    path("<str:plan_code>/review/", views.review, name="review"),
    path("<str:plan_code>/feed/", views.feed, name="feed"),
]
