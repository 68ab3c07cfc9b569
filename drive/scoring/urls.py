from django.urls import path

from drive.scoring import views

app_name = "scoring"

urlpatterns = [
    path("assessments/<int:pk>/", views.explain, name="explain"),
    path("assessments/<int:pk>/appeal/", views.appeal_new, name="appeal_new"),
    path("programmes/<int:pk>/appeals/", views.appeal_list, name="appeals"),
    path("appeals/<int:pk>/", views.appeal_decide, name="appeal_decide"),
]
