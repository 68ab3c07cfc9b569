"""The /api/v1/ endpoints: thin viewsets over the same selectors, services, scoping
(``visible_to``) and permission predicates as the web pages (STYLE.md §17).

Order of checks on every object endpoint: not visible → 404; role refuses → 403;
missing/stale If-Match → 428/412; invalid input → 400. The If-Match comparison is made
again by the service on the locked row before it writes (``concurrency.if_match``), so a
concurrent writer that got there first turns this request into a 412, not a lost update.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from drive.accounts.permissions import can_manage_people
from drive.accounts.selectors import members_of
from drive.accounts.services import invitation_create
from drive.api import serializers as s
from drive.api.concurrency import check_if_match, etag_for, idempotent, if_match, with_etag
from drive.api.ocds import ocds_package
from drive.api.pagination import Keyset, SearchWalk
from drive.api.parsers import DepthLimitedJSONParser
from drive.audit.selectors import events_for
from drive.core.params import parse_id
from drive.imports import services as import_services
from drive.imports import tasks as import_tasks
from drive.imports.permissions import can_import_suppliers
from drive.imports.selectors import imports_for
from drive.organisations.models import Organisation
from drive.suppliers import services as supplier_services
from drive.suppliers.filters import SIZE_FILTERS, SORTS
from drive.suppliers.models import Certification, Contact, LongTermAgreement, Sector, Supplier
from drive.suppliers.permissions import (
    can_create_supplier,
    can_edit_supplier,
    can_invite_supplier,
    can_view_registry,
)
from drive.suppliers.selectors import (
    RECENT,
    SORT_LIMIT,
    WALK_WINDOW,
    sampled_total,
    supplier_search,
    with_sector_codes,
)
from drive.suppliers.services import supplier_invite_admin

ID = r"[0-9]{1,18}"


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied()


def query_id(request: Request, name: str) -> int | None:
    """The id in query parameter ``name``: None when absent or empty, a 400 (error
    envelope naming the parameter) when it is not a plain number in the database's range."""
    raw = request.query_params.get(name, "")
    if not raw.strip():
        return None
    number = parse_id(raw)
    if number is None:
        raise ValidationError({name: [_("Give a whole number id.")]})
    return number


class ScopedViewSet(viewsets.GenericViewSet):
    lookup_value_regex = ID
    cursor_ordering: ClassVar[tuple[str, ...] | Callable | None] = ("-id",)

    def scoped(self) -> QuerySet:
        """The objects the user may see (``visible_to``); everything else is 404."""
        raise NotImplementedError

    def get_queryset(self) -> QuerySet:
        return self.scoped()

    def page(self, queryset: QuerySet, serializer_class, **context: Any) -> Response:
        page = self.paginate_queryset(queryset)
        data = serializer_class(page, many=True, context={"request": self.request, **context})
        return self.get_paginated_response(data.data)

    def events_response(self, target) -> Response:
        self.cursor_ordering = ("-created_at", "-id")
        return self.page(events_for(target), s.AuditEventOut)


EVENTS_SCHEMA = extend_schema(
    summary="Audit timeline of this object (newest first)",
    responses=s.AuditEventOut(many=True),
)


# --- Organisations and people ---------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Your organisation", responses=s.OrganisationOut(many=True)),
    retrieve=extend_schema(summary="Your organisation", responses=s.OrganisationOut),
)
class OrganisationViewSet(ScopedViewSet):
    serializer_class = s.OrganisationOut
    cursor_ordering = ("id",)

    def scoped(self) -> QuerySet[Organisation]:
        return Organisation.objects.filter(pk=self.request.user.organisation_id)

    def list(self, request: Request) -> Response:
        return self.page(self.get_queryset(), s.OrganisationOut)

    def retrieve(self, request: Request, pk: str) -> Response:
        return with_etag(request, s.OrganisationOut(self.get_object()).data)


