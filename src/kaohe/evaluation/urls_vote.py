"""URLs of the vote pages of the evaluation app (docs/voting.md): mounted at /v/.

No pattern takes a code: codes travel in the URL fragment (``/v/#CODE``) and POST bodies only,
so they never reach a server log.
"""

from django.urls import path

from kaohe.evaluation import views_vote

app_name = "evaluation_vote"

urlpatterns = [
    path("", views_vote.start, name="start"),
    path("ballot/", views_vote.ballot, name="ballot"),
    path("done/", views_vote.done, name="done"),
    path("receipt/", views_vote.receipt, name="receipt"),
]
