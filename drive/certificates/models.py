"""Completion and certificates (PRODUCT.md §9).

A programme's **completion policy** says what an enrolment must meet before its supplier
is certified (``selectors.completion_for``); a **certificate** is issued to an enrolment
that meets it, with a human-readable number, an unguessable verification code (only its
hash is looked up), validity dates and the supplier's names as they stood when issued. Its
status (valid / expired / revoked) is computed on read; its PDF is rendered in the
background.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drive.core.scoping import ScopedQuerySet
from drive.programmes.models import Enrolment, Programme
from drive.suppliers.models import Supplier

DEFAULT_VALIDITY_MONTHS = 12


class CompletionPolicy(models.Model):
    """A programme's completion criteria; a programme without a row uses the defaults
    (``selectors.policy_for``)."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="completion_policy"
    )
    # An inspection is needed anyway when the supplier had one planned (not cancelled).
    require_inspection = models.BooleanField(
        _("an approved inspection is required of every supplier"), default=False
    )
    validity_months = models.PositiveSmallIntegerField(
        _("validity (months)"), default=DEFAULT_VALIDITY_MONTHS
    )
    scope = models.CharField(
        _("scope printed on certificates"),
        max_length=300,
        blank=True,
        help_text=_("For example: “Supplier sustainability programme: all themes”."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("completion policy")
        verbose_name_plural = _("completion policies")

    def __str__(self) -> str:
        return str(self.programme)


class PdfStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class CertificateStatus(models.TextChoices):
    """Computed on read (never stored): revoked wins over expired."""

    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class CertificateQuerySet(ScopedQuerySet):
    def for_buyer(self, org, user) -> CertificateQuerySet:
        return self.filter(programme__buyer=org)

    def for_supplier(self, org, user) -> CertificateQuerySet:
        return self.filter(supplier__organisation=org)

    def active(self) -> CertificateQuerySet:
        """Not revoked (valid or expired)."""
        return self.filter(revoked_at__isnull=True)

    def valid_on(self, day: dt.date) -> CertificateQuerySet:
        return self.filter(revoked_at__isnull=True, valid_until__gte=day)


class Certificate(models.Model):
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    # The secret of the verification link (printed as a QR code); looked up by its hash.
    code = models.CharField(max_length=64, editable=False)
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="certificates")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="certificates")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="certificates")
    # The facts as they stood when issued: a later rename does not change a certificate.
    supplier_name = models.CharField(_("supplier"), max_length=255)
    supplier_local_name = models.CharField(_("name in local script"), max_length=255, blank=True)
    programme_name = models.CharField(_("programme"), max_length=200)
    buyer_name = models.CharField(_("issued by"), max_length=200)
    scope = models.CharField(_("scope"), max_length=300, blank=True)
    language = models.CharField(_("supplier's language"), max_length=10, default="en")
    issued_on = models.DateField(_("issue date"))
    valid_until = models.DateField(_("valid until"))
    # A renewal in the next cycle points at the certificate it renews.
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renewals",
        verbose_name=_("renews"),
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.TextField(_("reason for revoking"), blank=True)
    pdf = models.FileField(upload_to="certificates/%Y/", blank=True)
    pdf_status = models.CharField(
        _("PDF"), max_length=10, choices=PdfStatus.choices, default=PdfStatus.PENDING
    )
    pdf_error = models.TextField(blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-id"]
        constraints = [
            # One certificate in force per enrolment: revoke it before issuing another.
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=models.Q(revoked_at__isnull=True),
                name="certificate_one_active_per_enrolment",
            )
        ]
        indexes = [
            models.Index(fields=["programme", "-id"], name="certificate_programme_idx"),
            models.Index(fields=["supplier", "-issued_on"], name="certificate_supplier_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def status_on(self, day: dt.date) -> str:
        if self.revoked_at is not None:
            return CertificateStatus.REVOKED
        if self.valid_until < day:
            return CertificateStatus.EXPIRED
        return CertificateStatus.VALID

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    @property
    def status_label(self) -> str:
        return str(CertificateStatus(self.status).label)

    @property
    def is_valid(self) -> bool:
        return self.status == CertificateStatus.VALID

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def pdf_ready(self) -> bool:
        return self.pdf_status == PdfStatus.READY


class NumberSequence(models.Model):
    """The last certificate number given in a year (DRIVE-<year>-<000123>), claimed under a
    row lock so that two issuers never give the same number."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("certificate number sequence")
        verbose_name_plural = _("certificate number sequences")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
