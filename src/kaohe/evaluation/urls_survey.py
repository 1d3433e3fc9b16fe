"""URL of the 第三方评估 import page, included by ``urls_office`` (namespace evaluation_office)."""

from django.urls import path

from kaohe.evaluation import views_survey

urlpatterns = [
    path(
        "<str:plan_code>/<str:evaluation_code>/survey/",
        views_survey.survey_import,
        name="survey_import",
    ),
]
