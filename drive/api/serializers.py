"""Explicit input and output serializers (STYLE.md §17): output serializers say what a
client reads, input serializers what it may send; services do the writing. No
``fields = "__all__"``: a new model field is never exposed by accident."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from drive.accounts.models import Invitation, User
from drive.audit.models import AuditEvent
from drive.imports.messages import rejection_message, row_message
from drive.imports.models import ImportJob
from drive.organisations.models import Organisation, Role
from drive.suppliers.models import (
    Certification,
    CertificationStandard,
    Contact,
    LongTermAgreement,
    Sector,
)
from drive.suppliers.selectors import sector_codes_of

COUNTRY_CHOICES = [code for code, _name in countries]
PG_INT_MAX = 2_147_483_647


# --- Organisations and people ---------------------------------------------------------


class OrganisationOut(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", read_only=True, allow_blank=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "name_local", "kind", "country", "created_at"]
        read_only_fields = fields


class UserOut(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name", "role", "language", "date_joined", "last_login"]
        read_only_fields = fields


class InvitationIn(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)


class SupplierInviteIn(serializers.Serializer):
    email = serializers.EmailField(
        max_length=254, help_text="The address of the supplier's first administrator."
    )
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        help_text="Language of the invitation email and of the new account "
        "(default: the inviter's).",
    )


class InvitationOut(serializers.ModelSerializer):
    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "language", "created_at", "expires_at"]
        read_only_fields = fields


# --- Supplier registry ----------------------------------------------------------------


class SectorOut(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["code", "title"]
        read_only_fields = fields


class CertificationOut(serializers.ModelSerializer):
    class Meta:
        model = Certification
        fields = ["id", "standard", "number", "issuer", "valid_until", "is_expired"]
        read_only_fields = fields


class CertificationIn(serializers.Serializer):
    standard = serializers.ChoiceField(choices=CertificationStandard.choices)
    number = serializers.CharField(max_length=64, required=False, allow_blank=True)
    issuer = serializers.CharField(max_length=120, required=False, allow_blank=True)
    valid_until = serializers.DateField(required=False, allow_null=True)


class AgreementOut(serializers.ModelSerializer):
    class Meta:
        model = LongTermAgreement
        fields = [
            "id",
            "number",
            "agency",
            "value",
            "currency",
            "start_date",
            "end_date",
            "is_active",
        ]
        read_only_fields = fields


class AgreementIn(serializers.Serializer):
    number = serializers.CharField(max_length=64)
    agency = serializers.CharField(max_length=120)
    value = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", max_length=3, required=False)
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)

    def validate(self, attrs):
        start, end = attrs.get("start_date"), attrs.get("end_date")
        if start and end and end < start:
            raise serializers.ValidationError({"end_date": [_("End on or after the start.")]})
        return attrs


class ContactOut(serializers.ModelSerializer):
    email = serializers.SerializerMethodField()

    @extend_schema_field(serializers.EmailField(allow_null=True))
    def get_email(self, contact: Contact) -> str | None:
        """null when the contact has no e-mail address (never an empty string)."""
        return contact.email or None

    class Meta:
        model = Contact
        fields = ["id", "name", "position", "email", "phone", "is_primary"]
        read_only_fields = fields


class ContactIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    position = serializers.CharField(max_length=120, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    is_primary = serializers.BooleanField(required=False)


class SupplierListOut(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    legal_name = serializers.CharField(read_only=True)
    local_name = serializers.CharField(read_only=True)
    registration_number = serializers.CharField(read_only=True)
    ungm_vendor_number = serializers.CharField(read_only=True)
    country = serializers.CharField(source="country.code", read_only=True)
    city = serializers.CharField(read_only=True)
    size_class = serializers.CharField(read_only=True)
    employees = serializers.IntegerField(read_only=True, allow_null=True)
    women_owned = serializers.BooleanField(read_only=True)
    sectors = serializers.SerializerMethodField()
    buyer = serializers.IntegerField(source="buyer_id", read_only=True)
    organisation = serializers.IntegerField(
        source="organisation_id", read_only=True, allow_null=True
    )
    updated_at = serializers.DateTimeField(read_only=True)

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_sectors(self, supplier) -> list[int]:
        if hasattr(supplier, "sector_codes"):  # a list's row (suppliers.selectors)
            return sector_codes_of(supplier)
        return sorted(s.code for s in supplier.sectors.all())

    def to_representation(self, supplier) -> dict:
        """The declared fields' values, read directly: DRF's field-by-field machinery was a
        third of the list's time for a page of 50 (bench/request_profile.py). Subclasses
        (SupplierOut) keep the generic path; a test checks that both give the same."""
        if type(self) is not SupplierListOut:
            return super().to_representation(supplier)
        updated = supplier.updated_at
        return {
            "id": supplier.pk,
            "legal_name": supplier.legal_name,
            "local_name": supplier.local_name,
            "registration_number": supplier.registration_number,
            "ungm_vendor_number": supplier.ungm_vendor_number,
            "country": supplier.country.code,
            "city": supplier.city,
            "size_class": supplier.size_class,
            "employees": supplier.employees,
            "women_owned": supplier.women_owned,
            "sectors": self.get_sectors(supplier),
            "buyer": supplier.buyer_id,
            "organisation": supplier.organisation_id,
            "updated_at": None
            if updated is None
            else self.fields["updated_at"].to_representation(updated),
        }


class SupplierOut(SupplierListOut):
    address = serializers.CharField(read_only=True)
    website = serializers.CharField(read_only=True)
    annual_turnover_usd = serializers.DecimalField(
        max_digits=16, decimal_places=2, read_only=True, allow_null=True
    )
    buyer_name = serializers.CharField(source="buyer.name", read_only=True)
    sector_details = SectorOut(source="sectors", many=True, read_only=True)
    certifications = CertificationOut(many=True, read_only=True)
    agreements = AgreementOut(many=True, read_only=True)
    contacts = ContactOut(many=True, read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class SupplierIn(serializers.Serializer):
    """The profile a client may send; ``size_class`` is derived, ``buyer`` is yours."""

    legal_name = serializers.CharField(max_length=255)
    local_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    registration_number = serializers.CharField(max_length=64, required=False, allow_blank=True)
    ungm_vendor_number = serializers.CharField(max_length=32, required=False, allow_blank=True)
    country = serializers.ChoiceField(choices=COUNTRY_CHOICES)
    city = serializers.CharField(max_length=120, required=False, allow_blank=True)
    address = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    website = serializers.URLField(max_length=200, required=False, allow_blank=True)
    employees = serializers.IntegerField(
        min_value=0, max_value=PG_INT_MAX, required=False, allow_null=True
    )
    annual_turnover_usd = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    women_owned = serializers.BooleanField(required=False)
    sectors = serializers.ListField(
        child=serializers.IntegerField(min_value=10, max_value=99),
        required=False,
        max_length=100,
        help_text=_("UNSPSC segment codes (2 digits)."),
    )

    def validate_sectors(self, codes: list[int]) -> list[int]:
        known = set(Sector.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = sorted(set(codes) - known)
        if unknown:
            raise serializers.ValidationError(
                _("Unknown UNSPSC segment: %(codes)s.")
                % {"codes": ", ".join(str(c) for c in unknown)}
            )
        return sorted(set(codes))


# --- Imports ---------------------------------------------------------------------------


class ImportErrorOut(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    value = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()


class ImportDuplicateOut(serializers.Serializer):
    row = serializers.IntegerField()
    name = serializers.CharField()
    country = serializers.CharField()
    other_name = serializers.CharField()
    other_row = serializers.IntegerField(allow_null=True, help_text=_("When in the same file."))
    other_supplier = serializers.IntegerField(
        allow_null=True, help_text=_("When already in the registry.")
    )
    score = serializers.IntegerField(help_text=_("How alike the names are, 0-100."))
    decision = serializers.ChoiceField(choices=["", "same", "different"])


class ImportOut(serializers.ModelSerializer):
    created_by = serializers.EmailField(
        source="created_by.email", read_only=True, allow_null=True, default=None
    )
    format = serializers.CharField(read_only=True, help_text=_("csv, xlsx, or empty"))
    mode = serializers.CharField(read_only=True, help_text=_("all, valid_only, or empty"))
    errors = serializers.SerializerMethodField()
    rejection = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField()
    duplicates = serializers.SerializerMethodField()
    encoding = serializers.CharField(
        read_only=True, help_text=_("The text encoding detected for a CSV file.")
    )
    headers = serializers.ListField(child=serializers.CharField(), read_only=True)
    sample = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
        read_only=True,
        help_text=_("The first rows as decoded, for the mapping step."),
    )
    mapping = serializers.DictField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text=_("DRiVE field → column position (proposed while the status is mapping)."),
    )

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "original_name",
            "format",
            "status",
            "mode",
            "total",
            "processed",
            "valid",
            "invalid",
            "to_create",
            "to_update",
            "to_leave",
            "created",
            "updated",
            "unchanged",
            "error_count",
            "errors",
            "rejection",
            "ignored_columns",
            "encoding",
            "headers",
            "sample",
            "mapping",
            "warning_count",
            "warnings",
            "duplicates",
            "created_by",
            "created_at",
            "validated_at",
            "finished_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ImportErrorOut(many=True))
    def get_errors(self, job: ImportJob) -> list[dict]:
        # Stored as codes; rendered now, in the reader's language.
        return [
            {
                "row": e.get("row"),
                "column": e.get("column", ""),
                "value": e.get("value", ""),
                "code": e.get("code", ""),
                "message": row_message(e["code"], e.get("params")),
            }
            for e in job.errors
        ]

    @extend_schema_field(ImportErrorOut(many=True))
    def get_warnings(self, job: ImportJob) -> list[dict]:
        # Rows that import anyway: unknown sector text, text that looks mis-decoded...
        return [
            {
                "row": e.get("row"),
                "column": e.get("column", ""),
                "value": e.get("value", ""),
                "code": e.get("code", ""),
                "message": row_message(e["code"], e.get("params")),
            }
            for e in job.warnings
        ]

    @extend_schema_field(ImportDuplicateOut(many=True))
    def get_duplicates(self, job: ImportJob) -> list[dict]:
        return job.duplicates

    @extend_schema_field(OpenApiTypes.STR)
    def get_rejection(self, job: ImportJob) -> str:
        if not job.rejection_code:
            return ""
        return rejection_message(job.rejection_code, job.rejection_params)


class ImportIn(serializers.Serializer):
    file = serializers.FileField(
        help_text=_("A CSV or XLSX file in the import template's columns.")
    )


class ImportConfirmIn(serializers.Serializer):
    mode = serializers.ChoiceField(
        choices=[
            ("all", _("Import all rows")),
            ("valid_only", _("Import only the valid rows")),
            ("cancel", _("Cancel the import")),
            ("retry", _("Try again")),
        ],
        help_text=_(
            "all or valid_only: import a checked file; cancel: abandon a checked or failed "
            "import; retry: check a failed import's file again (e.g. one that stopped "
            "unexpectedly)."
        ),
    )


# --- Audit ---------------------------------------------------------------------------


class AuditEventOut(serializers.ModelSerializer):
    actor = serializers.EmailField(
        source="actor.email", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "action",
            "actor",
            "from_state",
            "to_state",
            "before",
            "after",
            "note",
        ]
        read_only_fields = fields
