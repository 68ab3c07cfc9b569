from django.urls import path

from drive.questionnaires import views

app_name = "questionnaires"
urlpatterns = [
    path("", views.questionnaire_list, name="list"),
    path("upload/", views.questionnaire_upload, name="upload"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/xlsform/", views.version_download, name="download"),
    path("versions/<int:pk>/publish/", views.version_publish, name="publish"),
    path("versions/<int:pk>/new-draft/", views.version_new_draft, name="new_draft"),
    path("questions/<int:pk>/edit/", views.question_edit, name="question_edit"),
]
