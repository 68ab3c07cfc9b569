from django.urls import path

from drive.inspections import field_views

app_name = "inspections_field"
urlpatterns = [
    path("sw.js", field_views.service_worker, name="service_worker"),
    path("<int:pk>/", field_views.checklist, name="checklist"),
    path("<int:pk>/sync/", field_views.sync, name="sync"),
    path("attachments/<int:pk>/", field_views.attachment, name="attachment"),
    path("items/<int:pk>/documents/<int:number>/", field_views.evidence, name="evidence"),
    path("programmes/<int:pk>/criteria/", field_views.criteria, name="criteria"),
    path("criteria/<int:pk>/", field_views.criterion_edit, name="criterion_edit"),
]
