from django.urls import path

from drive.accounts import people_views as views

# Mounted at /organisations/; the namespace keeps the links of the pages' first home.
app_name = "organisations"
urlpatterns = [
    path("people/", views.people, name="people"),
    path("people/invite/", views.invite, name="invite"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke_view, name="invitation_revoke"),
    path("invitations/<int:pk>/resend/", views.invitation_resend_view, name="invitation_resend"),
]
