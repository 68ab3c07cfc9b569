from django.urls import path

from drive.programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("new/", views.programme_create, name="create"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/edit/", views.programme_edit, name="edit"),
    path("<int:pk>/open/", views.programme_open, name="open"),
    path("<int:pk>/close/", views.programme_close, name="close"),
    path("<int:pk>/enrol/", views.enrol, name="enrol"),
    path("<int:pk>/invite/", views.invite_company, name="invite_company"),
    path("<int:pk>/remind/", views.remind, name="remind"),
    path("enrolments/<int:pk>/", views.enrolment_detail, name="enrolment"),
    path("enrolments/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
