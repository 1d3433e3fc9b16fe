from django.urls import path

from kaohe.entry import views

app_name = "entry"

urlpatterns = [
    path("", views.indicators, name="indicators"),
    path(
        "<str:plan_code>/indicators/<str:indicator_code>/",
        views.grid,
        name="grid",
    ),
    path("<str:plan_code>/upload/", views.upload, name="upload"),
    path("<str:plan_code>/events/", views.events, name="events"),
    path(
        "<str:plan_code>/events/<int:event_id>/delete/",
        views.event_delete,
        name="event_delete",
    ),
    path(
        "<str:plan_code>/events/<int:event_id>/evidence/",
        views.evidence,
        name="evidence",
    ),
]
