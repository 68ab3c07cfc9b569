"""Writes for programmes and their cohorts (PRODUCT.md §1).

Every state change goes through :func:`drive.audit.workflow.transition`: a programme's
status with PROGRAMME_MOVES, an enrolment's stage with STAGE_MOVES in
:func:`enrolment_move` — the one place a stage moves. Services of other apps (the
self-assessment submits, returns and accepts) call :func:`enrolment_move` too.
Messages to people are events (``programme.suppliers_enrolled``,
``programme.reminder_sent``) whose consumers in ``reactions.py`` call ``notify``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from drive.accounts.models import User
from drive.audit.services import audit_event, audit_record, audit_record_many
from drive.audit.workflow import transition
from drive.core.errors import DomainError
from drive.events.services import event_record
from drive.organisations.models import Organisation
from drive.programmes.models import (
    PROGRAMME_MOVES,
    STAGE_MOVES,
    Enrolment,
    Programme,
    ProgrammeStatus,
    Stage,
)
from drive.programmes.signals import enrolments_created
from drive.questionnaires.models import QuestionnaireVersion
from drive.suppliers.models import Supplier
from drive.suppliers.services import supplier_create, supplier_invite_admin

# Fields a person may set on a programme; status moves only through open/close.
PROGRAMME_FIELDS: tuple[str, ...] = (
    "name",
    "description",
    "countries",
    "questionnaire_version",
    "opening_date",
    "assessment_deadline",
    "stage_deadlines",
)
# Stages in which a supplier still owes its self-assessment: reminders go to these only.
AWAITING_ASSESSMENT: tuple[str, ...] = (Stage.INVITED, Stage.ENROLLED)
# A second reminder to the same enrolment within this window is a double click, not a run.
REMINDER_QUIET_PERIOD = dt.timedelta(minutes=1)
# last_activity_at is written at most this often per enrolment (autosave calls it a lot).
ACTIVITY_RESOLUTION = dt.timedelta(minutes=1)


class ProgrammeError(DomainError):
    """A programme or enrolment request that the rules refuse."""


def _json(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, QuestionnaireVersion):
        return str(value)
    return value


def _snapshot(programme: Programme) -> dict[str, Any]:
    return {name: _json(getattr(programme, name)) for name in PROGRAMME_FIELDS}


def _check_version(*, buyer: Organisation, version: QuestionnaireVersion) -> None:
    owner_id = version.questionnaire.owner_id
    if owner_id is not None and owner_id != buyer.pk:
        raise ProgrammeError(
            _("Choose a questionnaire of your organisation or one shipped with DRiVE.")
        )


def _clean(data: Mapping[str, Any]) -> dict[str, Any]:
    values = {name: data[name] for name in PROGRAMME_FIELDS if name in data}
    if "name" in values:
        values["name"] = (values["name"] or "").strip()
    if "countries" in values:
        codes = {str(getattr(c, "code", c)).upper() for c in values["countries"] or []}
        values["countries"] = sorted(codes)
    opening, deadline = values.get("opening_date"), values.get("assessment_deadline")
    if opening and deadline and deadline < opening:
        raise ProgrammeError(_("The assessment deadline must be on or after the opening date."))
    return values


def programme_create(*, buyer: Organisation, data: Mapping[str, Any], by: User) -> Programme:
    """Create a draft programme for ``buyer`` and audit ``programme.created``.

    ``data`` holds PROGRAMME_FIELDS (``questionnaire_version`` required). The questionnaire
    must be the buyer's own or shipped with DRiVE. The caller checks ``can_manage_programmes``.
    """
    values = _clean(data)
    version = values.get("questionnaire_version")
    if version is None:
        raise ProgrammeError(_("Choose the questionnaire suppliers will answer."))
    _check_version(buyer=buyer, version=version)
    with transaction.atomic():
        programme = Programme.objects.create(buyer=buyer, created_by=by, **values)
        audit_record(
            actor=by,
            action="programme.created",
            target=programme,
            after=_snapshot(programme),
            organisation=buyer,
        )
    return programme


def programme_update(
    *,
    programme: Programme,
    data: Mapping[str, Any],
    by: User,
    precondition: Callable[[Programme], None] | None = None,
) -> Programme:
    """Change a programme's details; audit ``programme.updated`` with the changed fields.

    The questionnaire version cannot change once suppliers are enrolled (their assessments
    point at it). Nothing changed → nothing written. ``precondition`` (compare-and-set,
    e.g. the API's If-Match) is called with the row locked and read again, before anything
    is written; it raises to refuse the change.
    """
    values = _clean(data)
    with transaction.atomic():
        locked = Programme.objects.select_for_update().get(pk=programme.pk)
        if precondition is not None:
            precondition(locked)
        before = _snapshot(locked)
        version = values.get("questionnaire_version")
        if version is not None and version.pk != locked.questionnaire_version_id:
            _check_version(buyer=locked.buyer, version=version)
            if locked.enrolments.exists():
                raise ProgrammeError(
                    _(
                        "Suppliers are already enrolled and answer the current questionnaire; "
                        "it cannot change. Start a new programme for another questionnaire."
                    )
                )
        for name, value in values.items():
            setattr(locked, name, value)
        after = _snapshot(locked)
        changed = [name for name in PROGRAMME_FIELDS if before[name] != after[name]]
        if not changed:
            return locked
        locked.save(update_fields=[*changed])
        audit_record(
            actor=by,
            action="programme.updated",
            target=locked,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
            organisation=locked.buyer,
        )
    return locked


def programme_open(*, programme: Programme, by: User, note: str = "") -> Programme:
    """Open a draft (or reopen a closed) programme; audit ``programme.opened``.

    Requires a published questionnaire version. Side effect: on first opening the users of
    every supplier already in the cohort are notified (event ``programme.suppliers_enrolled``).
    """
    if not programme.questionnaire_version.is_published:
        raise ProgrammeError(
            _(
                "Publish the questionnaire before opening the programme: suppliers answer "
                "a frozen version."
            )
        )
    with transaction.atomic():
        first_opening = programme.status == ProgrammeStatus.DRAFT
        transition(
            programme,
            to=ProgrammeStatus.OPEN,
            allowed=PROGRAMME_MOVES,
            by=by,
            action="programme.opened",
            note=note,
            organisation=programme.buyer,
        )
        if first_opening:
            enrolments = programme.enrolments.exclude(stage=Stage.WITHDRAWN).select_related(
                "supplier", "assessment"
            )
            _record_enrolled(programme, list(enrolments), by)
    return programme


def programme_close(*, programme: Programme, by: User, note: str = "") -> Programme:
    """Close an open programme; audit ``programme.closed``. No enrolment changes."""
    return transition(
        programme,
        to=ProgrammeStatus.CLOSED,
        allowed=PROGRAMME_MOVES,
        by=by,
        action="programme.closed",
        note=note,
        organisation=programme.buyer,
    )


# --- Enrolment ------------------------------------------------------------------------


def _check_enrolable(programme: Programme) -> None:
    if programme.status == ProgrammeStatus.CLOSED:
        raise ProgrammeError(_("This programme is closed; reopen it to enrol suppliers."))


def _supplier_users(supplier_ids: Iterable[int]) -> dict[int, list[User]]:
    """Active users of each supplier's own organisation, by supplier id (two queries).

    A user belongs to one organisation, which may back several registry entries.
    """
    by_org: dict[int, list[int]] = {}
    rows = Supplier.objects.filter(pk__in=list(supplier_ids), organisation__isnull=False)
    for supplier_id, org_id in rows.values_list("pk", "organisation_id"):
        by_org.setdefault(org_id, []).append(supplier_id)
    users: dict[int, list[User]] = {}
    if not by_org:
        return users
    people = User.objects.filter(is_active=True, organisation_id__in=list(by_org))
    for user in people.order_by("email"):
        for supplier_id in by_org.get(user.organisation_id or 0, []):
            users.setdefault(supplier_id, []).append(user)
    return users


def _record_enrolled(programme: Programme, enrolments: list[Enrolment], by: Any) -> None:
    """Record ``programme.suppliers_enrolled`` (only once the programme is open): its
    consumer (``reactions.notify_enrolled``) tells each supplier's users they are in."""
    if programme.status != ProgrammeStatus.OPEN or not enrolments:
        return
    event_record(
        name="programme.suppliers_enrolled",
        subject=programme,
        actor=by,
        organisation=programme.buyer,
        payload={"enrolments": [e.pk for e in enrolments]},
    )


def _new_enrolment_rows(programme: Programme, suppliers: list[Supplier]) -> list[Enrolment]:
    """Insert enrolments; the caller holds the programme lock. The assessments app creates
    their draft assessments in the same transaction (``signals.enrolments_created``)."""
    now = timezone.now()
    enrolments = Enrolment.objects.bulk_create(
        [
            Enrolment(programme=programme, supplier=s, stage=Stage.INVITED, stage_changed_at=now)
            for s in suppliers
        ]
    )
    enrolments_created.send(sender=Enrolment, programme=programme, enrolments=enrolments)
    return enrolments


def _lock(programme: Programme) -> Programme:
    """Serialise enrolments of one programme so that enrolling twice creates one row."""
    locked = Programme.objects.select_for_update().select_related("buyer").get(pk=programme.pk)
    programme.status = locked.status
    return locked


def enrolment_create(*, programme: Programme, supplier: Supplier, by: User) -> Enrolment:
    """Enrol one supplier of the buyer's registry; idempotent.

    Creates the enrolment at stage "invited" and its draft assessment of the programme's
    questionnaire version in one transaction and audits ``enrolment.created``. Enrolling
    a supplier twice returns the existing enrolment and writes nothing. If the programme
    is open, the supplier's users are notified (event ``programme.suppliers_enrolled``).
    """
    if supplier.buyer_id != programme.buyer_id:
        raise ProgrammeError(_("Only suppliers of your registry can join this programme."))
    _check_enrolable(programme)
    try:
        with transaction.atomic():
            locked = _lock(programme)
            existing = Enrolment.objects.filter(programme=locked, supplier=supplier).first()
            if existing is not None:
                return existing
            (enrolment,) = _new_enrolment_rows(locked, [supplier])
            audit_record(
                actor=by,
                action="enrolment.created",
                target=enrolment,
                to_state=Stage.INVITED,
                note=str(locked),
                organisation=locked.buyer,
            )
            _record_enrolled(locked, [enrolment], by)
    except IntegrityError:
        # A concurrent request on a database without row locks (SQLite) won the race.
        return Enrolment.objects.get(programme=programme, supplier=supplier)
    return enrolment


def enrolment_create_many(
    *, programme: Programme, suppliers: Iterable[Supplier], by: User
) -> list[Enrolment]:
    """Enrol many suppliers in one transaction; returns the new enrolments only.

    Suppliers already in the cohort are skipped; suppliers of another registry are refused
    (nothing is written then). A few queries whatever the number of suppliers.
    """
    _check_enrolable(programme)
    chosen = {s.pk: s for s in suppliers}
    if any(s.buyer_id != programme.buyer_id for s in chosen.values()):
        raise ProgrammeError(_("Only suppliers of your registry can join this programme."))
    with transaction.atomic():
        locked = _lock(programme)
        enrolled = set(
            Enrolment.objects.filter(programme=locked, supplier_id__in=list(chosen)).values_list(
                "supplier_id", flat=True
            )
        )
        fresh = [s for pk, s in sorted(chosen.items()) if pk not in enrolled]
        enrolments = _new_enrolment_rows(locked, fresh)
        audit_record_many(
            [
                audit_event(
                    actor=by,
                    organisation=locked.buyer,
                    target=e,
                    action="enrolment.created",
                    to_state=Stage.INVITED,
                    note=str(locked),
                )
                for e in enrolments
            ]
        )
        _record_enrolled(locked, enrolments, by)
    return enrolments


def enrolment_invite_new_company(
    *,
    programme: Programme,
    legal_name: str,
    country: str,
    email: str,
    by: User,
    local_name: str = "",
    registration_number: str = "",
    ungm_vendor_number: str = "",
    language: str | None = None,
) -> Enrolment:
    """Add a company that is not in the registry yet, invite its first admin, enrol it.

    One transaction: ``supplier_create`` (needs a registration or UNGM vendor number),
    ``supplier_invite_admin`` (the invitation email goes after commit, in ``language``),
    then :func:`enrolment_create`. Any refusal leaves nothing behind.
    """
    _check_enrolable(programme)
    with transaction.atomic():
        supplier = supplier_create(
            buyer=programme.buyer,
            data={
                "legal_name": legal_name,
                "local_name": local_name,
                "country": country,
                "registration_number": registration_number,
                "ungm_vendor_number": ungm_vendor_number,
            },
            by=by,
        )
        supplier_invite_admin(supplier=supplier, email=email, by=by, language=language)
        return enrolment_create(programme=programme, supplier=supplier, by=by)


def enrolment_move(*, enrolment: Enrolment, to: str, by: User, note: str = "") -> Enrolment:
    """Move an enrolment to stage ``to`` (STAGE_MOVES); audit ``enrolment.stage_changed``.

    The one place a stage changes. Raises InvalidTransition for a move not in the table or
    when the stage changed meanwhile.
    """
    return transition(
        enrolment,
        field="stage",
        to=to,
        allowed=STAGE_MOVES,
        by=by,
        action="enrolment.stage_changed",
        note=note,
        changes={"stage_changed_at": timezone.now()},
    )


def enrolment_withdraw(*, enrolment: Enrolment, by: User, note: str = "") -> Enrolment:
    """Take a supplier out of the cohort (stage "withdrawn"); the assessment stays on record."""
    return enrolment_move(enrolment=enrolment, to=Stage.WITHDRAWN, by=by, note=note)


def enrolment_touch(*, enrolment: Enrolment) -> None:
    """Record supplier activity now; one cheap UPDATE, skipped within ACTIVITY_RESOLUTION."""
    now = timezone.now()
    Enrolment.objects.filter(pk=enrolment.pk).filter(
        Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=now - ACTIVITY_RESOLUTION)
    ).update(last_activity_at=now)
    enrolment.last_activity_at = now


