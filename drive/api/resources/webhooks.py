"""Webhook endpoints through the API: the same services (``webhook_endpoint_create`` /
``_delete``), target checks (https, public addresses: ``drive.api.webhook_targets``) and
predicate (``can_manage_webhooks``) as the /api/webhooks/ pages."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from drive.api import selectors, services
from drive.api.concurrency import idempotent, with_etag
from drive.api.models import WebhookEndpoint, WebhookEvent
from drive.api.permissions import can_manage_webhooks
from drive.api.views import ScopedViewSet, require
from drive.api.webhook_targets import TargetRefused, check_url


class WebhookEndpointOut(serializers.ModelSerializer):
    failed_count = serializers.IntegerField(
        read_only=True, help_text=_("Deliveries that failed after their last attempt.")
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("id", "url", "description", "events", "active", "created_at", "failed_count")
        extra_kwargs = {
            "events": {"help_text": _("The events sent to this URL.")},
        }


class WebhookEndpointCreatedOut(WebhookEndpointOut):
    secret = serializers.CharField(
        read_only=True,
        help_text=_(
            "The HMAC-SHA256 signing secret of X-Drive-Signature. Returned once, on "
            "creation; also shown on the endpoint's page."
        ),
    )

    class Meta(WebhookEndpointOut.Meta):
        fields = (*WebhookEndpointOut.Meta.fields, "secret")


class WebhookEndpointIn(serializers.Serializer):
    url = serializers.URLField(
        max_length=500,
        help_text=_("An https address on the public internet (no private or local address)."),
    )
    description = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices),
        allow_empty=False,
        max_length=len(WebhookEvent.values),
        help_text=_("At least one event."),
    )

    def validate_url(self, url: str) -> str:
        try:
            check_url(url)
        except TargetRefused as exc:
            raise serializers.ValidationError(exc.message) from None
        return url


@extend_schema_view(
    list=extend_schema(
        summary="Your organisation's webhook endpoints",
        description="Programme managers and organisation admins of a buyer (others 403).",
        responses=WebhookEndpointOut(many=True),
    ),
    retrieve=extend_schema(summary="A webhook endpoint", responses=WebhookEndpointOut),
    create=extend_schema(
        summary="Register a webhook endpoint",
        description="The URL must be https to a host whose every address is public; it is "
        "checked now and before every delivery. The response carries the signing secret, "
        "once.",
        request=WebhookEndpointIn,
        responses={201: WebhookEndpointCreatedOut},
    ),
    destroy=extend_schema(
        summary="Remove a webhook endpoint and its delivery log", responses={204: None}
    ),
)
class WebhookEndpointViewSet(ScopedViewSet):
    serializer_class = WebhookEndpointOut
    cursor_ordering = ("id",)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        require(can_manage_webhooks(request.user))

    def scoped(self) -> QuerySet[WebhookEndpoint]:
        return selectors.endpoints_for(self.request.user)

    def list(self, request: Request) -> Response:
        return self.page(self.get_queryset(), WebhookEndpointOut)

    def retrieve(self, request: Request, pk: str) -> Response:
        return with_etag(request, WebhookEndpointOut(self.get_object()).data)

    @idempotent
    def create(self, request: Request) -> Response:
        data = WebhookEndpointIn(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_create(
            organisation=request.user.organisation, data=data.validated_data, by=request.user
        )
        body = WebhookEndpointCreatedOut(self.scoped().get(pk=endpoint.pk)).data
        response = with_etag(request, body, status=status.HTTP_201_CREATED)
        response["Location"] = f"{request.path}{endpoint.pk}/"
        return response

    def destroy(self, request: Request, pk: str) -> Response:
        services.webhook_endpoint_delete(endpoint=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
