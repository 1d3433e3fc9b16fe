from django.urls import path

from kaohe.results import views

app_name = "results"

urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<str:plan_code>/", views.ranking, name="ranking"),
    path("plans/<str:plan_code>/publish/", views.publish, name="publish"),
    path(
        "plans/<str:plan_code>/assessees/<str:assessee_code>/",
        views.explanation,
        name="explanation",
    ),
]
