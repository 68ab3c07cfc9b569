"""Programmes and enrolments: the services, selectors (``programmes_for``, ``cohort``) and
predicates (``can_view_programmes``, ``can_manage_programmes``) of ``drive.programmes``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from drive.api.concurrency import check_if_match, etag_for, idempotent, if_match, with_etag
from drive.api.resources.appeals import ProgrammeAppealActions
from drive.api.resources.inspection_queue import ProgrammeInspectionQueueActions
from drive.api.resources.programme_risk import ProgrammeRiskActions
from drive.api.serializers import COUNTRY_CHOICES
from drive.api.views import ScopedViewSet, require
from drive.core.filters import apply_filters
from drive.inspections.permissions import can_view_queue
from drive.programmes import selectors, services
from drive.programmes.filters import EnrolmentFilter, ProgrammeFilter
from drive.programmes.models import Enrolment, Programme, ProgrammeStatus, Stage
from drive.programmes.permissions import can_manage_programmes, can_view_programmes
from drive.questionnaires.selectors import version_visible_to
from drive.risk.permissions import can_view_risk_dashboard
from drive.suppliers.models import SizeClass, Supplier

# --- Serializers -----------------------------------------------------------------------


class ProgrammeLinksOut(serializers.Serializer):
    enrolments = serializers.URLField(
        allow_null=True,
        help_text=_("The cohort (programmes/{id}/enrolments/); null: not yours to read."),
    )
    risk = serializers.URLField(
        allow_null=True,
        help_text=_(
            "The risk dashboard's summary (programmes/{id}/risk/); null: not yours to read."
        ),
    )
    inspection_queue = serializers.URLField(
        allow_null=True,
        help_text=_(
            "The inspection queue (programmes/{id}/inspection-queue/); null: not yours to read."
        ),
    )


def programme_links(programme: Programme, request: Request) -> dict[str, str | None]:
    """Where a client goes next from the programme: each link only for a user whom its
    endpoint's predicate lets in (the others read null rather than meet a 403)."""
    user = request.user

    def link(name: str, allowed: bool) -> str | None:
        if not allowed:
            return None
        return reverse(f"api:programme-{name}", kwargs={"pk": programme.pk}, request=request)

    return {
        "enrolments": link("enrolments", can_view_programmes(user)),
        "risk": link("risk", can_view_risk_dashboard(user, programme)),
        "inspection_queue": link("inspection-queue", can_view_queue(user, programme)),
    }


class ProgrammeOut(serializers.ModelSerializer):
    buyer = serializers.IntegerField(source="buyer_id", read_only=True)
    questionnaire_version = serializers.IntegerField(
        source="questionnaire_version_id", read_only=True
    )
    countries = serializers.ListField(child=serializers.CharField(), read_only=True)
    review_deadline = serializers.SerializerMethodField()
    enrolment_count = serializers.IntegerField(
        read_only=True, help_text=_("Suppliers in the cohort (withdrawn ones not counted).")
    )
    links = serializers.SerializerMethodField(
        help_text=_("The programme's sub-resources you may read, as URLs.")
    )

    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "description",
            "buyer",
            "countries",
            "questionnaire_version",
            "opening_date",
            "assessment_deadline",
            "review_deadline",
            "status",
            "enrolment_count",
            "created_at",
            "links",
        ]
        read_only_fields = fields

    def get_review_deadline(self, programme: Programme) -> str | None:
        return (programme.stage_deadlines or {}).get("reviewed")

    @extend_schema_field(ProgrammeLinksOut)
    def get_links(self, programme: Programme) -> dict[str, str | None]:
        return programme_links(programme, self.context["request"])


class ProgrammeIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    countries = serializers.ListField(
        child=serializers.ChoiceField(choices=COUNTRY_CHOICES), required=False, max_length=250
    )
    questionnaire_version = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        help_text=_(
            "The version suppliers answer (shipped with DRiVE or your own); it must "
            "be published before the programme opens."
        ),
    )
    opening_date = serializers.DateField(required=False, allow_null=True)
    assessment_deadline = serializers.DateField(required=False, allow_null=True)
    review_deadline = serializers.DateField(required=False, allow_null=True)

    def validate_questionnaire_version(self, pk: int):
        user = self.context["request"].user
        version = version_visible_to(user).select_related("questionnaire").filter(pk=pk).first()
        if version is None:
            raise serializers.ValidationError(_("No such questionnaire version."))
        return version

    def service_data(self, programme: Programme | None = None) -> dict[str, Any]:
        """The validated fields in the shape ``programme_create/update`` take."""
        data = dict(self.validated_data)
        if "review_deadline" in data:
            review = data.pop("review_deadline")
            deadlines = dict(programme.stage_deadlines or {}) if programme else {}
            if review:
                deadlines["reviewed"] = review.isoformat()
            else:
                deadlines.pop("reviewed", None)
            data["stage_deadlines"] = deadlines
        return data


