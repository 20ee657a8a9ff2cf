"""URLs of the 提标 apply, for the lead to include in the payments namespace (payments:recompute)."""

from django.urls import path

from jiuzhu.payments import views_recompute

urlpatterns = [
    path("recompute/", views_recompute.recompute, name="recompute"),
]
