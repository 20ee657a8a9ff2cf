from django.urls import include, path

from jiuzhu.payments import views

app_name = "payments"
urlpatterns = [
    path("", views.payroll_list, name="list"),
    path("", include("jiuzhu.payments.urls_recipients")),  # 在保对象名册
    path("generate/", views.payroll_generate, name="generate"),
    path("jobs/<int:pk>/", views.payroll_job, name="job"),
    path("jobs/<int:pk>/progress.json", views.payroll_job_progress, name="job_progress"),
    path("<int:pk>/", views.payroll_detail, name="detail"),
    path("<int:pk>/lines/", views.payroll_lines, name="lines"),
    path("<int:pk>/roster/<str:village>.xlsx", views.payroll_roster, name="roster"),
    path("<int:pk>/<str:action>/", views.payroll_step, name="step"),
    path("", include("jiuzhu.payments.urls_bank")),  # bank files and returns of a payroll
    path("", include("jiuzhu.payments.urls_recompute")),  # 提标 apply, from the impact page
]
