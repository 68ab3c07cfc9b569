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
    path("<int:pk>/schedule/", views.act, {"verb": "schedule"}, name="schedule"),
    path("<int:pk>/declare/", views.act, {"verb": "declare"}, name="declare"),
    path("<int:pk>/start/", views.act, {"verb": "start"}, name="start"),
    path("<int:pk>/submit/", views.act, {"verb": "submit"}, name="submit"),
    path("<int:pk>/forward/", views.act, {"verb": "forward"}, name="forward"),
    path("<int:pk>/return/", views.act, {"verb": "return"}, name="return"),
    path("<int:pk>/approve/", views.act, {"verb": "approve"}, name="approve"),
    path("<int:pk>/cancel/", views.act, {"verb": "cancel"}, name="cancel"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
