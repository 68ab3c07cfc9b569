from django.urls import path

from drive.certificates import views

app_name = "certificates"

urlpatterns = [
    path("certificates/mine/", views.mine, name="mine"),
    path("certificates/programmes/<int:pk>/", views.completion, name="completion"),
    path("certificates/programmes/<int:pk>/issue/", views.issue, name="issue"),
    path("certificates/programmes/<int:pk>/policy/", views.policy, name="policy"),
    path("certificates/<int:pk>/", views.detail, name="detail"),
    path("certificates/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("certificates/<int:pk>/pdf/", views.pdf, name="pdf"),
    path("certificates/<int:pk>/pdf/retry/", views.pdf_retry, name="pdf_retry"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
]
