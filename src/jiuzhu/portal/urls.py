from django.urls import URLPattern, URLResolver, path

from jiuzhu.portal import views

app_name = "portal"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("forms/<str:program>.pdf", views.form_pdf, name="form_pdf"),
    path("forms/declaration.xlsx", views.declaration_xlsx, name="declaration_xlsx"),
    path("villages/", views.villages, name="villages"),
    path("villages/<str:code>/", views.village, name="village"),
    path("notices/<uuid:public_id>/", views.notice, name="notice"),
    path("notices/<uuid:public_id>/notice.pdf", views.notice_print, name="notice_pdf"),
    path("apply/", views.apply, name="apply"),
    path("status/", views.status, name="status"),
    path("self-check/", views.self_check, name="self_check"),
    path("complaint/", views.complaint, name="complaint"),
    path("complaint/status/", views.complaint_status, name="complaint_status"),
    path("charity/", views.charity, name="charity"),
]
