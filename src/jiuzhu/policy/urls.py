from django.urls import path

from jiuzhu.policy import views

app_name = "policy"
urlpatterns = [
    path("parameters/", views.parameters, name="parameters"),
    path("parameters/add/", views.parameter_add, name="parameter_add"),
]
