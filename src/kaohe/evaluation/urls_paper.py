"""URLs of the paper pages of the evaluation app (docs/paper-ballots.md)."""

from django.urls import path

from kaohe.evaluation import views_paper

app_name = "evaluation_paper"

urlpatterns = [
    path("", views_paper.home, name="home"),
    path("batches/new/", views_paper.batch_new, name="batch_new"),
    path("batches/<int:batch_id>/", views_paper.batch, name="batch"),
    path(
        "batches/<int:batch_id>/entries/<int:entry_id>/delete/",
        views_paper.entry_delete,
        name="entry_delete",
    ),
    path("batches/<int:batch_id>/compare/", views_paper.compare, name="compare"),
    path("batches/<int:batch_id>/commit/", views_paper.commit, name="commit"),
    path("batches/<int:batch_id>/delete/", views_paper.batch_delete, name="batch_delete"),
    path("<str:plan_code>/<str:evaluation_code>/import/", views_paper.upload, name="upload"),
]
