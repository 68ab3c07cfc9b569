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
    path("inspections/", include("drive.inspections.urls")),
    path("risk/", include("drive.risk.urls")),
    path("trainings/", include("drive.trainings.urls")),
    path("inspections/field/", include("drive.inspections.field_urls")),
    path("", include("drive.certificates.urls")),
    path("actions/", include("drive.actions.urls")),
    path("", include("drive.pages.urls")),
]

# Under /api/ these answer in the API's JSON error envelope (drive/api/errors.py).
handler400 = "drive.api.errors.bad_request"
handler403 = "drive.api.errors.permission_denied"
handler404 = "drive.api.errors.page_not_found"
handler500 = "drive.api.errors.server_error"
