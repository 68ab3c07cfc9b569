"""Account events people hear about (subscribed in ``NotificationsConfig.ready``).

accounts sits below notifications, so its events are announced from here: when someone
becomes an administrator of an organisation, the organisation's other administrators are
told at once (urgent: an administrator sees and changes everything the organisation has).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from drive.accounts.models import User
from drive.events.models import DomainEvent
from drive.events.registry import subscribe
from drive.notifications.kinds import register_kind
from drive.notifications.services import notify
from drive.organisations.models import ADMIN_ROLES

register_kind(
    "accounts.new_admin",
    label=_("Someone became an administrator of your organisation"),
    template="accounts/email/new_admin",
    urgent=True,
)


@subscribe("account.admin_added", consumer="notifications.announce_new_admin")
def announce_new_admin(event: DomainEvent) -> None:
    new_admin = (
        User.objects.select_related("organisation")
        .filter(pk=event.subject_id, is_active=True)
        .first()
    )
    if new_admin is None or new_admin.organisation_id is None:
        return
    others = (
        User.objects.filter(
            organisation_id=new_admin.organisation_id, role__in=ADMIN_ROLES, is_active=True
        )
        .exclude(pk=new_admin.pk)
        .order_by("email")
    )
    people = reverse("organisations:people")
    notify(
        kind="accounts.new_admin",
        recipients=others,
        context={
            "new_admin": new_admin,
            "organisation": new_admin.organisation,
            "people_url": settings.SITE_URL + people,
        },
        link=people,
    )