@extend_schema_view(
    list=extend_schema(summary="People of your organisation", responses=s.UserOut(many=True)),
    retrieve=extend_schema(summary="A person of your organisation", responses=s.UserOut),
)
class UserViewSet(ScopedViewSet):
    serializer_class = s.UserOut
    cursor_ordering = ("email",)

    def scoped(self):
        return members_of(self.request.user)

    def list(self, request: Request) -> Response:
        return self.page(self.get_queryset(), s.UserOut)

    def retrieve(self, request: Request, pk: str) -> Response:
        return with_etag(request, s.UserOut(self.get_object()).data)

    @extend_schema(
        summary="Invite someone to your organisation (administrators)",
        request=s.InvitationIn,
        responses={201: s.InvitationOut},
    )
    @action(detail=False, methods=["post"])
    @idempotent
    def invite(self, request: Request) -> Response:
        organisation = request.user.organisation
        require(can_manage_people(request.user, organisation))
        data = s.InvitationIn(data=request.data)
        data.is_valid(raise_exception=True)
        invitation, _token = invitation_create(
            organisation=organisation, by=request.user, **data.validated_data
        )
        return Response(s.InvitationOut(invitation).data, status=status.HTTP_201_CREATED)


# --- Supplier registry ----------------------------------------------------------------

SUPPLIER_FILTERS = [
    OpenApiParameter("q", str, description="Words in the name, registration or UNGM number, city."),
    OpenApiParameter("country", str, description="ISO 3166 country code, such as CN or VN."),
    OpenApiParameter("sector", int, description="UNSPSC segment code (two digits)."),
    OpenApiParameter("size", str, enum=list(SIZE_FILTERS)),
    OpenApiParameter("women_owned", str, enum=["yes", "no"]),
    OpenApiParameter("lta", str, enum=["yes", "no"], description="Holds a long-term agreement."),
    OpenApiParameter("sort", str, enum=list(SORTS), description="By name when absent."),
]


