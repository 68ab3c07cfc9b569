from django.urls import path

from drive.actions import views

app_name = "actions"

urlpatterns = [
    path("", views.action_list, name="list"),
    path("export/", views.export, name="export"),
    path("remind/", views.remind, name="remind"),
    path("programmes/<int:pk>/policy/", views.policy, name="policy"),
    path("<int:pk>/", views.action_detail, name="detail"),
    path("<int:pk>/plan/", views.plan, name="plan"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/verify/", views.verify, name="verify"),
    path("<int:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/documents/<int:item_pk>/", views.document, name="document"),
]
