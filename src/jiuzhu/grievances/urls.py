from django.urls import URLPattern, URLResolver, path

from jiuzhu.grievances import views

app_name = "grievances"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.desk, name="list"),
    path("record/", views.record, name="record"),
    path("report/", views.report, name="report"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/step/<str:action>/", views.step, name="step"),
    path("<int:pk>/reveal/", views.reveal, name="reveal"),
]
