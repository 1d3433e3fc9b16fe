"""URLs of the office pages of process assessment (docs/process-pages.md)."""

from django.urls import path

from kaohe.process import views_office as views
from kaohe.process import views_setup as setup

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
    # Set-up (views_setup.py): settings, tasks, decomposition, milestones, import.
    path("<str:plan_code>/setup/", setup.setup, name="setup"),
    path("<str:plan_code>/setup/tasks/new/", setup.task_new, name="setup_task_new"),
    path("<str:plan_code>/setup/tasks/<int:task_id>/", setup.task, name="setup_task"),
    path(
        "<str:plan_code>/setup/tasks/<int:task_id>/delete/",
        setup.task_delete,
        name="setup_task_delete",
    ),
    path(
        "<str:plan_code>/setup/tasks/<int:task_id>/targets/new/",
        setup.target_new,
        name="setup_target_new",
    ),
    path("<str:plan_code>/setup/targets/<int:target_id>/", setup.target, name="setup_target"),
    path(
        "<str:plan_code>/setup/targets/<int:target_id>/delete/",
        setup.target_delete,
        name="setup_target_delete",
    ),
    path(
        "<str:plan_code>/setup/targets/<int:target_id>/milestones/new/",
        setup.milestone_new,
        name="setup_milestone_new",
    ),
    path(
        "<str:plan_code>/setup/milestones/<int:milestone_id>/",
        setup.milestone,
        name="setup_milestone",
    ),
    path(
        "<str:plan_code>/setup/milestones/<int:milestone_id>/delete/",
        setup.milestone_delete,
        name="setup_milestone_delete",
    ),
    path("<str:plan_code>/setup/import/", setup.import_plan, name="setup_import"),
    path(
        "<str:plan_code>/setup/import/template.xlsx",
        setup.import_template,
        name="setup_import_template",
    ),
    path("<str:plan_code>/people/<str:person_code>/", setup.person, name="person"),
    path(
        "<str:plan_code>/rectifications/<int:rectification_id>/",
        setup.rectification,
        name="rectification",
    ),
]
