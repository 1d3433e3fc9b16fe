"""Site URLs: the admin, and the results pages at the root (kaohe.results.urls)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("kaohe.results.urls")),
]
