"""API tokens, idempotency records and webhooks (the API's own state)."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drive.core.permissions import is_member
from drive.organisations.models import Organisation

TOKEN_PREFIX = "drv_"


def token_digest(token: str) -> str:
    """Tokens are stored as their SHA-256; the clear token is shown once, at creation."""
    return hashlib.sha256(token.encode()).hexdigest()


class TokenScope(models.TextChoices):
    READ = "read", _("Read only")
    READ_WRITE = "read_write", _("Read and write")


class TokenKind(models.TextChoices):
    PERSONAL = "personal", _("Personal")
    ORGANISATION = "organisation", _("Organisation")


class ApiTokenQuerySet(models.QuerySet):
    def visible_to(self, user) -> ApiTokenQuerySet:
        """Own tokens, plus the organisation's shared tokens for its administrators."""
        from drive.organisations.models import ADMIN_ROLES

        if not is_member(user):
            return self.none()
        mine = models.Q(owner=user, organisation_id=user.organisation_id)
        if user.role in ADMIN_ROLES:
            mine |= models.Q(organisation_id=user.organisation_id, kind=TokenKind.ORGANISATION)
        return self.filter(mine)

    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A bearer token that acts as its owner, within the owner's organisation.

    Personal tokens are seen and revoked by their owner only; organisation tokens (made
    by an administrator for an integration) by every administrator of the organisation.
    """

    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=TokenKind.choices, default=TokenKind.PERSONAL
    )
    scope = models.CharField(
        _("scope"), max_length=20, choices=TokenScope.choices, default=TokenScope.READ
    )
    prefix = models.CharField(_("starts with"), max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "kind"], name="apitoken_org_kind_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_organisation_token(self) -> bool:
        return self.kind == TokenKind.ORGANISATION

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.READ_WRITE

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (
            self.expires_at is None or self.expires_at > timezone.now()
        )


class IdempotencyRecord(models.Model):
    """The response to a creating POST, replayed when the same key comes again (24 h)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField(null=True, blank=True)
    location = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key_unique")
        ]

    def __str__(self) -> str:
        return self.key


class WebhookEndpointQuerySet(models.QuerySet):
    def visible_to(self, user) -> WebhookEndpointQuerySet:
        if not is_member(user):
            return self.none()
        return self.filter(organisation_id=user.organisation_id)


class WebhookEvent(models.TextChoices):
    SUPPLIER_CREATED = "supplier.created", _("A supplier was added to the registry")
    SUPPLIER_UPDATED = "supplier.updated", _("A supplier's profile changed")
    IMPORT_COMPLETED = "import.completed", _("A supplier import finished")
    ASSESSMENT_SUBMITTED = "assessment.submitted", _("A supplier submitted a self-assessment")
    ASSESSMENT_ACCEPTED = "assessment.accepted", _("A self-assessment was accepted")
    APPEAL_FILED = "appeal.filed", _("A supplier appealed its score")
    APPEAL_DECIDED = "appeal.decided", _("An appeal was accepted or rejected")
    CERTIFICATE_ISSUED = "certificate.issued", _("A certificate was issued to a supplier")
    CERTIFICATE_REVOKED = "certificate.revoked", _("A supplier's certificate was revoked")
    TRAINING_REGISTERED = "training.registered", _("A supplier person registered for a session")
    TRAINING_PROMOTED = "training.promoted", _("A place freed up for someone on a waiting list")
    TRAINING_CANCELLED = "training.cancelled", _("A training registration was cancelled")
    ACTION_CREATED = "action.created", _("A corrective action was opened")
    ACTION_PLAN_PROPOSED = "action.plan_proposed", _("A supplier proposed a corrective action plan")
    ACTION_CHANGES_REQUESTED = (
        "action.changes_requested",
        _("Changes were requested to a corrective action"),
    )
    ACTION_PLAN_APPROVED = "action.plan_approved", _("A corrective action plan was approved")
    ACTION_PROGRESS_REPORTED = (
        "action.progress_reported",
        _("A supplier reported progress on a corrective action"),
    )
    ACTION_SUBMITTED = "action.submitted", _("A corrective action was submitted for verification")
    ACTION_CLOSED = "action.closed", _("A corrective action was verified and closed")
    ACTION_REOPENED = "action.reopened", _("A corrective action was reopened")
    ACTION_CANCELLED = "action.cancelled", _("A corrective action was cancelled")
    ACTION_OVERDUE = "action.overdue", _("A corrective action is overdue")
    INSPECTION_PLANNED = "inspection.planned", _("An inspection was planned")
    INSPECTION_SCHEDULED = "inspection.scheduled", _("An inspection date was set")
    INSPECTION_STARTED = "inspection.started", _("An inspection started")
    INSPECTION_SUBMITTED = "inspection.submitted", _("An inspection report was submitted")
    INSPECTION_FORWARDED = "inspection.forwarded", _("An inspection report was forwarded")
    INSPECTION_RETURNED = "inspection.returned", _("An inspection report was returned")
    INSPECTION_APPROVED = "inspection.approved", _("An inspection report was approved")
    INSPECTION_CANCELLED = "inspection.cancelled", _("An inspection was cancelled")


class WebhookEndpoint(models.Model):
    """A buyer's URL that receives signed JSON for the events it subscribed to."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    secret = models.CharField(max_length=64)
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["url", "id"]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")


class FailureReason(models.TextChoices):
    """Why an attempt failed, in DRiVE's own words: the endpoint's answer body is never
    stored or shown (it may come from a server the buyer should not read)."""

    HTTP_STATUS = "http_status", _("The endpoint answered with an error status.")
    REDIRECT = "redirect", _("The endpoint answered with a redirect; redirects are not followed.")
    TIMEOUT = "timeout", _("The endpoint did not answer in time.")
    CONNECTION = "connection", _("Could not connect to the endpoint.")
    TLS = "tls", _("The endpoint's TLS certificate was not accepted.")
    UNRESOLVABLE = "unresolvable", _("The endpoint's server name could not be found.")
    REFUSED_TARGET = (
        "refused_target",
        _("The URL is not allowed: webhooks go to https addresses on the public internet only."),
    )


class WebhookDelivery(models.Model):
    """One event sent (or to be sent) to one endpoint, with every attempt's outcome."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(_("event"), max_length=50)
    payload = models.JSONField(default=dict)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # One entry per attempt: {"at", "status_code", "error"} ("error": a FailureReason value).
    attempt_log = models.JSONField(default=list, blank=True)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    failure_reason = models.CharField(
        _("failure reason"), max_length=20, choices=FailureReason.choices, blank=True
    )
    next_retry_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["endpoint", "-created_at"], name="delivery_endpoint_idx")]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id}"

    @property
    def is_succeeded(self) -> bool:
        return self.status == DeliveryStatus.SUCCEEDED

    @property
    def is_failed(self) -> bool:
        return self.status == DeliveryStatus.FAILED
