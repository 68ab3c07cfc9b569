"""Capacity building: events, their sessions, registrations (register and cancel through
``registration_create`` / ``registration_cancel``) and the resource library, with the
scope (``visible_to``, else 404) and predicates (else 403) of ``drive.trainings``."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from drive.accounts.models import User
from drive.api.views import ScopedViewSet, require
from drive.core.filters import apply_filters
from drive.trainings import selectors, services
from drive.trainings.filters import RegistrationFilter, ResourceFilter, SessionFilter
from drive.trainings.models import Event, Registration, Resource, Session
from drive.trainings.permissions import can_cancel, can_register


class EventOut(serializers.ModelSerializer):
    organiser = serializers.IntegerField(source="organiser_id", read_only=True)
    hosts = serializers.ListField(source="host_list", child=serializers.CharField(), read_only=True)
    programmes = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "organiser",
            "title",
            "description",
            "starts_on",
            "ends_on",
            "venue",
            "online_url",
            "hosts",
            "capacity",
            "language",
            "programmes",
            "status",
            "attendance_certificates",
        ]
        read_only_fields = fields


class SessionOut(serializers.ModelSerializer):
    event = serializers.IntegerField(source="event_id", read_only=True)
    speakers = serializers.ListField(
        source="speaker_list", child=serializers.CharField(), read_only=True
    )
    themes = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("Codes of the questionnaire themes the session covers."),
    )
    confirmed = serializers.IntegerField(read_only=True, help_text=_("Confirmed places taken."))
    waiting = serializers.IntegerField(read_only=True, help_text=_("People on the waiting list."))

    class Meta:
        model = Session
        fields = [
            "id",
            "event",
            "title",
            "description",
            "track",
            "room",
            "speakers",
            "starts_at",
            "ends_at",
            "themes",
            "capacity",
            "confirmed",
            "waiting",
        ]
        read_only_fields = fields


class RegistrationOut(serializers.ModelSerializer):
    session = serializers.IntegerField(source="session_id", read_only=True)
    person = serializers.EmailField(source="person.email", read_only=True)
    company = serializers.IntegerField(source="company_id", read_only=True)

    class Meta:
        model = Registration
        fields = [
            "id",
            "session",
            "person",
            "company",
            "status",
            "created_at",
            "status_changed_at",
            "attended",
        ]
        read_only_fields = fields


class RegisterIn(serializers.Serializer):
    person = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text=_(
            "The colleague to register (a supplier admin may register colleagues); "
            "yourself when left out."
        ),
    )


class ResourceOut(serializers.ModelSerializer):
    owner = serializers.IntegerField(source="owner_id", read_only=True)

    class Meta:
        model = Resource
        fields = ["id", "owner", "title", "description", "kind", "url", "theme", "language"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="Training events you may see", responses=EventOut(many=True)),
    retrieve=extend_schema(summary="A training event", responses=EventOut),
)
class EventViewSet(ScopedViewSet):
    serializer_class = EventOut

    def scoped(self) -> QuerySet[Event]:
        return Event.objects.visible_to(self.request.user).prefetch_related("programmes")

    def list(self, request: Request) -> Response:
        return self.page(self.get_queryset(), EventOut)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(EventOut(self.get_object()).data)


@extend_schema_view(
    list=extend_schema(
        summary="Sessions of the events you may see",
        parameters=[
            OpenApiParameter("event", int, description="Only this event's sessions."),
            OpenApiParameter("theme", str, description="Only sessions on this theme code."),
        ],
        responses=SessionOut(many=True),
    ),
    retrieve=extend_schema(summary="A session", responses=SessionOut),
)
class SessionViewSet(ScopedViewSet):
    serializer_class = SessionOut
    cursor_ordering = ("starts_at", "id")

    def scoped(self) -> QuerySet[Session]:
        return selectors.with_counts(Session.objects.visible_to(self.request.user))

    def list(self, request: Request) -> Response:
        rows = apply_filters(SessionFilter, request.query_params, self.get_queryset())
        return self.page(rows, SessionOut)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(SessionOut(self.get_object()).data)

    @extend_schema(
        summary="Register yourself (or, as a supplier admin, a colleague) for this session",
        description=(
            "A confirmed place while places remain, else a place on the waiting list "
            "(status `waitlisted`), promoted automatically when a place frees up. "
            "Registering the same person twice is refused."
        ),
        request=RegisterIn,
        responses={201: RegistrationOut},
    )
    @action(detail=True, methods=["post"], url_path="register", url_name="register")
    def register(self, request: Request, pk: str) -> Response:
        session = self.get_object()
        require(can_register(request.user))
        data = RegisterIn(data=request.data)
        data.is_valid(raise_exception=True)
        person = request.user
        chosen = data.validated_data.get("person")
        if chosen and chosen != request.user.pk:
            person = User.objects.filter(
                pk=chosen, organisation_id=request.user.organisation_id
            ).first()
            if person is None:
                raise serializers.ValidationError({"person": [_("No such colleague.")]})
        registration = services.registration_create(session=session, person=person, by=request.user)
        return Response(RegistrationOut(registration).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Registrations: your company's, or (organisers) your events'",
        parameters=[
            OpenApiParameter("session", int, description="Only this session's."),
            OpenApiParameter("status", str, description="confirmed, waitlisted or cancelled."),
        ],
        responses=RegistrationOut(many=True),
    ),
    retrieve=extend_schema(summary="A registration", responses=RegistrationOut),
)
class RegistrationViewSet(ScopedViewSet):
    serializer_class = RegistrationOut

    def scoped(self) -> QuerySet[Registration]:
        return Registration.objects.visible_to(self.request.user).select_related(
            "person", "session__event"
        )

    def list(self, request: Request) -> Response:
        rows = apply_filters(RegistrationFilter, request.query_params, self.get_queryset())
        return self.page(rows, RegistrationOut)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(RegistrationOut(self.get_object()).data)

    @extend_schema(
        summary="Cancel this registration (a freed place goes to the waiting list)",
        request=None,
        responses=RegistrationOut,
    )
    @action(detail=True, methods=["post"], url_path="cancel", url_name="cancel")
    def cancel(self, request: Request, pk: str) -> Response:
        registration = self.get_object()
        require(can_cancel(request.user, registration))
        services.registration_cancel(registration=registration, by=request.user)
        return Response(RegistrationOut(registration).data)


@extend_schema_view(
    list=extend_schema(
        summary="The resource library",
        parameters=[
            OpenApiParameter("theme", str, description="A theme code."),
            OpenApiParameter("language", str, description="A language code."),
            OpenApiParameter("kind", str, description="guide, template or video."),
        ],
        responses=ResourceOut(many=True),
    ),
    retrieve=extend_schema(summary="A resource", responses=ResourceOut),
)
class ResourceViewSet(ScopedViewSet):
    serializer_class = ResourceOut

    def scoped(self) -> QuerySet[Resource]:
        return Resource.objects.visible_to(self.request.user)

    def list(self, request: Request) -> Response:
        rows = apply_filters(ResourceFilter, request.query_params, self.get_queryset())
        return self.page(rows, ResourceOut)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ResourceOut(self.get_object()).data)
