"""URLs of the 在保对象名册, included in the payments namespace (payments:recipients)."""

from django.urls import path

from jiuzhu.payments import views_recipients

urlpatterns = [
    path("recipients/", views_recipients.recipient_list, name="recipients"),
    path("recipients/export.<str:fmt>", views_recipients.recipient_export, name="recipients_export"),
]