@dataclass(frozen=True)
class ReminderResult:
    reminded: int  # enrolments claimed by this run
    emails: int  # emails queued
    without_users: int  # reminded suppliers nobody could be emailed at (no account yet)
    skipped: int  # selected but not awaiting an assessment, or reminded a moment ago
    # The suppliers of ``without_users`` (ids), to offer inviting them.
    unreachable: tuple[int, ...] = ()

    @property
    def reached(self) -> int:
        """Suppliers whose people were actually told (at least one account)."""
        return self.reminded - self.without_users


def reminder_send(
    *, programme: Programme, enrolments: Iterable[Enrolment | int], by: User, message: str = ""
) -> ReminderResult:
    """Remind the selected suppliers that their self-assessment is awaited.

    Only enrolments of ``programme`` at stage invited or enrolled count. Each is claimed
    with a conditional UPDATE of ``last_reminded_at`` (not reminded within the last minute),
    so a double click or a retried job sends nothing twice. One audit event
    ``enrolment.reminded`` per claimed enrolment and one event ``programme.reminder_sent``
    whose consumer notifies every active user of each claimed supplier (``emails`` counts
    them), in the user's language.
    """
    ids = {getattr(e, "pk", e) for e in enrolments}
    now = timezone.now()
    with transaction.atomic():
        claimed_count = (
            Enrolment.objects.filter(pk__in=ids, programme=programme, stage__in=AWAITING_ASSESSMENT)
            .filter(
                Q(last_reminded_at__isnull=True)
                | Q(last_reminded_at__lte=now - REMINDER_QUIET_PERIOD)
            )
            .update(last_reminded_at=now)
        )
        claimed = list(
            Enrolment.objects.filter(pk__in=ids, programme=programme, last_reminded_at=now)
            .select_related("supplier", "assessment")
            .order_by("pk")
        )
        assert len(claimed) == claimed_count
        users = _supplier_users(e.supplier_id for e in claimed)
        audit_record_many(
            [
                audit_event(
                    actor=by,
                    organisation=programme.buyer,
                    target=e,
                    action="enrolment.reminded",
                    after={"recipients": len(users.get(e.supplier_id, []))},
                    note=message,
                )
                for e in claimed
            ]
        )
        if claimed:
            # The consumer (``reactions.notify_reminded``) notifies the users of each.
            event_record(
                name="programme.reminder_sent",
                subject=programme,
                actor=by,
                organisation=programme.buyer,
                payload={"enrolments": [e.pk for e in claimed], "message": message},
            )
        emails = sum(len(users.get(e.supplier_id, [])) for e in claimed)
    return ReminderResult(
        reminded=len(claimed),
        emails=emails,
        without_users=sum(1 for e in claimed if not users.get(e.supplier_id)),
        skipped=len(ids) - len(claimed),
        unreachable=tuple(e.supplier_id for e in claimed if not users.get(e.supplier_id)),
    )


@dataclass(frozen=True)
class CohortReach:
    """Who in a cohort can be told anything: suppliers with at least one account."""

    enrolled: int
    unreachable: tuple[int, ...]  # supplier ids without an account

    @property
    def reached(self) -> int:
        return self.enrolled - len(self.unreachable)


def cohort_reach(programme: Programme) -> CohortReach:
    """The suppliers of the cohort (not withdrawn) and those with no account yet."""
    supplier_ids = list(
        programme.enrolments.exclude(stage=Stage.WITHDRAWN).values_list("supplier_id", flat=True)
    )
    users = _supplier_users(supplier_ids)
    return CohortReach(
        enrolled=len(supplier_ids),
        unreachable=tuple(sid for sid in supplier_ids if not users.get(sid)),
    )
