from django.urls import URLPattern, URLResolver

app_name = "charity"
urlpatterns: list[URLPattern | URLResolver] = []
