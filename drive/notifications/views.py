"""The notification centre: the list, opening one (marks it read), marking all read, and the
e-mail preference. A person only ever reaches their own notifications (others are 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from drive.core.params import parse_id
from drive.notifications import services
from drive.notifications.forms import PreferenceForm
from drive.notifications.models import Delivery, Notification, NotificationPreference
from drive.notifications.selectors import inbox

PER_PAGE = 25


def _before(request: HttpRequest) -> int | None:
    raw = request.GET.get("before", "")
    if not raw:
        return None
    before = parse_id(raw)  # "²" passes str.isdigit() but is no id
    if before is None:
        raise Http404
    return before


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """Newest first, PER_PAGE at a time; "older" pages continue below the last id shown."""
    rows = inbox(request.user)
    before = _before(request)
    if before is not None:
        rows = rows.filter(pk__lt=before)
    page = list(rows[: PER_PAGE + 1])
    has_older = len(page) > PER_PAGE
    page = page[:PER_PAGE]
    return render(
        request,
        "notifications/list.html",
        {
            "notifications": page,
            "older": page[-1].pk if has_older else None,
            "is_first_page": before is None,
        },
    )


def _safe_link(request: HttpRequest, link: str) -> str:
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return link
    return reverse("notifications:list")


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read."""
    notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    services.notification_mark_read(notification=notification, by=request.user)
    return redirect(_safe_link(request, notification.link))


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    services.notification_mark_read(notification=notification, by=request.user)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(by=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    current = (
        NotificationPreference.objects.filter(user=request.user)
        .values_list("non_urgent", flat=True)
        .first()
        or Delivery.IMMEDIATE
    )
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            services.preference_set(user=request.user, non_urgent=form.cleaned_data["non_urgent"])
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:preferences")
        status = 400
    else:
        form = PreferenceForm(initial={"non_urgent": current})
        status = 200
    return render(request, "notifications/preferences.html", {"form": form}, status=status)
