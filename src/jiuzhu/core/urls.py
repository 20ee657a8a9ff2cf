from django.urls import path

from jiuzhu.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_list, name="audit"),
    path("audit/verify/", views.audit_verify_view, name="audit_verify"),
    path("healthz", views.healthz, name="healthz"),
]
