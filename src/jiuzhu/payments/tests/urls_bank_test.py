"""The project's URLs plus the bank pages under "payments", for as long as payments/urls.py (another
helper's) does not include them yet."""

from django.urls import include, path

from jiuzhu.payments import urls_bank
from jiuzhu.urls import urlpatterns as root

_wired = any(getattr(p, "namespace", None) == "payments" for p in root)
urlpatterns = root if _wired else [*root, path("payments/", include((urls_bank.urlpatterns, "payments")))]
