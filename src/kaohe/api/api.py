"""The NinjaAPI instance: routers per domain, one error shape, Django session auth.

OpenAPI at /api/openapi.json. Every operation declares
the statuses it can answer (kaohe.api.errors), and tests/test_api_schemathesis.py holds the
schema to it.
"""

from __future__ import annotations

from ninja import NinjaAPI

from kaohe.api import accounts, builder, dashboards, entry, errors, plans, results

api = NinjaAPI(
    title="kaohe 考核 API",
    version="1",
    description=(
        "考核平台的 JSON 接口。登录使用网站的会话（Cookie），修改类请求需带 X-CSRFToken。"
        "权限与页面一致（docs/roles.md）：未登录被拒绝为 401，已登录但无权限为 403。"
    ),
    urls_namespace="api",
    # The interactive docs page loads Swagger UI from a CDN unless "ninja" is an installed
    # app; a county intranet may have no internet, so only the schema is served.
    docs_url=None,
)
errors.install(api)
api.add_router("", plans.router)
api.add_router("", builder.router)
api.add_router("", results.router)
api.add_router("", entry.router)
api.add_router("", dashboards.router)
api.add_router("", accounts.router)
