from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drive.core.scoping import ScopedQuerySet
from drive.suppliers.models import Supplier


class DocumentKind(models.TextChoices):
    POLICY = "policy", _("Policy")
    CERTIFICATE = "certificate", _("Certificate")
    REPORT = "report", _("Report")
    PHOTO = "photo", _("Photo")
    OTHER = "other", _("Other")


class DocumentQuerySet(ScopedQuerySet):
    """``visible_to(user)``: a supplier's users see their company's whole library. Buyer
    staff see only what the company shared with them: documents attached to an answer of an
    assessment in one of their programmes (whichever buyer's registry entry the document was
    filed under). The rest of the library, including what was attached only for another
    buyer, stays private."""

    def for_supplier(self, org, user) -> DocumentQuerySet:
        return self.filter(supplier__organisation=org)

    def for_buyer(self, org, user) -> DocumentQuerySet:
        attached = self.model.objects.filter(
            answers__assessment__enrolment__programme__buyer=org
        ).values("pk")
        return self.filter(pk__in=attached)


class Document(models.Model):
    """A file in a supplier's evidence library, reusable across questions and cycles."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to="evidence/%Y/%m/", max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("type"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.OTHER
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence document")
        verbose_name_plural = _("evidence documents")
        ordering = ["-uploaded_at"]
        indexes = [models.Index(fields=["supplier", "-uploaded_at"], name="document_supplier_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()
