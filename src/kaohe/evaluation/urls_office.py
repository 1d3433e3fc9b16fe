"""URLs of the office's evaluation pages, under ``office/evaluations/`` (docs/voting-office.md;
tests/authz_evaluation.py lists them)."""

from django.urls import URLPattern, URLResolver, include, path

from kaohe.evaluation import views_office as views

app_name = "evaluation_office"

EVALUATION = "<str:plan_code>/<str:evaluation_code>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.plan_list, name="plans"),
    path("<str:plan_code>/", views.evaluation_list, name="list"),
    path("<str:plan_code>/new/", views.evaluation_create, name="create"),
    path(EVALUATION, views.detail, name="detail"),
    path(f"{EVALUATION}turnout/", views.turnout, name="turnout"),
    path(f"{EVALUATION}results/", views.results, name="results"),
    path(f"{EVALUATION}setup/", views.setup, name="setup"),
    path(f"{EVALUATION}groups/", views.groups, name="groups"),
    path(f"{EVALUATION}groups/<str:group_code>/scope/", views.scope, name="scope"),
    path(f"{EVALUATION}open/", views.open_evaluation, name="open"),
    path(f"{EVALUATION}codes/", views.issue, name="issue"),
    path(f"{EVALUATION}reprint/", views.reprint, name="reprint"),
    path(f"{EVALUATION}close/", views.close_evaluation, name="close"),
    path(f"{EVALUATION}count/", views.count_evaluation, name="count"),
]

# 第三方评估 import (kaohe.evaluation.urls_survey, docs/evaluation-kinds.md).
urlpatterns.append(path("", include("kaohe.evaluation.urls_survey")))
