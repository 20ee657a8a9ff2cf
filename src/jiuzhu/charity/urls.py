from django.urls import URLPattern, URLResolver, path

from jiuzhu.charity import views

app_name = "charity"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("donations/", views.donation_list, name="donations"),
    path("donations/new/", views.donation_new, name="donation_new"),
    path("donors/", views.donor_list, name="donors"),
    path("donors/<int:pk>/reveal/", views.donor_reveal, name="donor_reveal"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("funds/<int:pk>/", views.fund_detail, name="fund"),
    path("disbursements/", views.disbursement_list, name="disbursements"),
    path("disbursements/new/", views.disbursement_new, name="disbursement_new"),
    path("disbursements/<int:pk>/", views.disbursement_detail, name="disbursement"),
    path("disbursements/<int:pk>/<str:action>/", views.disbursement_act, name="disbursement_act"),
    path("needs/", views.need_list, name="needs"),
    path("needs/new/", views.need_new, name="need_new"),
    path("needs/<int:pk>/close/", views.need_close, name="need_close"),
    path("account/", views.account, name="account"),
]
