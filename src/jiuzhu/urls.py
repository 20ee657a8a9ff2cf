from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog

from jiuzhu.api import api, not_found_json

urlpatterns = [
    path("", include("jiuzhu.core.urls")),
    path("accounts/", include("jiuzhu.accounts.urls")),
    path("regions/", include("jiuzhu.regions.urls")),
    path("registry/", include("jiuzhu.registry.urls")),
    path("policy/", include("jiuzhu.policy.urls")),
    path("cases/", include("jiuzhu.cases.urls")),
    path("payments/", include("jiuzhu.payments.urls")),
    path("matching/", include("jiuzhu.matching.urls")),
    path("monitoring/", include("jiuzhu.monitoring.urls")),
    path("reports/", include("jiuzhu.reports.urls")),
    path("grievances/", include("jiuzhu.grievances.urls")),
    path("charity/", include("jiuzhu.charity.urls")),
    path("public/", include("jiuzhu.portal.urls")),
    path("api/", api.urls),
    re_path(r"^api/", not_found_json),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]
