from django.urls import path

from jiuzhu.policy import views, views_casebook

app_name = "policy"
urlpatterns = [
    path("parameters/", views.parameters, name="parameters"),
    path("parameters/add/", views.parameter_add, name="parameter_add"),
    path("parameters/impact/", views.impact, name="impact"),
    path("cases/", views_casebook.casebook_index, name="casebook"),
    path("cases/<slug:code>/", views_casebook.casebook_chapter, name="casebook_chapter"),
]
