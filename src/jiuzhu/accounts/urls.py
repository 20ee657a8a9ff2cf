from django.contrib.auth import views as auth_views
from django.urls import path

from jiuzhu.accounts import views, views_manage

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("users/", views.users, name="users"),
    path("users/<int:pk>/", views_manage.user_detail, name="user"),
    path("password/", views_manage.password_change, name="password"),
    path("tokens/<int:pk>/revoke/", views_manage.token_revoke, name="token_revoke"),
]
