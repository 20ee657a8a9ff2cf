from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

from jiuzhu.core.text import control_problem

# Everything is served from this origin: no CDN, no inline script from elsewhere.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.user.is_authenticated:
            # Pages with personal data are not kept by the browser or a proxy.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


# A control character (but tab, newline, carriage return) written as a JSON escape: \u0000 to \u001f, \u007f.
_JSON_CONTROL = re.compile(rb"\\u00(?:0[0-8bcefBCEF]|1[0-9a-fA-F]|7[fF])")


class ControlCharacterMiddleware:
    """The character policy at the door (core.text): a query, form post or API body holding a control
    character is refused with a message in the user's language (JSON {code, message} under /api/) before any
    view runs, so NUL never reaches PostgreSQL and no invisible byte reaches a name, a reason or an export."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            problem = self._problem(request)
        except MultiPartParserError:
            # A form body that cannot be parsed (multipart without a boundary...): the same 400 Django gives,
            # but under /api/ as its JSON {code, message}.
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "bad_request", "message": _("请求内容无法解析")}, status=400)
            return HttpResponse(_("请求内容无法解析"), status=400, content_type="text/plain; charset=utf-8")
        if problem is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "invalid", "message": problem}, status=422)
        return HttpResponse(problem, status=400, content_type="text/plain; charset=utf-8")

    @staticmethod
    def _problem(request: HttpRequest) -> str | None:
        queries = [request.GET, request.POST] if request.method == "POST" else [request.GET]
        for query in queries:
            for _key, values in query.lists():
                for text in values:
                    if isinstance(text, str) and (problem := control_problem(text)):
                        return problem
        is_json = request.META.get("CONTENT_TYPE", "").startswith("application/json")
        if request.method in ("POST", "PUT", "PATCH") and is_json and _JSON_CONTROL.search(request.body):
            return _("含有不可见的控制字符，请删除后重试")
        return None
