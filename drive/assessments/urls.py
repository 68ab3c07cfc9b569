from django.urls import path

from drive.assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/themes/<str:code>/", views.theme, name="theme"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/check/", views.check, name="check"),
    path("<int:pk>/submissions/<int:number>/", views.confirmation, name="confirmation"),
    path("<int:pk>/prefill/", views.prefill, name="prefill"),
    path("<int:pk>/print/", views.print_view, name="print"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/compare/<int:a>/<int:b>/", views.compare, name="compare"),
]
