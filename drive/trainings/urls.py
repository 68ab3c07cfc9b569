from django.urls import path

from drive.trainings import views

app_name = "trainings"

urlpatterns = [
    path("", views.event_list, name="events"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/publish/", views.event_publish, name="event_publish"),
    path("events/<int:pk>/cancel/", views.event_cancel, name="event_cancel"),
    path("events/<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("events/<int:pk>/participants/", views.participants, name="participants"),
    path("events/<int:pk>/participants/export/", views.participants_export, name="export"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/register/", views.register, name="register"),
    path("sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("registrations/", views.registration_list, name="registrations"),
    path("registrations/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("registrations/<int:pk>/calendar.ics", views.calendar_file, name="ics"),
    path("registrations/<int:pk>/certificate/", views.certificate, name="certificate"),
    path("resources/", views.resource_list, name="resources"),
    path("resources/new/", views.resource_create, name="resource_create"),
    path("resources/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("resources/<int:pk>/delete/", views.resource_delete, name="resource_delete"),
]
