from django.urls import path

from drive.feedback import views

app_name = "feedback"

urlpatterns = [
    path("<int:pk>/", views.report, name="report"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
    path("<int:pk>/pdf/download/", views.pdf_download, name="pdf_download"),
]
