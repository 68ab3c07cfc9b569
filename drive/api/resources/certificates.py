"""Certificates (``drive.certificates``): list, one, issue one, issue to all who qualify,
revoke, the PDF, a programme's completion; and the public verification (no sign-in,
rate limited per client address). Same scope (``visible_to``, else 404) and predicates
(``can_issue_certificates``, ``can_view_certificate``, else 403) as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from drive.api.views import ScopedViewSet, query_id, require
from drive.certificates import selectors, services
from drive.certificates.filters import CertificateFilter
from drive.certificates.models import Certificate, CertificateStatus
from drive.certificates.permissions import (
    can_issue_certificates,
    can_revoke_certificate,
    can_view_certificate,
    can_view_completion,
)
from drive.certificates.tasks import verification_url
from drive.certificates.throttle import verify_allowed
from drive.core.filters import apply_filters
from drive.programmes.models import Enrolment, Programme


class CertificateOut(serializers.ModelSerializer):
    status = serializers.ChoiceField(
        choices=CertificateStatus.choices,
        read_only=True,
        help_text=gettext_lazy("Computed today: revoked, expired (past valid_until) or valid."),
    )
    previous = serializers.CharField(
        source="previous.number",
        read_only=True,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("The number of the certificate this one renews."),
    )
    verification_url = serializers.SerializerMethodField()
    pdf = serializers.SerializerMethodField(
        help_text=gettext_lazy("The PDF's address once ready (pdf_status)."),
    )

    class Meta:
        model = Certificate
        fields = [
            "id",
            "number",
            "programme",
            "enrolment",
            "supplier",
            "supplier_name",
            "supplier_local_name",
            "programme_name",
            "buyer_name",
            "scope",
            "language",
            "issued_on",
            "valid_until",
            "status",
            "previous",
            "revoked_at",
            "revoke_reason",
            "pdf_status",
            "pdf",
            "verification_url",
        ]
        read_only_fields = fields

    def get_verification_url(self, certificate: Certificate) -> str:
        return verification_url(certificate)

    def get_pdf(self, certificate: Certificate) -> str | None:
        if not certificate.pdf_ready:
            return None
        return f"/api/v1/certificates/{certificate.pk}/pdf/"


class IssueIn(serializers.Serializer):
    enrolment = serializers.IntegerField(min_value=1, max_value=999_999_999_999_999_999)


class BulkIn(serializers.Serializer):
    programme = serializers.IntegerField(min_value=1, max_value=999_999_999_999_999_999)
    enrolments = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=999_999_999_999_999_999),
        required=False,
        max_length=10_000,
        help_text=gettext_lazy("Only these enrolments (leave out for the whole cohort)."),
    )


class BulkOut(serializers.Serializer):
    issued = CertificateOut(many=True)
    skipped = serializers.IntegerField(
        help_text=gettext_lazy("Selected enrolments left out because they do not qualify.")
    )


class RevokeIn(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text=gettext_lazy("The supplier reads it; the public page does not.")
    )


class CriterionOut(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    state = serializers.ChoiceField(choices=["met", "missing", "not_applicable"])


class CompletionOut(serializers.Serializer):
    enrolment = serializers.IntegerField()
    supplier = serializers.IntegerField()
    supplier_name = serializers.CharField()
    qualifies = serializers.BooleanField()
    withdrawn = serializers.BooleanField()
    certificate = serializers.IntegerField(allow_null=True)
    criteria = CriterionOut(many=True)


class VerificationOut(serializers.Serializer):
    found = serializers.BooleanField()
    status = serializers.ChoiceField(choices=CertificateStatus.choices, allow_null=True)
    number = serializers.CharField(allow_null=True)
    supplier_name = serializers.CharField(allow_null=True)
    supplier_local_name = serializers.CharField(allow_null=True)
    programme_name = serializers.CharField(allow_null=True)
    issued_by = serializers.CharField(allow_null=True)
    scope = serializers.CharField(allow_null=True)
    issued_on = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    revoked_on = serializers.DateField(allow_null=True)


RELATED = ("programme", "supplier", "previous")


def _out(certificate: Certificate) -> dict[str, Any]:
    return CertificateOut(certificate).data


def _programme(request: Request, pk: int) -> Programme:
    programme = Programme.objects.visible_to(request.user).filter(pk=pk).first()
    if programme is None:
        raise Http404(_("No such programme."))
    return programme


@extend_schema_view(
    list=extend_schema(
        summary="Certificates you may see (newest first)",
        parameters=[
            OpenApiParameter("programme", int),
            OpenApiParameter("supplier", int),
            OpenApiParameter("status", str, enum=CertificateStatus.values),
        ],
        responses=CertificateOut(many=True),
    ),
    retrieve=extend_schema(summary="One certificate", responses=CertificateOut),
)
class CertificateViewSet(ScopedViewSet):
    serializer_class = CertificateOut

    def scoped(self) -> QuerySet[Certificate]:
        return Certificate.objects.visible_to(self.request.user).select_related(*RELATED)

    def get_object(self) -> Certificate:
        certificate = super().get_object()
        require(can_view_certificate(self.request.user, certificate))
        return certificate

    def list(self, request: Request) -> Response:
        rows = apply_filters(CertificateFilter, request.query_params, self.get_queryset())
        return self.page(rows, CertificateOut)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(_out(self.get_object()))

    @extend_schema(
        summary="Issue one enrolment's certificate (programme managers)",
        request=IssueIn,
        responses={201: CertificateOut},
        description="400 `certificate_refused` naming the missing completion criteria, or "
        "when a certificate is already in force. The PDF is prepared in the background.",
    )
    def create(self, request: Request) -> Response:
        data = IssueIn(data=request.data)
        data.is_valid(raise_exception=True)
        enrolment = (
            Enrolment.objects.visible_to(request.user)
            .select_related("programme")
            .filter(pk=data.validated_data["enrolment"])
            .first()
        )
        if enrolment is None:
            raise Http404(_("No such enrolment."))
        require(can_issue_certificates(request.user, enrolment.programme))
        certificate = services.certificate_issue(enrolment=enrolment, by=request.user)
        return Response(_out(certificate), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Issue to every enrolment of a programme (or of a selection) that qualifies",
        request=BulkIn,
        responses={201: BulkOut},
        description="Only enrolments that meet every completion criterion get one; the "
        "others are counted in `skipped`.",
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request: Request) -> Response:
        data = BulkIn(data=request.data)
        data.is_valid(raise_exception=True)
        programme = _programme(request, data.validated_data["programme"])
        require(can_issue_certificates(request.user, programme))
        chosen = None
        if "enrolments" in data.validated_data:
            chosen = Enrolment.objects.filter(
                programme=programme, pk__in=data.validated_data["enrolments"]
            )
        result = services.certificate_issue_many(
            programme=programme, enrolments=chosen, by=request.user
        )
        issued = Certificate.objects.filter(pk__in=[c.pk for c in result.issued]).select_related(
            *RELATED
        )
        return Response(
            {"issued": CertificateOut(issued, many=True).data, "skipped": result.skipped},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Which completion criteria each enrolment of a programme meets",
        parameters=[OpenApiParameter("programme", int, required=True)],
        responses=CompletionOut(many=True),
        description="Buyer staff of the programme. Paginated by enrolment.",
    )
    @action(detail=False, methods=["get"])
    def completion(self, request: Request) -> Response:
        pk = query_id(request, "programme")
        if pk is None:
            raise serializers.ValidationError({"programme": [_("Give the programme's id.")]})
        programme = _programme(request, pk)
        require(can_view_completion(request.user, programme))
        self.cursor_ordering = ("id",)
        page = self.paginate_queryset(
            Enrolment.objects.filter(programme=programme).select_related("supplier")
        )
        done = selectors.completion_for(
            programme, Enrolment.objects.filter(pk__in=[e.pk for e in page])
        )
        rows = [
            {
                "enrolment": e.pk,
                "supplier": e.supplier_id,
                "supplier_name": e.supplier.legal_name,
                "qualifies": done[e.pk].qualifies,
                "withdrawn": done[e.pk].withdrawn,
                "certificate": done[e.pk].certificate.pk if done[e.pk].certificate else None,
                "criteria": [{**c, "label": str(c["label"])} for c in done[e.pk].rows()],
            }
            for e in page
        ]
        return self.get_paginated_response(CompletionOut(rows, many=True).data)

    @extend_schema(
        summary="Revoke with a reason (programme managers)",
        request=RevokeIn,
        responses=CertificateOut,
        description="400 `certificate_refused` when already revoked. The supplier is told; "
        "the public verification answers `revoked`.",
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str) -> Response:
        certificate = self.get_object()
        require(can_revoke_certificate(request.user, certificate))
        data = RevokeIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.certificate_revoke(
            certificate=certificate, reason=data.validated_data["reason"], by=request.user
        )
        return Response(_out(certificate))

    @extend_schema(
        summary="Download the PDF (404 until it is ready)",
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def pdf(self, request: Request, pk: str) -> FileResponse:
        certificate = self.get_object()
        if not certificate.pdf_ready:
            raise Http404(_("This PDF is not ready."))
        try:
            handle = certificate.pdf.open("rb")
        except FileNotFoundError:
            raise Http404(_("This file is no longer available.")) from None
        return FileResponse(
            handle,
            as_attachment=True,
            content_type="application/pdf",
            filename=f"{certificate.number}.pdf",
        )


class VerifyView(APIView):
    """Public: no token, no session needed; rate limited per client address."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(
        summary="Verify a certificate by its verification code or number (public)",
        auth=[],
        parameters=[
            OpenApiParameter(
                "code",
                str,
                OpenApiParameter.PATH,
                description="The code of the certificate's QR link, or its number "
                "(DRIVE-2026-000123).",
            )
        ],
        responses={200: VerificationOut},
        description="No authentication. `found` is false for an unknown code or number "
        "(always 200, same answer shape). At most "
        "CERTIFICATE_VERIFY_RATE_PER_MINUTE look-ups a minute per client address (429).",
    )
    def get(self, request: Request, code: str) -> Response:
        if not verify_allowed(request):
            response = Response(
                {
                    "error": {
                        "code": "throttled",
                        "message": _("Too many look-ups from your connection. Wait a minute."),
                        "fields": {},
                    }
                },
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
            response["Retry-After"] = "60"
            return response
        certificate = selectors.verify_lookup(code)
        if certificate is None:
            body: dict[str, Any] = dict.fromkeys(VerificationOut().fields, None)
            body["found"] = False
            return Response(VerificationOut(body).data)
        return Response(
            VerificationOut(
                {
                    "found": True,
                    "status": certificate.status_on(timezone.localdate()),
                    "number": certificate.number,
                    "supplier_name": certificate.supplier_name,
                    "supplier_local_name": certificate.supplier_local_name,
                    "programme_name": certificate.programme_name,
                    "issued_by": certificate.buyer_name,
                    "scope": certificate.scope,
                    "issued_on": certificate.issued_on,
                    "valid_until": certificate.valid_until,
                    "revoked_on": timezone.localdate(certificate.revoked_at)
                    if certificate.revoked_at
                    else None,
                }
            ).data
        )


# Public: a signed-in person who has not typed their code yet may verify too.
verify_view = VerifyView.as_view()
verify_view.two_factor_exempt = True  # type: ignore[attr-defined]
