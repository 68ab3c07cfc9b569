"""Reads of capacity building: programmes of events (parallel tracks), suggestions for
weak themes, the organiser's figures, a company's registrations (STYLE.md §3)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from drive.core.i18n import pick
from drive.questionnaires.models import Theme
from drive.suppliers.models import SizeClass, Supplier
from drive.trainings.models import (
    ACTIVE,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
    Resource,
    Session,
)

# A theme scoring below this (out of 100) in a feedback report is a weak theme.
WEAK_THEME_BELOW = 75
# Upcoming sessions looked through for suggestions (sessions are few; themes are JSON).
SUGGESTION_WINDOW = 200


def theme_labels() -> dict[str, str]:
    """Theme code → label in the active language (newest questionnaire version first)."""
    labels: dict[str, str] = {}
    for code, label in Theme.objects.order_by("code", "-pk").values_list("code", "label"):
        if code not in labels:
            labels[code] = pick(label) or code
    return labels


def theme_choices() -> list[tuple[str, str]]:
    return sorted(theme_labels().items(), key=lambda item: item[1])


@dataclass
class Slot:
    """Sessions starting at the same time: the parallel tracks of one time slot."""

    starts_at: datetime
    sessions: list[Session] = field(default_factory=list)


def with_counts(sessions: QuerySet[Session]) -> QuerySet[Session]:
    return sessions.annotate(
        confirmed=Count("registrations", filter=Q(registrations__status="confirmed")),
        waiting=Count("registrations", filter=Q(registrations__status="waitlisted")),
        present=Count("registrations", filter=Q(registrations__attended=True)),
    )


def event_slots(event: Event) -> list[Slot]:
    """The event's sessions grouped by start time, tracks side by side (one query)."""
    slots: list[Slot] = []
    for session in with_counts(event.sessions.all()).order_by("starts_at", "track", "pk"):
        if not slots or slots[-1].starts_at != session.starts_at:
            slots.append(Slot(session.starts_at))
        slots[-1].sessions.append(session)
    return slots


def active_registrations_of(user: Any, sessions: Iterable[Session]) -> dict[int, Registration]:
    """``user``'s own active registration per session id."""
    if not getattr(user, "is_authenticated", False):
        return {}
    rows = Registration.objects.filter(
        person=user, session__in=[s.pk for s in sessions], status__in=ACTIVE
    )
    return {r.session_id: r for r in rows}


def upcoming_events(user: Any) -> QuerySet[Event]:
    today = timezone.localdate()
    return Event.objects.visible_to(user).filter(ends_on__gte=today).order_by("starts_on", "pk")


def past_events(user: Any) -> QuerySet[Event]:
    today = timezone.localdate()
    return Event.objects.visible_to(user).filter(ends_on__lt=today).order_by("-starts_on", "-pk")


def sessions_on_themes(user: Any, codes: Iterable[str], limit: int = 5) -> list[Session]:
    """Upcoming sessions of published events visible to ``user`` that cover one of
    ``codes``, soonest first."""
    wanted = set(codes)
    if not wanted:
        return []
    upcoming = (
        Session.objects.visible_to(user)
        .filter(starts_at__gt=timezone.now(), event__status=EventStatus.PUBLISHED)
        .select_related("event")
        .order_by("starts_at", "pk")[:SUGGESTION_WINDOW]
    )
    found = [s for s in upcoming if wanted.intersection(s.themes or [])]
    return found[:limit]


def resources_on_themes(
    user: Any, codes: Iterable[str], language: str, limit: int = 6
) -> list[Resource]:
    """Resources visible to ``user`` on ``codes``, those in ``language`` first."""
    wanted = list(set(codes))
    if not wanted:
        return []
    rows = list(Resource.objects.visible_to(user).filter(theme__in=wanted).order_by("title")[:50])
    base = language.split("-")[0]
    rows.sort(key=lambda r: (r.language.split("-")[0] != base, r.theme, r.title))
    return rows[:limit]


