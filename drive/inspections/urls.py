from django.urls import path

from drive.inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.inspection_list_view, name="list"),
    path("new/", views.plan, name="plan"),
    path("programmes/<int:pk>/queue/", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/team/", views.assign, name="assign"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<int:pk>/<slug:verb>/", views.act, name="act"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