class NoteIn(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class SupplierRef(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    legal_name = serializers.CharField(read_only=True)
    local_name = serializers.CharField(read_only=True)
    country = serializers.CharField(source="country.code", read_only=True)
    size_class = serializers.CharField(read_only=True)


class EnrolmentOut(serializers.ModelSerializer):
    programme = serializers.IntegerField(source="programme_id", read_only=True)
    supplier = SupplierRef(read_only=True)
    assessment = serializers.SerializerMethodField()

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "programme",
            "supplier",
            "stage",
            "stage_changed_at",
            "last_activity_at",
            "last_reminded_at",
            "created_at",
            "assessment",
        ]
        read_only_fields = fields

    def get_assessment(self, enrolment: Enrolment) -> int | None:
        assessment = getattr(enrolment, "assessment", None)
        return assessment.pk if assessment else None


class CohortRowOut(EnrolmentOut):
    answered = serializers.IntegerField(read_only=True)
    question_total = serializers.IntegerField(read_only=True)
    progress = serializers.IntegerField(
        read_only=True,
        help_text=_("Per cent answered: the same figure the supplier sees on the self-assessment."),
    )
    deadline_status = serializers.ChoiceField(
        choices=[*dict(selectors.DEADLINE_CHOICES), selectors.NOT_APPLICABLE], read_only=True
    )

    class Meta(EnrolmentOut.Meta):
        fields = [
            *EnrolmentOut.Meta.fields,
            "answered",
            "question_total",
            "progress",
            "deadline_status",
        ]
        read_only_fields = fields


class EnrolIn(serializers.Serializer):
    suppliers = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        min_length=1,
        max_length=1000,
        help_text=_("Ids of suppliers in your registry."),
    )


class EnrolOut(serializers.Serializer):
    created = EnrolmentOut(many=True)
    already_enrolled = serializers.IntegerField()


class InviteCompanyIn(serializers.Serializer):
    legal_name = serializers.CharField(max_length=255)
    local_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    country = serializers.ChoiceField(choices=COUNTRY_CHOICES)
    registration_number = serializers.CharField(max_length=64, required=False, allow_blank=True)
    ungm_vendor_number = serializers.CharField(max_length=32, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("registration_number") and not attrs.get("ungm_vendor_number"):
            raise serializers.ValidationError(
                {
                    "registration_number": [
                        _("Enter a registration number or a UNGM vendor number (or both).")
                    ]
                }
            )
        return attrs


class RemindIn(serializers.Serializer):
    enrolments = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        min_length=1,
        max_length=5000,
        help_text=_("Enrolments of this programme to remind."),
    )
    message = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RemindOut(serializers.Serializer):
    reminded = serializers.IntegerField()
    emails = serializers.IntegerField()
    without_users = serializers.IntegerField()
    skipped = serializers.IntegerField()


# --- Views ----------------------------------------------------------------------------

COHORT_FILTERS = [
    OpenApiParameter("stage", str, enum=Stage.values),
    OpenApiParameter("country", str, description="ISO country code of the supplier."),
    OpenApiParameter("size", str, enum=[*SizeClass.values, "unknown"]),
    OpenApiParameter("women_owned", str, enum=["yes", "no"]),
    OpenApiParameter("deadline", str, enum=list(dict(selectors.DEADLINE_CHOICES))),
    OpenApiParameter("q", str, description="Words in the supplier's names or numbers."),
]


def _programme_out(programme: Programme, request: Request) -> dict:
    return ProgrammeOut(programme, context={"request": request}).data


def _programme_etag(programme: Programme, request: Request) -> str:
    # The representation the client read, links included (they depend on the reader).
    return etag_for(_programme_out(programme, request))