def weak_theme_codes(theme_rows: Iterable[Any]) -> list[str]:
    """The codes of the themes of a feedback report (``Report.theme_rows``) scoring below
    :data:`WEAK_THEME_BELOW`."""
    codes = []
    for block, _average in theme_rows:
        value = block.row.value if block.row else None
        if value is not None and value < WEAK_THEME_BELOW:
            codes.append(block.theme.code)
    return codes


def my_registrations(user: Any) -> QuerySet[Registration]:
    """The registrations of ``user``'s company (their own and their colleagues')."""
    return (
        Registration.objects.visible_to(user)
        .select_related("session__event", "person")
        .order_by("session__starts_at", "pk")
    )


def upcoming_registrations(user: Any, limit: int = 5) -> list[Registration]:
    return list(
        my_registrations(user).filter(
            person=user, status__in=ACTIVE, session__starts_at__gt=timezone.now()
        )[:limit]
    )


def _profile(column: str) -> Subquery:
    """The registrant company's ``column`` in the organiser's registry."""
    return Subquery(
        Supplier.objects.filter(
            organisation=OuterRef("company"), buyer=OuterRef("session__event__organiser")
        )
        .order_by("pk")
        .values(column)[:1]
    )


def participants(event: Event) -> QuerySet[Registration]:
    """The event's registrations (cancelled ones included) with the company's profile."""
    return (
        Registration.objects.filter(session__event=event)
        .annotate(size_class=_profile("size_class"), women_owned=_profile("women_owned"))
        .select_related("session", "person", "company")
        .order_by("session__starts_at", "session__track", "session_id", "created_at", "pk")
    )


@dataclass
class Breakdown:
    label: str
    registered: int
    attended: int


@dataclass
class EventFigures:
    registered: int
    waiting: int
    marked: int
    attended: int
    companies: int
    by_size: list[Breakdown]
    by_ownership: list[Breakdown]

    @property
    def attendance_rate(self) -> int | None:
        """Per cent of confirmed people marked present, once attendance is taken."""
        if not self.marked:
            return None
        return round(100 * self.attended / self.marked)


def event_figures(event: Event) -> EventFigures:
    """Registrations, attendance rate, and participants by company size and women-owned
    status (the registry profile the organiser holds); two queries."""
    confirmed = participants(event).filter(status=RegistrationStatus.CONFIRMED)
    rows = list(
        confirmed.values("size_class", "women_owned").annotate(  # type: ignore[misc]
            n=Count("pk"), came=Count("pk", filter=Q(attended=True))
        )
    )
    totals = Registration.objects.filter(session__event=event).aggregate(
        registered=Count("pk", filter=Q(status="confirmed")),
        waiting=Count("pk", filter=Q(status="waitlisted")),
        marked=Count("pk", filter=Q(status="confirmed", attended__isnull=False)),
        attended=Count("pk", filter=Q(status="confirmed", attended=True)),
        companies=Count("company", filter=Q(status="confirmed"), distinct=True),
    )
    sizes: dict[str, list[int]] = {}
    owners: dict[bool, list[int]] = {True: [0, 0], False: [0, 0]}
    for row in rows:
        size = sizes.setdefault(row["size_class"] or "", [0, 0])
        size[0] += row["n"]
        size[1] += row["came"]
        owner = owners[bool(row["women_owned"])]
        owner[0] += row["n"]
        owner[1] += row["came"]
    by_size = [
        Breakdown(str(label), *sizes[value]) for value, label in SizeClass.choices if value in sizes
    ]
    if "" in sizes:
        by_size.append(Breakdown(_("Size not known"), *sizes[""]))
    by_ownership = [
        Breakdown(_("Women-owned businesses"), *owners[True]),
        Breakdown(_("Other businesses"), *owners[False]),
    ]
    return EventFigures(
        totals["registered"],
        totals["waiting"],
        totals["marked"],
        totals["attended"],
        totals["companies"],
        by_size,
        by_ownership,
    )
