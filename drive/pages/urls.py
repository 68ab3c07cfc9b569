from django.urls import path

from drive.pages import views

app_name = "pages"
urlpatterns = [
    path("", views.home, name="home"),
]
