from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from drive.api import pages, views
from drive.api.docs import SwaggerDocsView
from drive.api.resources import (
    actions,
    appeals,
    assessments,
    certificates,
    evidence,
    inspection_fieldwork,
    inspections,
    notifications,
    programmes,
    questionnaires,
    risk,
    scoring,
    trainings,
    webhooks,
)
from drive.api.resources import imports as imports_resources

app_name = "api"

router = SimpleRouter()
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("users", views.UserViewSet, basename="user")
router.register("suppliers", views.SupplierViewSet, basename="supplier")
router.register("imports", views.ImportViewSet, basename="import")
router.register(
    "questionnaires/versions", questionnaires.VersionViewSet, basename="questionnaire-version"
)
router.register("questionnaires", questionnaires.QuestionnaireViewSet, basename="questionnaire")
router.register("programmes", programmes.ProgrammeViewSet, basename="programme")
router.register("enrolments", programmes.EnrolmentViewSet, basename="enrolment")
router.register("assessments", assessments.AssessmentViewSet, basename="assessment")
router.register("documents", evidence.DocumentViewSet, basename="document")
router.register("appeals", appeals.AppealViewSet, basename="appeal")
router.register("actions", actions.ActionViewSet, basename="action")
router.register("risk/models", risk.RiskModelViewSet, basename="risk-model")
router.register("scoring/methods", scoring.ScoringMethodViewSet, basename="scoring-method")
router.register("notifications", notifications.NotificationViewSet, basename="notification")
router.register("webhooks", webhooks.WebhookEndpointViewSet, basename="webhook-endpoint")
router.register("certificates", certificates.CertificateViewSet, basename="certificate")
router.register("trainings/events", trainings.EventViewSet, basename="training-event")
router.register("trainings/sessions", trainings.SessionViewSet, basename="training-session")
router.register(
    "trainings/registrations", trainings.RegistrationViewSet, basename="training-registration"
)
router.register("trainings/resources", trainings.ResourceViewSet, basename="training-resource")
router.register("inspections", inspections.InspectionViewSet, basename="inspection")


def _items(prefix: str, viewset, basename: str) -> list:
    base = rf"^v1/suppliers/(?P<supplier_pk>{views.ID})/{prefix}/"
    return [
        re_path(
            base + "$", viewset.as_view({"get": "list", "post": "create"}), name=f"{basename}-list"
        ),
        re_path(
            base + rf"(?P<pk>{views.ID})/$",
            viewset.as_view(
                {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
            ),
            name=f"{basename}-detail",
        ),
    ]


v1_patterns = [
    path("v1/", include(router.urls)),
    *_items("certifications", views.CertificationViewSet, "certification"),
    *_items("agreements", views.AgreementViewSet, "agreement"),
    *_items("contacts", views.ContactViewSet, "contact"),
    re_path(
        rf"^v1/imports/(?P<pk>{views.ID})/mapping/$",
        imports_resources.ImportStepViewSet.as_view({"post": "mapping"}),
        name="import-mapping",
    ),
    re_path(
        rf"^v1/imports/(?P<pk>{views.ID})/duplicates/$",
        imports_resources.ImportStepViewSet.as_view({"post": "duplicates"}),
        name="import-duplicates",
    ),
    re_path(
        r"^v1/suppliers/invite-many/$",
        imports_resources.SupplierBulkInviteViewSet.as_view({"post": "create"}),
        name="supplier-invite-many",
    ),
    re_path(
        rf"^v1/suppliers/(?P<pk>{views.ID})/risk/$",
        risk.SupplierRiskViewSet.as_view({"get": "retrieve"}),
        name="supplier-risk",
    ),
    *inspection_fieldwork.routes(views.ID),
    re_path(
        r"^v1/verify/(?P<code>[A-Za-z0-9_\-]{1,100})/$",
        certificates.verify_view,
        name="certificate-verify",
    ),
]

urlpatterns = [
    *v1_patterns,
    re_path(r"^v1/", views.NotFoundView.as_view(), name="not_found"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SwaggerDocsView.as_view(url_name="api:schema"), name="docs"),
    path("tokens/", pages.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", pages.token_revoke, name="token_revoke"),
    path("webhooks/", pages.webhooks, name="webhooks"),
    path("webhooks/<int:pk>/", pages.webhook_detail, name="webhook_detail"),
    path("webhooks/<int:pk>/delete/", pages.webhook_delete, name="webhook_delete"),
]
