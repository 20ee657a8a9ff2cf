from django.urls import URLPattern, URLResolver, path

from jiuzhu.matching import views, views_datasets

app_name = "matching"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.finding_list, name="findings"),
    path("export/", views.finding_export, name="export"),
    path("summary/", views.summary, name="summary"),
    path("f/<int:pk>/", views.finding_detail, name="finding"),
    path("f/<int:pk>/<str:action>/", views.finding_act, name="act"),
    path("runs/", views.run_start, name="runs"),
    path("runs/<int:pk>/", views.run_status, name="run"),
    path("datasets/", views_datasets.dataset_list, name="datasets"),
    path("datasets/upload/", views_datasets.dataset_upload, name="dataset_upload"),
    path("datasets/map/", views_datasets.dataset_map, name="dataset_map"),
    path("datasets/<int:pk>/errors/", views_datasets.dataset_errors, name="dataset_errors"),
]