@extend_schema_view(
    list=extend_schema(
        summary="Search the registry",
        description="With words (``q``) estimated to match 20,000 suppliers or more of a "
        "large registry, a first page the order asked for cannot give cheaply (the matches sit "
        "together far down that order, as names starting with a common word sorted by name) "
        "is refused with 400 on ``sort``, saying how to ask instead (another word, a filter, "
        "or ``sort=-updated``).",
        parameters=SUPPLIER_FILTERS,
        responses=s.SupplierListOut(many=True),
    ),
    retrieve=extend_schema(
        summary="A supplier with its certifications, agreements and contacts",
        responses=s.SupplierOut,
    ),
    create=extend_schema(
        summary="Add a supplier to your registry",
        request=s.SupplierIn,
        responses={201: s.SupplierOut},
    ),
    update=extend_schema(
        summary="Replace a supplier's profile", request=s.SupplierIn, responses=s.SupplierOut
    ),
    partial_update=extend_schema(
        summary="Change some fields of a supplier's profile",
        request=s.SupplierIn,
        responses=s.SupplierOut,
    ),
)
class SupplierViewSet(ScopedViewSet):
    serializer_class = s.SupplierOut
    # Keyset pages over the whole sort: the size and country sorts tie on their first key.
    pagination_class = Keyset

    def scoped(self) -> QuerySet[Supplier]:
        return (
            Supplier.objects.visible_to(self.request.user)
            .select_related("buyer")
            .prefetch_related(
                Prefetch("sectors", queryset=Sector.objects.order_by("code")),
                "certifications",
                "agreements",
                "contacts",
            )
        )

    def cursor_ordering(self, request: Request) -> tuple[str, ...]:
        return SORTS[request.query_params.get("sort") or "name"]

    def list(self, request: Request) -> Response:
        params = request.query_params
        suppliers = supplier_search(user=request.user, params=params)
        if params.get("q", "").strip():
            self.paginator.walk(self._search_walk(suppliers, params))
        # The sectors' codes in the rows' query (no prefetch: a query and model rows fewer).
        return self.page(with_sector_codes(suppliers), s.SupplierListOut)

    def _search_walk(self, suppliers: QuerySet[Supplier], params) -> SearchWalk:
        """A search's matches are found through the search indexes, then sorted: never a
        walk of the whole registry's index looking for a rare word (drive/core/keyset.py).
        A word estimated to match many rows of a large registry (``sampled_total``, as on
        the web list) is looked for along the order's index instead; when its first page is
        not among the next rows there (the matches sit together far down this order), the
        order is refused unless it is the most recently updated first."""
        without_words = params.copy()
        without_words.pop("q")
        unsearched = supplier_search(user=self.request.user, params=without_words)
        total = sampled_total(suppliers, unsearched=unsearched)
        if total is None:
            return SearchWalk(unsearched=None, window=WALK_WINDOW)
        sort = params.get("sort") or "name"
        refusal = None
        if sort != RECENT and total.about and total.n >= SORT_LIMIT:
            refusal = _(
                "Too many suppliers match these words (%(total)s) to list them in this order. "
                "Add a word or a filter, or ask for sort=%(recent)s (the most recently updated "
                "first)."
            ) % {"total": total, "recent": RECENT}
        return SearchWalk(unsearched=unsearched, window=WALK_WINDOW, refusal=refusal)

    def retrieve(self, request: Request, pk: str) -> Response:
        return with_etag(request, s.SupplierOut(self.get_object()).data)

    @idempotent
    def create(self, request: Request) -> Response:
        require(can_create_supplier(request.user))
        data = s.SupplierIn(data=request.data)
        data.is_valid(raise_exception=True)
        supplier = supplier_services.supplier_create(
            buyer=request.user.organisation, data=data.validated_data, by=request.user
        )
        body = s.SupplierOut(self.scoped().get(pk=supplier.pk)).data
        response = with_etag(request, body, status=status.HTTP_201_CREATED)
        response["Location"] = f"{request.path}{supplier.pk}/"
        return response

    def update(self, request: Request, pk: str, partial: bool = False) -> Response:
        supplier = self.get_object()
        require(can_edit_supplier(request.user, supplier))
        etag_of = self._etag
        check_if_match(request, etag_of(supplier))
        data = s.SupplierIn(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        supplier_services.supplier_update(
            supplier=supplier,
            data=data.validated_data,
            by=request.user,
            precondition=if_match(request, etag_of),
        )
        return with_etag(request, s.SupplierOut(self.scoped().get(pk=supplier.pk)).data)

    def partial_update(self, request: Request, pk: str) -> Response:
        return self.update(request, pk, partial=True)

    def _etag(self, supplier: Supplier) -> str:
        """The ETag of the supplier's representation as the database holds it now."""
        return etag_for(s.SupplierOut(self.scoped().get(pk=supplier.pk)).data)

    @EVENTS_SCHEMA
    @action(detail=True, methods=["get"])
    def events(self, request: Request, pk: str) -> Response:
        return self.events_response(self.get_object())

    @extend_schema(
        summary="Invite the supplier company's first administrator",
        description="Creates the company's own account the first time. Refused (400) once "
        "the company has an active user: from then on only its own administrators invite "
        "its people. The same address again resends the pending invitation (new link); "
        "another address replaces it.",
        request=s.SupplierInviteIn,
        responses={201: s.InvitationOut},
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def invite(self, request: Request, pk: str) -> Response:
        supplier = self.get_object()
        require(can_invite_supplier(request.user, supplier))
        data = s.SupplierInviteIn(data=request.data)
        data.is_valid(raise_exception=True)
        invitation, _token = supplier_invite_admin(
            supplier=supplier, by=request.user, **data.validated_data
        )
        return Response(s.InvitationOut(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The registry as an OCDS release package (parties with the supplier role)",
        description="Your organisation is the package's buyer and publisher, so only a "
        "buyer's staff may export it (others: 403).",
        parameters=[p for p in SUPPLIER_FILTERS if p.name != "sort"],
        responses={
            200: OpenApiResponse(description="OCDS 1.1 release package (JSON).", response=dict)
        },
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def ocds(self, request: Request) -> Response:
        # The package names the caller's organisation as buyer and publisher: only a
        # buyer publishes its registry (a supplier or an inspection body is refused).
        require(can_view_registry(request.user))
        suppliers = supplier_search(user=request.user, params=request.query_params)
        return Response(ocds_package(suppliers, publisher=request.user.organisation))


class SupplierItemViewSet(ScopedViewSet):
    """Certifications, agreements and contacts of one supplier: the same services as the
    profile page; editing needs ``can_edit_supplier``."""

    model: ClassVar[type]
    out: ClassVar[type]
    input: ClassVar[type]
    related: ClassVar[str]
    noun: ClassVar[str]
    cursor_ordering = ("id",)

    def supplier(self) -> Supplier:
        try:
            return (
                Supplier.objects.visible_to(self.request.user)
                .select_related("buyer")
                .get(pk=self.kwargs["supplier_pk"])
            )
        except Supplier.DoesNotExist:
            raise Http404 from None

    def scoped(self) -> QuerySet:
        return self.model.objects.filter(supplier=self.supplier())

    def _save(self, supplier: Supplier, data: dict, item=None, precondition=None):
        save = getattr(supplier_services, f"{self.noun}_save")
        return save(
            supplier=supplier,
            data=data,
            by=self.request.user,
            precondition=precondition,
            **{self.noun: item},
        )

    def list(self, request: Request, supplier_pk: str) -> Response:
        return self.page(self.get_queryset(), self.out)

    def retrieve(self, request: Request, supplier_pk: str, pk: str) -> Response:
        return with_etag(request, self.out(self.get_object()).data)

    @idempotent
    def create(self, request: Request, supplier_pk: str) -> Response:
        supplier = self.supplier()
        require(can_edit_supplier(request.user, supplier))
        data = self.input(data=request.data)
        data.is_valid(raise_exception=True)
        item = self._save(supplier, data.validated_data)
        response = with_etag(request, self.out(item).data, status=status.HTTP_201_CREATED)
        response["Location"] = f"{request.path}{item.pk}/"
        return response

    def update(self, request: Request, supplier_pk: str, pk: str, partial=False) -> Response:
        item = self.get_object()
        require(can_edit_supplier(request.user, item.supplier))
        check_if_match(request, etag_for(self.out(item).data))
        data = self.input(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        item = self._save(
            item.supplier,
            data.validated_data,
            item,
            precondition=if_match(request, lambda locked: etag_for(self.out(locked).data)),
        )
        return with_etag(request, self.out(item).data)

    def partial_update(self, request: Request, supplier_pk: str, pk: str) -> Response:
        return self.update(request, supplier_pk, pk, partial=True)

    def destroy(self, request: Request, supplier_pk: str, pk: str) -> Response:
        item = self.get_object()
        require(can_edit_supplier(request.user, item.supplier))
        delete = getattr(supplier_services, f"{self.noun}_delete")
        delete(by=request.user, **{self.noun: item})
        return Response(status=status.HTTP_204_NO_CONTENT)


def _item_schema(noun: str, out, input_) -> Callable:
    supplier_pk = OpenApiParameter(
        "supplier_pk", int, OpenApiParameter.PATH, description="The supplier's id."
    )
    return extend_schema_view(
        list=extend_schema(
            summary=f"The supplier's {noun}s", parameters=[supplier_pk], responses=out(many=True)
        ),
        retrieve=extend_schema(summary=f"One {noun}", parameters=[supplier_pk], responses=out),
        create=extend_schema(
            summary=f"Add a {noun}", parameters=[supplier_pk], request=input_, responses={201: out}
        ),
        update=extend_schema(
            summary=f"Replace a {noun}", parameters=[supplier_pk], request=input_, responses=out
        ),
        partial_update=extend_schema(
            summary=f"Change a {noun}", parameters=[supplier_pk], request=input_, responses=out
        ),
        destroy=extend_schema(
            summary=f"Delete a {noun}", parameters=[supplier_pk], responses={204: None}
        ),
    )


@_item_schema("certification", s.CertificationOut, s.CertificationIn)
class CertificationViewSet(SupplierItemViewSet):
    model, out, input, noun = Certification, s.CertificationOut, s.CertificationIn, "certification"
    serializer_class = s.CertificationOut


@_item_schema("agreement", s.AgreementOut, s.AgreementIn)
class AgreementViewSet(SupplierItemViewSet):
    model, out, input, noun = LongTermAgreement, s.AgreementOut, s.AgreementIn, "agreement"
    serializer_class = s.AgreementOut


@_item_schema("contact", s.ContactOut, s.ContactIn)
class ContactViewSet(SupplierItemViewSet):
    model, out, input, noun = Contact, s.ContactOut, s.ContactIn, "contact"
    serializer_class = s.ContactOut


# --- Imports ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Your organisation's supplier imports", responses=s.ImportOut(many=True)
    ),
    retrieve=extend_schema(summary="An import and its validation report", responses=s.ImportOut),
    create=extend_schema(
        summary="Upload a supplier list (checked at once, or in the background for large files)",
        request={"multipart/form-data": s.ImportIn},
        responses={201: s.ImportOut},
    ),
)
class ImportViewSet(ScopedViewSet):
    serializer_class = s.ImportOut
    cursor_ordering = ("-created_at", "-id")
    parser_classes = [DepthLimitedJSONParser, MultiPartParser]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        require(can_import_suppliers(request.user))

    def scoped(self):
        return imports_for(self.request.user)

    def list(self, request: Request) -> Response:
        return self.page(self.get_queryset(), s.ImportOut)

    def retrieve(self, request: Request, pk: str) -> Response:
        job = import_services.import_fail_if_stale(job=self.get_object())  # a dead worker's job
        return with_etag(request, s.ImportOut(job).data)

    @idempotent
    def create(self, request: Request) -> Response:
        data = s.ImportIn(data=request.data)
        data.is_valid(raise_exception=True)
        job = import_services.import_create(
            buyer=request.user.organisation, file=data.validated_data["file"], by=request.user
        )
        # The mapping step: known (or remembered) headings go straight on to the check;
        # otherwise the job waits in ``mapping`` for POST .../mapping/.
        job = import_services.import_inspect(job=job, by=request.user)
        if job.is_mapping and {"legal_name", "country"} <= set(job.mapping):
            job = import_services.import_map(job=job, mapping=job.mapping, by=request.user)
            import_tasks.validate_soon(job, request.user)
        job = self.scoped().get(pk=job.pk)
        response = with_etag(request, s.ImportOut(job).data, status=status.HTTP_201_CREATED)
        response["Location"] = f"{request.path}{job.pk}/"
        return response

    @extend_schema(
        summary="Import all rows, only the valid rows, cancel, or try a failed import again",
        request=s.ImportConfirmIn,
        responses=s.ImportOut,
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        job = self.get_object()
        data = s.ImportConfirmIn(data=request.data)
        data.is_valid(raise_exception=True)
        mode = data.validated_data["mode"]
        if mode == "cancel":
            import_services.import_cancel(job=job, by=request.user)
        elif mode == "retry":  # the same as the page's "Try again"
            job = import_services.import_retry(job=job, by=request.user)
            import_tasks.validate_soon(job, request.user)
        else:
            job = import_services.import_claim(
                job=job, only_valid=mode == "valid_only", by=request.user
            )
            import_tasks.apply_soon(job, request.user)
        return Response(s.ImportOut(self.scoped().get(pk=job.pk)).data)

    @EVENTS_SCHEMA
    @action(detail=True, methods=["get"])
    def events(self, request: Request, pk: str) -> Response:
        return self.events_response(self.get_object())


class NotFoundView(APIView):
    """Any other /api/v1/ address: the error envelope, not an HTML page."""

    schema = None
    permission_classes: ClassVar[list] = []
    throttle_classes: ClassVar[list] = []

    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise Http404

    def get(self, request, *args, **kwargs):  # pragma: no cover - initial() raises
        raise Http404

    post = put = patch = delete = get
