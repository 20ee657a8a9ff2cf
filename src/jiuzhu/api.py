"""The HTTP API: JSON, OpenAPI at /api/openapi.json, bearer tokens, the same region scope as the pages.
Every error is a JSON body {"code", "message"} with the message in the user's language, never a 500 page."""

from __future__ import annotations

import functools
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, IntegrityError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import URLPattern
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from jiuzhu.accounts.models import ApiToken
from jiuzhu.accounts.services import api_key_hash


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.select_related("user", "user__region")
            .filter(key_hash=api_key_hash(token), revoked=False, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


logger = logging.getLogger(__name__)

_ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {
        "code": {"type": "string", "description": "machine-readable: unauthorized, forbidden, not_found, ..."},
        "message": {"type": "string", "description": "for people, in the caller's language"},
        "errors": {"description": "per field, for 422"},
    },
}
# The error answers every operation may give, with when (the body is always Error).
_ERRORS = {
    "400": "the request body is not readable JSON",
    "401": "missing, unknown or revoked token",
    "403": "the caller's role may not do this",
    "404": "no such record, or not in the caller's region",
    "409": "the step is not possible in the case's state, or the data changed meanwhile",
    "422": "invalid parameters or body",
    "500": "internal error (logged)",
    "503": "the database is busy: retry",
}


def _body_refers_to_records(schema: dict[str, Any], operation: dict[str, Any]) -> bool:
    """Whether the operation's JSON body names a record by id (household_id...): one that is missing or out
    of the caller's region answers 404, as an id in the path does."""
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    ref = body.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        body = schema.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[1], {})
    return any(name.endswith("_id") for name in body.get("properties", {}))


class JiuzhuAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document lists the JSON error answers of every operation."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = _ERROR_SCHEMA
        ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        for path, item in schema.get("paths", {}).items():
            for method, operation in item.items():
                refers = "{" in path or _body_refers_to_records(schema, operation)
                codes = [c for c in _ERRORS if not (c == "404" and not refers)]
                if method == "get":
                    codes = [c for c in codes if c not in ("400", "409")]
                responses = operation.setdefault("responses", {})
                for code in codes:
                    responses.setdefault(code, {"description": _ERRORS[code], **ref})
        return schema

    def _get_urls(self) -> Any:
        """django-ninja answers a method no operation of an address takes with a text "Method not allowed":
        the same 405 as JSON {code, message}, with its Allow header."""
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _json_not_allowed(pattern.callback)
        return urls


def _json_not_allowed(view: Any) -> Any:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = JsonResponse(
                {"code": "method_not_allowed", "message": _("该接口地址不支持此请求方法")}, status=405
            )
            response["Allow"] = allowed
        return response

    return wrapped


api = JiuzhuAPI(title="jiuzhu API", version="1", auth=TokenAuth(), urls_namespace="api")


def _error(request: HttpRequest, status: int, code: str, message: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, _exc: Exception) -> HttpResponse:
    return _error(request, 404, "not_found", _("记录不存在，或不在您的管辖范围内"))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 403, "forbidden", str(exc) or _("您的角色无权执行此操作"))


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, _exc: Exception) -> HttpResponse:
    return _error(request, 401, "unauthorized", _("缺少或无效的接口令牌"))


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return _error(request, 422, "invalid", "；".join(m for ms in errors.values() for m in ms), errors=errors)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(IntegrityError)
def _conflict(request: HttpRequest, _exc: Exception) -> HttpResponse:
    # A parallel request wrote first (a unique number, a second open application...): nothing was written.
    return _error(request, 409, "conflict", _("数据已被他人同时修改或重复提交，本次未作更改，请刷新后重试"))


@api.exception_handler(DataError)
def _too_long(request: HttpRequest, exc: Exception) -> HttpResponse:
    # A value the database cannot hold (the schemas bound lengths and amounts, so this is a missed bound).
    logger.warning("API: value refused by the database: %s", exc)
    return _error(request, 422, "invalid", _("数据超出允许的长度或范围"))


@api.exception_handler(OperationalError)
def _busy(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.warning("API: database busy: %s", exc)
    return _error(request, 503, "busy", _("系统繁忙，请稍后重试"))


@api.exception_handler(Exception)
def _internal(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API: unexpected error on %s %s", request.method, request.path, exc_info=exc)
    return _error(request, 500, "internal_error", _("内部错误，已记录，请联系管理员"))


def not_found_json(_request: HttpRequest, *_args: Any, **_kwargs: Any) -> HttpResponse:
    """Any /api/ address no operation answers (e.g. /api/cases/abc): a JSON 404, not the HTML page."""
    return JsonResponse({"code": "not_found", "message": _("接口地址不存在")}, status=404)


@api.exception_handler(NinjaValidationError)
def _invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return _error(request, 422, "invalid", _("请求参数有误"), errors=exc.errors)


from jiuzhu.registry.api import router as registry_router  # noqa: E402 - routers after the api exists

api.add_router("/registry", registry_router)

from jiuzhu.cases.api import install_error_handler as cases_error_handler  # noqa: E402
from jiuzhu.cases.api import router as cases_router  # noqa: E402

cases_error_handler(api)
api.add_router("/cases", cases_router)

from jiuzhu.grievances.api import install_error_handler as grievances_error_handler  # noqa: E402
from jiuzhu.grievances.api import router as grievances_router  # noqa: E402

grievances_error_handler(api)
api.add_router("/grievances", grievances_router)
