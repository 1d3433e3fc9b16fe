"""One error shape for every refusal (``schemas.Error``) and the statuses each kind of
operation declares, so the OpenAPI document lists exactly what an operation can answer.

Exceptions raised by the policy, the selectors and the services are turned into answers
here, once, instead of in every operation:

- ``PermissionDenied`` (``policy.require``): 401 for an anonymous caller, 403 for an account;
- ``ObjectDoesNotExist`` / ``Http404`` / ``NodeNotFound`` in a path: 404 — only reached after
  the policy allowed the call, so a refusal never tells whether an object exists;
- ``InputError`` (the builder's problems), ``BuildFailed`` (the plan builder's), Django's
  ``ValidationError`` (accounts) and a request that does not fit its schema: 422 with every
  problem;
- ``NotComputedError``: 409 (publishing a plan that has no results);
- ``EvaluationOpen``: 409 (computing a plan while one of its evaluations is open).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestInvalid

from kaohe.accounts.policy import ANONYMOUS, role_of
from kaohe.api.schemas import Error
from kaohe.errors import InputError
from kaohe.plans.builder import BuildFailed, NodeNotFound
from kaohe.plans.services import EvaluationOpen
from kaohe.results.services import NotComputedError

Responses = dict[int, Any]

# What each kind of operation can answer besides its success.
PUBLIC: tuple[int, ...] = ()  # no path parameter, open to everyone
PUBLIC_OBJECT = (401, 403, 404)  # a plan the policy may show to the public
SIGNED_IN = (401, 403)
OBJECT = (401, 403, 404)
WRITE = (400, 401, 403, 404, 422)  # a JSON body: malformed (400) or invalid (422)


def responses(ok: dict[int, Any], statuses: Iterable[int]) -> Responses:
    """``{200: Schema, 401: Error, …}`` for ``@router.get(..., response=…)``."""
    return {**ok, **dict.fromkeys(sorted(set(statuses)), Error)}


def error(api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str,
          problems: Iterable[tuple[str, str]] = ()) -> HttpResponse:  # fmt: skip
    body = {
        "code": code,
        "message": message,
        "problems": [{"where": where, "message": text} for where, text in problems],
    }
    return api.create_response(request, body, status=status)


def install(api: NinjaAPI) -> None:
    """Register the handlers on ``api`` (they replace django-ninja's ``{"detail": …}``)."""

    def refused(request: HttpRequest, exc: Exception) -> HttpResponse:
        if role_of(request.user) == ANONYMOUS:
            return error(api, request, 401, "not_authenticated", "请先登录")
        return error(api, request, 403, "forbidden", "没有权限进行此操作")

    def not_authenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error(api, request, 401, "not_authenticated", "请先登录")

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 403:  # django-ninja's CSRF refusal
            return error(api, request, 403, "csrf", "CSRF 校验失败，请刷新页面后重试")
        if isinstance(exc.__cause__, RequestInvalid):  # the body parser's refusal (NUL …)
            return request_invalid(request, exc.__cause__)
        if exc.status_code == 400:
            return error(api, request, 400, "bad_request", "请求内容无法解析（应为 JSON）")
        return error(api, request, exc.status_code, "error", str(exc))

    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error(api, request, 404, "not_found", "没有找到该对象")

    def request_invalid(request: HttpRequest, exc: RequestInvalid) -> HttpResponse:
        problems = [
            (".".join(str(part) for part in item.get("loc", ())), str(item.get("msg", "")))
            for item in exc.errors
        ]
        return error(api, request, 422, "invalid", "请求参数不正确", problems)

    def input_error(request: HttpRequest, exc: InputError) -> HttpResponse:
        problems = [(problem.where, problem.message) for problem in exc.problems]
        return error(api, request, 422, "invalid", "输入有误，未保存任何内容", problems)

    def build_failed(request: HttpRequest, exc: BuildFailed) -> HttpResponse:
        problems = [(problem.where, problem.message) for problem in exc.problems]
        return error(api, request, 422, "invalid", "方案有误，未保存任何修改", problems)

    def django_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            problems = [
                (field, message)
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            problems = [("", message) for message in exc.messages]
        return error(api, request, 422, "invalid", "输入有误，未保存任何内容", problems)

    def not_computed(request: HttpRequest, exc: NotComputedError) -> HttpResponse:
        return error(api, request, 409, "not_computed", str(exc))

    api.add_exception_handler(PermissionDenied, refused)
    api.add_exception_handler(AuthenticationError, not_authenticated)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(ObjectDoesNotExist, not_found)
    api.add_exception_handler(NodeNotFound, not_found)
    api.add_exception_handler(RequestInvalid, request_invalid)
    api.add_exception_handler(InputError, input_error)
    api.add_exception_handler(BuildFailed, build_failed)
    api.add_exception_handler(DjangoValidationError, django_invalid)
    api.add_exception_handler(NotComputedError, not_computed)

    def evaluation_open(request: HttpRequest, exc: EvaluationOpen) -> HttpResponse:
        return error(api, request, 409, "evaluation_open", str(exc))

    api.add_exception_handler(EvaluationOpen, evaluation_open)
