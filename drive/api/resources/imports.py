"""Supplier lists without identifiers through the API (issue 10): the column-mapping
step and the possible-duplicate decisions of an import, and the bulk invitation of
registry suppliers' first users. The same services, scoping and predicates as the pages
(``drive.imports.services``, ``drive.suppliers.services.supplier_invite_many``)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from drive.api import serializers as s
from drive.api.concurrency import idempotent
from drive.api.views import SUPPLIER_FILTERS, ScopedViewSet, require
from drive.core.params import parse_id
from drive.imports import services as import_services
from drive.imports import tasks as import_tasks
from drive.imports.columns import COLUMN_NAMES, header_key
from drive.imports.models import ImportJob
from drive.imports.permissions import can_import_suppliers
from drive.imports.selectors import imports_for
from drive.suppliers.models import Supplier
from drive.suppliers.permissions import can_invite_suppliers
from drive.suppliers.selectors import supplier_search
from drive.suppliers.services import SKIP_REASONS, supplier_invite_many


class ImportMappingIn(serializers.Serializer):
    mapping = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=40),
        help_text=_(
            'Heading of the file → DRiVE field, e.g. {"Vendor Name": "legal_name"}; an empty '
            "field ignores the column; headings not given are ignored. legal_name and "
            "country are needed."
        ),
    )


class DecisionIn(serializers.Serializer):
    row = serializers.IntegerField(min_value=1, help_text=_("The row of the possible duplicate."))
    same = serializers.BooleanField(
        help_text=_("true: the same supplier (the row is not imported); false: keep both.")
    )


class ImportDuplicatesIn(serializers.Serializer):
    decisions = DecisionIn(many=True, allow_empty=False, max_length=500)


class ImportStepViewSet(ScopedViewSet):
    """``/imports/{id}/mapping/`` and ``/imports/{id}/duplicates/``."""

    serializer_class = s.ImportOut

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        require(can_import_suppliers(request.user))

    def scoped(self) -> QuerySet[ImportJob]:
        return imports_for(self.request.user)

    @extend_schema(
        summary="Map the file's headings to DRiVE's fields (an import waiting for it)",
        description="An upload whose headings DRiVE does not recognise waits in status "
        "`mapping` with its `headers`, `encoding` and a `sample` of decoded rows. The "
        "mapping is remembered for the buyer's next file with the same headings; the "
        "file is then checked.",
        request=ImportMappingIn,
        responses=s.ImportOut,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def mapping(self, request: Request, pk: str) -> Response:
        job = self.get_object()
        data = ImportMappingIn(data=request.data)
        data.is_valid(raise_exception=True)
        if len(data.validated_data["mapping"]) > 200:
            raise ValidationError({"mapping": [_("At most 200 columns.")]})
        keys = [header_key(h) for h in job.headers]
        chosen: dict[str, int] = {}
        for heading, field in data.validated_data["mapping"].items():
            if header_key(heading) not in keys:
                raise ValidationError({"mapping": [_("The file has no column “%s”.") % heading]})
            if field and field not in COLUMN_NAMES:
                raise ValidationError({"mapping": [_("“%s” is not a DRiVE field.") % field]})
            if field:
                chosen[field] = keys.index(header_key(heading))
        job = import_services.import_map(job=job, mapping=chosen, by=request.user)
        import_tasks.validate_soon(job, request.user)
        return Response(s.ImportOut(self.scoped().get(pk=job.pk)).data)

    @extend_schema(
        summary="Decide whether possible duplicates are the same supplier",
        description="For a checked import's `duplicates` (by row): true = the same "
        "supplier (the row is not imported), false = different suppliers. Decisions are "
        "kept for the buyer, so a re-import of the list changes nothing; the file is "
        "checked again.",
        request=ImportDuplicatesIn,
        responses=s.ImportOut,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def duplicates(self, request: Request, pk: str) -> Response:
        job = self.get_object()
        data = ImportDuplicatesIn(data=request.data)
        data.is_valid(raise_exception=True)
        decisions = {d["row"]: d["same"] for d in data.validated_data["decisions"]}
        job = import_services.import_decide_duplicates(
            job=job, decisions=decisions, by=request.user
        )
        return Response(s.ImportOut(self.scoped().get(pk=job.pk)).data)


class BulkInviteIn(serializers.Serializer):
    suppliers = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=500,
        help_text=_("Supplier ids; or leave out and set all to invite every matching one."),
    )
    all = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Every supplier matching the registry filters of the query string."),
    )


class InvitedOut(serializers.Serializer):
    supplier = serializers.IntegerField()
    legal_name = serializers.CharField()
    email = serializers.EmailField()


class SkippedOut(serializers.Serializer):
    supplier = serializers.IntegerField()
    legal_name = serializers.CharField()
    reason = serializers.ChoiceField(choices=list(SKIP_REASONS))
    message = serializers.CharField()


class BulkInviteOut(serializers.Serializer):
    invited = InvitedOut(many=True)
    skipped = SkippedOut(many=True)
    not_processed = serializers.IntegerField(
        help_text=_("Matching suppliers not looked at (at most 500 a request): call again.")
    )


class SupplierBulkInviteViewSet(ScopedViewSet):
    """``/suppliers/invite-many/``."""

    serializer_class = BulkInviteOut

    def scoped(self) -> QuerySet[Supplier]:
        return Supplier.objects.visible_to(self.request.user)

    @extend_schema(
        summary="Invite the first users of many registry suppliers",
        description="Each supplier with a contact e-mail and no DRiVE account yet gets an "
        "invitation to become its company's administrator; the others are skipped with "
        "their reason. An open invitation is never sent twice.",
        parameters=SUPPLIER_FILTERS,
        request=BulkInviteIn,
        responses=BulkInviteOut,
    )
    @idempotent
    def create(self, request: Request) -> Response:
        require(can_invite_suppliers(request.user))
        data = BulkInviteIn(data=request.data)
        data.is_valid(raise_exception=True)
        suppliers = supplier_search(user=request.user, params=request.query_params)
        if not data.validated_data["all"]:
            ids = [parse_id(i) for i in data.validated_data.get("suppliers") or []]
            if not ids:
                raise ValidationError({"suppliers": [_("Give supplier ids, or all: true.")]})
            suppliers = suppliers.filter(pk__in=ids)
        report = supplier_invite_many(suppliers=suppliers, by=request.user)
        return Response(
            {
                "invited": [
                    {"supplier": x.pk, "legal_name": x.legal_name, "email": e}
                    for x, e in report.invited
                ],
                "skipped": [
                    {
                        "supplier": x.pk,
                        "legal_name": x.legal_name,
                        "reason": r,
                        "message": str(SKIP_REASONS[r]),
                    }
                    for x, r in report.skipped
                ],
                "not_processed": report.not_processed,
            }
        )
