"""The HTTP API: JSON, OpenAPI at /api/openapi.json, bearer tokens, the same region scope as the pages.
Every error is a JSON body {"code", "message"} with the message in the user's language, never a 500 page."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
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


api = NinjaAPI(title="jiuzhu API", version="1", auth=TokenAuth(), urls_namespace="api")


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
