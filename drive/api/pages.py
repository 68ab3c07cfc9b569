"""Pages to manage API tokens and webhook endpoints (the API itself is views.py)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from drive.api import selectors, services
from drive.api.forms import TokenForm, WebhookActiveForm, WebhookForm
from drive.api.models import TokenKind, WebhookEndpoint
from drive.api.permissions import can_manage_tokens, can_manage_webhooks, can_revoke_token
from drive.core.errors import DomainError
from drive.organisations.models import ADMIN_ROLES


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    _require(can_manage_tokens(request.user))
    admin = request.user.role in ADMIN_ROLES
    form = TokenForm(request.POST or None, can_make_organisation_tokens=admin)
    new_token = ""
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data.get("expires_in_days")
        try:
            token, new_token = services.token_create(
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                kind=form.cleaned_data.get("kind") or TokenKind.PERSONAL,
                expires_at=timezone.now() + dt.timedelta(days=days) if days else None,
                by=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            form = TokenForm(can_make_organisation_tokens=admin)
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": selectors.tokens_for(request.user),
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.tokens_for(request.user).filter(pk=pk).first()
    if token is None:
        raise Http404
    _require(can_revoke_token(request.user, token))
    services.token_revoke(token=token, by=request.user)
    messages.success(
        request, _("The token “%(name)s” was revoked; it no longer works.") % {"name": token.name}
    )
    return redirect("api:tokens")


@login_required
def webhooks(request: HttpRequest) -> HttpResponse:
    _require(can_manage_webhooks(request.user))
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.webhook_endpoint_create(
                organisation=request.user.organisation, data=form.cleaned_data, by=request.user
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The endpoint was added. Keep its signing secret safe."))
            return redirect("api:webhook_detail", pk=endpoint.pk)
    return render(
        request,
        "api/webhooks.html",
        {
            "form": form,
            "endpoints": selectors.endpoints_for(request.user),
        },
    )


def _endpoint(request: HttpRequest, pk: int) -> WebhookEndpoint:
    _require(can_manage_webhooks(request.user))
    endpoint = WebhookEndpoint.objects.visible_to(request.user).filter(pk=pk).first()
    if endpoint is None:
        raise Http404
    return endpoint


@login_required
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    form = WebhookActiveForm(
        request.POST if request.method == "POST" else None, initial={"active": endpoint.active}
    )
    if request.method == "POST" and form.is_valid():
        services.webhook_endpoint_update(
            endpoint=endpoint, data={"active": form.cleaned_data["active"]}, by=request.user
        )
        messages.success(request, _("Saved."))
        return redirect("api:webhook_detail", pk=endpoint.pk)
    page = Paginator(selectors.deliveries_of(endpoint), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "api/webhook_detail.html",
        {
            "endpoint": endpoint,
            "form": form,
            "page_obj": page,
            "deliveries": page.object_list,
        },
    )


@login_required
@require_POST
def webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    services.webhook_endpoint_delete(endpoint=endpoint, by=request.user)
    messages.success(request, _("The endpoint was removed; nothing more is sent to it."))
    return redirect("api:webhooks")
