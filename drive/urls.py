from django.contrib import admin
from django.urls import include, path

from drive.core.views import healthz

admin.site.site_header = "DRiVE"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("drive.accounts.urls")),
    path("organisations/", include("drive.accounts.people_urls")),
    path("notifications/", include("drive.notifications.urls")),
    path("suppliers/import/", include("drive.imports.urls")),
    path("suppliers/", include("drive.suppliers.urls")),
    path("questionnaires/", include("drive.questionnaires.urls")),
    path("programmes/", include("drive.programmes.urls")),
    path("assessments/", include("drive.assessments.urls")),
    path("evidence/", include("drive.evidence.urls")),
    path("api/", include("drive.api.urls")),
    path("scoring/", include("drive.scoring.urls")),
    path("feedback/", include("drive.feedback.urls")),
    path("risk/", include("drive.risk.urls")),
    path("", include("drive.pages.urls")),
]
