"""/api/: the NinjaAPI's URL patterns under the namespace ``api`` (names like
``api:plan_list``, ``api:openapi-json``)."""

from kaohe.api.api import api

urlpatterns, _app, namespace = api.urls
app_name = namespace
