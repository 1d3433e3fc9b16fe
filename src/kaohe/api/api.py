"""The NinjaAPI instance: routers per domain, one error shape, Django session auth.

OpenAPI at /api/openapi.json. Every operation declares
the statuses it can answer (kaohe.api.errors), and tests/test_api_schemathesis.py holds the
schema to it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser

from kaohe.api import accounts, builder, dashboards, entry, errors, plans, results, voting


def _holds_nul(data: Any) -> bool:
    if isinstance(data, str):
        return "\x00" in data
    if isinstance(data, dict):
        return any(_holds_nul(key) or _holds_nul(value) for key, value in data.items())
    if isinstance(data, list):
        return any(_holds_nul(item) for item in data)
    return False


class TextParser(Parser):
    """JSON bodies without NUL characters in any key or string: PostgreSQL text cannot hold
    them, so such a body is refused as invalid input (422) before it reaches a query, on
    every operation and every database alike (schemathesis found one that became a 500)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        # json.loads refuses raw control characters in strings, so a NUL can only come as the
        # escape \u0000: a body without that text needs no walk (a 52-mark ballot's walk
        # was ≈ 0.3 ms).
        if b"\\u0000" in request.body and _holds_nul(data):
            raise ValidationError([{"loc": ("body",), "msg": "文本不能包含 NUL 字符（\\u0000）"}])
        return data


class KaoheAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI schema is built once per process and path prefix.

    django-ninja rebuilds the schema on every request (≈100 ms of pydantic work, the slowest
    page in `make bench`); the routes cannot change after start-up, so neither can the schema.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._schemas: dict[str, OpenAPISchema] = {}

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        if path_prefix not in self._schemas:
            self._schemas[path_prefix] = super().get_openapi_schema(path_prefix=path_prefix)
        return self._schemas[path_prefix]


api = KaoheAPI(
    title="kaohe 考核 API",
    version="1",
    description=(
        "考核平台的 JSON 接口。登录使用网站的会话（Cookie），修改类请求需带 X-CSRFToken。"
        "权限与页面一致（docs/roles.md）：未登录被拒绝为 401，已登录但无权限为 403。"
    ),
    urls_namespace="api",
    parser=TextParser(),
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
api.add_router("", voting.router)  # public online voting (docs/voting.md)
