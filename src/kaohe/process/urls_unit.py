"""URLs of the unit pages of process assessment (docs/process-pages.md), made for a phone."""

from django.urls import path

from kaohe.process import views_unit as views

app_name = "process_unit"

urlpatterns = [
    path("", views.home, name="home"),
    path("<str:plan_code>/", views.plan, name="plan"),
    path("<str:plan_code>/milestones/<int:milestone_id>/", views.milestone, name="milestone"),
    path("<str:plan_code>/milestones/<int:milestone_id>/explain/", views.explain, name="explain"),
    path(
        "<str:plan_code>/rectifications/<int:rectification_id>/",
        views.rectification,
        name="rectification",
    ),
    path("<str:plan_code>/feedback/", views.feedback, name="feedback"),
    path("<str:plan_code>/feedback/pdf/", views.feedback_pdf, name="feedback_pdf"),
    path("<str:plan_code>/reports/<int:report_id>/evidence/", views.evidence, name="evidence"),
]
