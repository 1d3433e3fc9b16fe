"""方案设计 URLs, under ``office/plans/`` (考核办 only; tests/authz_plans.py lists them)."""

from django.urls import path

from kaohe.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("copy/", views.plan_copy, name="copy"),
    path("<str:plan_code>/", views.editor, name="editor"),
    path("<str:plan_code>/compute/", views.compute, name="compute"),
    path("<str:plan_code>/points/", views.points, name="points"),
    path("<str:plan_code>/settings/", views.settings, name="settings"),
    path("<str:plan_code>/members/", views.members, name="members"),
    path("<str:plan_code>/vetoes/", views.vetoes, name="vetoes"),
    path("<str:plan_code>/nodes/add/", views.node_add, name="node_add"),
    path("<str:plan_code>/nodes/<str:ref>/", views.node_edit, name="node_edit"),
    path("<str:plan_code>/nodes/<str:ref>/delete/", views.node_delete, name="node_delete"),
    path("<str:plan_code>/nodes/<str:ref>/move/", views.node_move, name="node_move"),
    path("<str:plan_code>/categories/<int:index>/grades/", views.grades, name="grades"),
    path("<str:plan_code>/categories/<int:index>/assessors/", views.assessors, name="assessors"),
]
