"""The signed-in person's notifications: ``notifications/`` (newest first), one, mark one /
all read — ``drive.notifications`` selectors and services. Only the recipient reaches a
notification; anyone else gets 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from drive.api.views import ScopedViewSet
from drive.core.filters import apply_filters
from drive.notifications import services
from drive.notifications.filters import NotificationFilter
from drive.notifications.models import Notification
from drive.notifications.selectors import inbox, unread_count


class NotificationOut(serializers.ModelSerializer):
    link = serializers.CharField(
        read_only=True, help_text=_("Site-relative URL of the object the notice is about.")
    )
    unread = serializers.BooleanField(source="is_unread", read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "subject",
            "body",
            "link",
            "language",
            "created_at",
            "read_at",
            "unread",
        ]
        read_only_fields = fields


class ReadAllOut(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("How many notifications were unread."))
    unread = serializers.IntegerField(help_text=_("Unread notifications left (0)."))


UNREAD = OpenApiParameter(
    "unread", bool, description="true: only the unread notifications.", required=False
)


@extend_schema_view(
    list=extend_schema(
        summary="Your notifications, newest first",
        parameters=[UNREAD],
        responses=NotificationOut(many=True),
    ),
    retrieve=extend_schema(summary="One of your notifications", responses=NotificationOut),
)
class NotificationViewSet(ScopedViewSet):
    serializer_class = NotificationOut
    cursor_ordering = ("-id",)

    def scoped(self) -> QuerySet[Notification]:
        return inbox(self.request.user)

    def list(self, request: Request) -> Response:
        rows = apply_filters(NotificationFilter, request.query_params, self.get_queryset())
        return self.page(rows, NotificationOut)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(NotificationOut(self.get_object()).data)

    @extend_schema(summary="Mark this notification read", request=None, responses=NotificationOut)
    @action(detail=True, methods=["post"], url_path="read", url_name="read")
    def read(self, request: Request, pk: str) -> Response:
        notification = self.get_object()
        services.notification_mark_read(notification=notification, by=request.user)
        return Response(NotificationOut(notification).data)

    @extend_schema(summary="Mark all your notifications read", request=None, responses=ReadAllOut)
    @action(detail=False, methods=["post"], url_path="read-all", url_name="read-all")
    def read_all(self, request: Request) -> Response:
        marked = services.notifications_mark_all_read(by=request.user)
        return Response({"marked": marked, "unread": unread_count(request.user)})
