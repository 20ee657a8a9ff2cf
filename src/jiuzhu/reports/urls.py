from django.urls import URLPattern, URLResolver, path

from jiuzhu.reports import views

app_name = "reports"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("households/", views.households, name="households"),
    path("targets/", views.targets, name="targets"),
    path("monthly.xlsx", views.monthly_xlsx_download, name="monthly_xlsx"),
    path("monthly.pdf", views.monthly_pdf_download, name="monthly_pdf"),
]
