from django.urls import URLPattern, URLResolver, path

from jiuzhu.monitoring import views

app_name = "monitoring"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.monitored_list, name="list"),
    path("export/", views.export, name="export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/measure/", views.measure, name="measure"),
    path("<int:pk>/reassess/", views.reassess, name="reassess"),
    path("<int:pk>/eliminate/", views.eliminate, name="eliminate"),
    path("scan/", views.scan, name="scan"),
    path("scan/<int:pk>/", views.scan_status, name="scan_status"),
]
