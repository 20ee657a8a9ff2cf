"""The project's URLs plus the 提标 apply in the payments namespace, as the lead wires it."""

from django.urls import include, path

from jiuzhu.urls import urlpatterns as project

urlpatterns = [*project, path("payments/", include(("jiuzhu.payments.urls_recompute", "payments")))]
