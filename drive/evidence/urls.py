from django.urls import path

from drive.evidence import views

app_name = "evidence"
urlpatterns = [
    path("", views.library, name="library"),
    path("<int:pk>/edit/", views.document_edit, name="edit"),
    path("<int:pk>/download/", views.download, name="download"),
]
