from django.urls import path

from kaohe.results import views

app_name = "results"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("plans/<str:plan_code>/", views.ranking, name="ranking"),
    path("plans/<str:plan_code>/assessees/<str:code>/", views.explanation, name="explanation"),
]
