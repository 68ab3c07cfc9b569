from django.urls import path

from drive.risk import views

app_name = "risk"

urlpatterns = [
    path("models/", views.model_list, name="models"),
    path("suppliers/<int:pk>/", views.supplier_risk, name="supplier"),
    path("programmes/<int:pk>/", views.dashboard, name="dashboard"),
    path("programmes/<int:pk>/overrides/", views.overrides, name="overrides"),
]