@extend_schema_view(
    list=extend_schema(
        summary="Programmes you may see (buyers: their own; suppliers: those they are enrolled in)",
        parameters=[OpenApiParameter("status", str, enum=ProgrammeStatus.values)],
        responses=ProgrammeOut(many=True),
    ),
    retrieve=extend_schema(summary="A programme", responses=ProgrammeOut),
    create=extend_schema(
        summary="Create a draft programme", request=ProgrammeIn, responses={201: ProgrammeOut}
    ),
    update=extend_schema(
        summary="Replace a programme's details", request=ProgrammeIn, responses=ProgrammeOut
    ),
    partial_update=extend_schema(
        summary="Change some of a programme's details", request=ProgrammeIn, responses=ProgrammeOut
    ),
)
class ProgrammeViewSet(
    ProgrammeAppealActions, ProgrammeRiskActions, ProgrammeInspectionQueueActions, ScopedViewSet
):
    serializer_class = ProgrammeOut
    cursor_ordering = ("-created_at", "-id")

    def scoped(self) -> QuerySet[Programme]:
        return selectors.programmes_for(self.request.user)

    def list(self, request: Request) -> Response:
        programmes = apply_filters(ProgrammeFilter, request.query_params, self.get_queryset())
        return self.page(programmes, ProgrammeOut)

    def retrieve(self, request: Request, pk: str) -> Response:
        return with_etag(request, _programme_out(self.get_object(), request))

    def _fresh(self, programme: Programme) -> dict:
        return _programme_out(self.scoped().get(pk=programme.pk), self.request)

    @idempotent
    def create(self, request: Request) -> Response:
        require(can_manage_programmes(request.user))
        data = ProgrammeIn(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        programme = services.programme_create(
            buyer=request.user.organisation, data=data.service_data(), by=request.user
        )
        response = with_etag(request, self._fresh(programme), status=status.HTTP_201_CREATED)
        response["Location"] = f"{request.path}{programme.pk}/"
        return response

    def update(self, request: Request, pk: str, partial: bool = False) -> Response:
        programme = self.get_object()
        require(can_manage_programmes(request.user, programme))
        check_if_match(request, _programme_etag(programme, request))
        data = ProgrammeIn(data=request.data, partial=partial, context={"request": request})
        data.is_valid(raise_exception=True)
        services.programme_update(
            programme=programme,
            data=data.service_data(programme),
            by=request.user,
            precondition=if_match(
                request,
                lambda locked: _programme_etag(self.scoped().get(pk=locked.pk), request),
            ),
        )
        return with_etag(request, self._fresh(programme))

    def partial_update(self, request: Request, pk: str) -> Response:
        return self.update(request, pk, partial=True)

    def _move(self, request: Request, *, opening: bool) -> Response:
        programme = self.get_object()
        require(can_manage_programmes(request.user, programme))
        data = NoteIn(data=request.data)
        data.is_valid(raise_exception=True)
        move = services.programme_open if opening else services.programme_close
        move(programme=programme, by=request.user, note=data.validated_data["note"])
        return Response(self._fresh(programme))

    @extend_schema(
        summary="Open the programme (needs a published questionnaire; the first "
        "opening emails the cohort)",
        request=NoteIn,
        responses=ProgrammeOut,
    )
    @action(detail=True, methods=["post"])
    def open(self, request: Request, pk: str) -> Response:
        return self._move(request, opening=True)

    @extend_schema(summary="Close the programme", request=NoteIn, responses=ProgrammeOut)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        return self._move(request, opening=False)

    @extend_schema(
        summary="The cohort: enrolments with progress and deadline status (buyer staff)",
        parameters=COHORT_FILTERS,
        responses=CohortRowOut(many=True),
    )
    @action(detail=True, methods=["get"])
    def enrolments(self, request: Request, pk: str) -> Response:
        programme = self.get_object()
        require(can_view_programmes(request.user))
        params = request.query_params.copy()
        params.pop("sort", None)  # cursor pages keep their own order
        page = selectors.with_progress(self.paginate_queryset(selectors.cohort(programme, params)))
        return self.get_paginated_response(
            CohortRowOut(page, many=True, context={"request": request}).data
        )

    @extend_schema(
        summary="Enrol suppliers of your registry (already enrolled ones are skipped)",
        request=EnrolIn,
        responses={200: EnrolOut},
    )
    @action(detail=True, methods=["post"])
    def enrol(self, request: Request, pk: str) -> Response:
        programme = self.get_object()
        require(can_manage_programmes(request.user, programme))
        data = EnrolIn(data=request.data)
        data.is_valid(raise_exception=True)
        ids = set(data.validated_data["suppliers"])
        chosen = list(Supplier.objects.visible_to(request.user).filter(pk__in=ids))
        unknown = sorted(ids - {s.pk for s in chosen})
        if unknown:
            raise serializers.ValidationError(
                {
                    "suppliers": [
                        _("Not in your registry: %(ids)s.") % {"ids": ", ".join(map(str, unknown))}
                    ]
                }
            )
        created = services.enrolment_create_many(
            programme=programme, suppliers=chosen, by=request.user
        )
        fresh = (
            Enrolment.objects.filter(pk__in=[e.pk for e in created])
            .select_related("supplier", "assessment")
            .order_by("id")
        )
        return Response(
            {
                "created": EnrolmentOut(fresh, many=True).data,
                "already_enrolled": len(chosen) - len(created),
            }
        )

    @extend_schema(
        summary="Add a company to your registry, invite its first admin and enrol it",
        request=InviteCompanyIn,
        responses={201: EnrolmentOut},
    )
    @action(detail=True, methods=["post"], url_path="invite-company", url_name="invite-company")
    @idempotent
    def invite_company(self, request: Request, pk: str) -> Response:
        programme = self.get_object()
        require(can_manage_programmes(request.user, programme))
        data = InviteCompanyIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.setdefault("language", request.user.language or "en")
        enrolment = services.enrolment_invite_new_company(
            programme=programme, by=request.user, **values
        )
        fresh = Enrolment.objects.select_related("supplier", "assessment").get(pk=enrolment.pk)
        return Response(EnrolmentOut(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Remind suppliers whose self-assessment is awaited",
        request=RemindIn,
        responses=RemindOut,
    )
    @action(detail=True, methods=["post"])
    def remind(self, request: Request, pk: str) -> Response:
        programme = self.get_object()
        require(can_manage_programmes(request.user, programme))
        data = RemindIn(data=request.data)
        data.is_valid(raise_exception=True)
        ids = set(data.validated_data["enrolments"])
        known = set(programme.enrolments.filter(pk__in=ids).values_list("pk", flat=True))
        if ids - known:
            raise serializers.ValidationError(
                {
                    "enrolments": [
                        _("Not in this programme: %(ids)s.")
                        % {"ids": ", ".join(map(str, sorted(ids - known)))}
                    ]
                }
            )
        result = services.reminder_send(
            programme=programme,
            enrolments=sorted(known),
            by=request.user,
            message=data.validated_data["message"],
        )
        return Response(RemindOut(result).data)


@extend_schema_view(
    list=extend_schema(
        summary="Enrolments you may see (buyers: their programmes' cohorts; suppliers: their own)",
        parameters=[
            OpenApiParameter("programme", int),
            OpenApiParameter("stage", str, enum=Stage.values),
        ],
        responses=EnrolmentOut(many=True),
    ),
    retrieve=extend_schema(summary="An enrolment", responses=EnrolmentOut),
)
class EnrolmentViewSet(ScopedViewSet):
    serializer_class = EnrolmentOut
    cursor_ordering = ("-id",)

    def scoped(self) -> QuerySet[Enrolment]:
        return Enrolment.objects.visible_to(self.request.user).select_related(
            "programme__buyer", "supplier", "assessment"
        )

    def list(self, request: Request) -> Response:
        enrolments = apply_filters(EnrolmentFilter, request.query_params, self.get_queryset())
        return self.page(enrolments, EnrolmentOut)

    def retrieve(self, request: Request, pk: str) -> Response:
        return with_etag(request, EnrolmentOut(self.get_object()).data)

    @extend_schema(
        summary="Withdraw the supplier from the programme (its assessment stays on record)",
        request=NoteIn,
        responses=EnrolmentOut,
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        enrolment = self.get_object()
        require(can_manage_programmes(request.user, enrolment.programme))
        data = NoteIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.enrolment_withdraw(
            enrolment=enrolment, by=request.user, note=data.validated_data["note"]
        )
        return Response(EnrolmentOut(self.scoped().get(pk=enrolment.pk)).data)
