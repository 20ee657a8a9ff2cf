from django.urls import path

from jiuzhu.cases import views, views_reviews

app_name = "cases"
urlpatterns = [
    path("", views.todo, name="todo"),
    path("all/", views.case_list, name="list"),
    path("apply/<int:household_pk>/", views.case_create, name="create"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/step/<str:action>/", views.case_step, name="step"),
    path("<int:pk>/decide/", views.case_decide, name="decide"),
    path("<int:pk>/documents/", views.case_document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:doc_pk>/", views.case_document, name="document"),
    path("<int:pk>/notes/", views.case_note, name="note"),
    path("<int:pk>/self-care/", views.case_self_care, name="self_care"),
    path("<int:pk>/self-care.pdf", views.self_care_pdf, name="self_care_pdf"),
    path("<int:pk>/emergency/", views.case_emergency, name="emergency"),
    path("<int:pk>/approval-form.pdf", views.approval_form_pdf, name="approval_pdf"),
    path("<int:pk>/refusal.pdf", views.refusal_pdf, name="refusal_pdf"),
    path("<int:pk>/not-accepted.pdf", views.not_accepted_pdf, name="not_accepted_pdf"),
    path("<int:pk>/supplement/<int:supplement_pk>.pdf", views.supplement_pdf, name="supplement_pdf"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/publish/", views.notice_publish, name="notice_publish"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("notices/<int:pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("public/notices/<uuid:public_id>/", views.notice_public, name="notice_public"),
    path("public/notices/<uuid:public_id>/notice.pdf", views.notice_public_pdf, name="notice_public_pdf"),
    path("timeliness/", views.timeliness, name="timeliness"),
    path("reviews/", views_reviews.review_list, name="reviews"),
    path("reviews/<int:pk>/", views_reviews.review_detail, name="review"),
    path("reviews/<int:pk>/notice.pdf", views_reviews.review_pdf, name="review_pdf"),
    path("entitlements/<int:pk>/stop/", views_reviews.entitlement_stop_propose, name="stop_propose"),
    path("holidays/", views.holidays, name="holidays"),
    path("reserve-fund/", views.reserve_fund, name="reserve_fund"),
]
