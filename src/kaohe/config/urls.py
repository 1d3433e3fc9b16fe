"""Site URLs. Every view here declares its access rule through kaohe.accounts.policy, and
tests/test_authorization.py has an expectation for every pattern (a new one fails it)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("kaohe.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("kaohe.api.urls")),
    path("office/plans/", include("kaohe.plans.urls")),
    path("entry/", include("kaohe.entry.urls")),
    path("office/evaluations/", include("kaohe.evaluation.urls_office")),
    path("paper/", include("kaohe.evaluation.urls_paper")),
    path("v/", include("kaohe.evaluation.urls_vote")),
    path("office/process/", include("kaohe.process.urls_office")),
    path("progress/", include("kaohe.process.urls_unit")),
    path("board/", include("kaohe.process.urls_public")),
    path("", include("kaohe.web.urls")),
    path("", include("kaohe.results.urls")),
]
