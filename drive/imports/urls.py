from django.urls import path

from drive.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("history/", views.job_list, name="list"),
    path("template/", views.template, name="template"),
    path("export/", views.export, name="export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/mapping/", views.mapping, name="mapping"),
    path("<int:pk>/duplicates/", views.duplicates, name="duplicates"),
]
