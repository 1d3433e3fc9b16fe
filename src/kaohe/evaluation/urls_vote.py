"""URLs of the vote pages of the evaluation app (docs/voting.md)."""

from django.urls import URLPattern, path  # noqa: F401  (patterns are added as pages are built)

app_name = "evaluation_vote"

urlpatterns: list[URLPattern] = []
