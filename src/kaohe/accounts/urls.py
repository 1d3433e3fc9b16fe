from django.urls import path

from kaohe.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("manage/", views.account_list, name="account_list"),
    path("manage/create/", views.account_create, name="account_create"),
    path("manage/users/<str:username>/", views.account_edit, name="account_edit"),
    path("manage/users/<str:username>/password/", views.account_password, name="account_password"),
    path("manage/users/<str:username>/active/", views.account_active, name="account_active"),
]
