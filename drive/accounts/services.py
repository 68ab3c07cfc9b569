"""Write operations on people and invitations (STYLE.md §3).

Permission checks belong to the caller (``drive.accounts.permissions``); these
functions enforce the domain rules, write the audit trail and queue emails after
commit.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.contrib.auth import password_validation
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from drive.accounts.models import Invitation, User, token_digest
from drive.accounts.tasks import send_invitation_email
from drive.audit.services import audit_record
from drive.core.errors import DomainError, InvitationInvalid
from drive.core.tasks import enqueue
from drive.events.services import event_record
from drive.organisations.models import (
    ADMIN_ROLES,
    ROLES_BY_KIND,
    Organisation,
    Role,
)


class InvitationProblem(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"


class InvitationRefused(InvitationInvalid):
    """An invitation link that cannot be used; ``problem`` says why."""

    def __init__(self, problem: InvitationProblem) -> None:
        messages = {
            InvitationProblem.UNKNOWN: _(
                "This invitation link is not valid. Check that you copied the whole link "
                "from the email, or ask the person who invited you for a new invitation."
            ),
            InvitationProblem.EXPIRED: _(
                "This invitation has expired. Ask the person who invited you to send it again."
            ),
            InvitationProblem.USED: _(
                "This invitation has already been used. Sign in with your email address, "
                "or reset your password if you have forgotten it."
            ),
            InvitationProblem.REVOKED: _(
                "This invitation was withdrawn. Ask your organisation's administrator "
                "for a new invitation."
            ),
        }
        super().__init__(messages[problem])
        self.problem = problem


class SupplierManagesItsPeople(DomainError):
    """The supplier company has its own account: only its administrators invite its people
    (API error code ``supplier_manages_its_people``)."""


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_digest(token)


def _expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)


def _language_or_default(language: str | None) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


def invitation_problem(invitation: Invitation) -> InvitationProblem | None:
    if invitation.accepted_at is not None:
        return InvitationProblem.USED
    if invitation.revoked_at is not None:
        return InvitationProblem.REVOKED
    if invitation.is_expired:
        return InvitationProblem.EXPIRED
    return None


def invitation_for_token(token: str) -> Invitation:
    """The usable invitation behind a clear token, or InvitationRefused saying why not."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=token_digest(token))
        .first()
    )
    if invitation is None:
        raise InvitationRefused(InvitationProblem.UNKNOWN)
    problem = invitation_problem(invitation)
    if problem is not None:
        raise InvitationRefused(problem)
    return invitation


def _queue_invitation_email(invitation: Invitation, token: str) -> None:
    enqueue(send_invitation_email, invitation.pk, token)


def invitation_create(
    *,
    organisation: Organisation,
    email: str,
    role: str,
    by: User,
    language: str | None = None,
) -> tuple[Invitation, str]:
    """Invite ``email`` to join ``organisation`` with ``role``.

    Returns the invitation and its clear token (shown nowhere else; only its digest
    is stored). Refuses a role the organisation kind does not have, an email that
    already has an account and a second pending invitation to the same organisation.
    The email (in ``language``, default the inviter's) is sent after commit.
    """
    email = User.objects.normalize_email(email).strip().lower()
    if role not in ROLES_BY_KIND.get(organisation.kind, ()):
        raise DomainError(
            _("A %(kind)s cannot have the role “%(role)s”. Choose one of: %(roles)s.")
            % {
                "kind": organisation.get_kind_display().lower(),
                "role": Role(role).label if role in Role.values else role,
                "roles": ", ".join(str(Role(r).label) for r in ROLES_BY_KIND[organisation.kind]),
            }
        )
    if User.objects.filter(email__iexact=email).exists():
        raise DomainError(
            _(
                "%(email)s already has a DRiVE account. People can belong to one "
                "organisation only; ask a platform admin if they need to move."
            )
            % {"email": email}
        )
    with transaction.atomic():
        if Invitation.objects.pending().filter(organisation=organisation, email=email).exists():
            raise DomainError(
                _(
                    "%(email)s already has a pending invitation to %(organisation)s. "
                    "Resend it from the people page instead."
                )
                % {"email": email, "organisation": organisation.name}
            )
        token, digest = _new_token()
        invitation = Invitation.objects.create(
            email=email,
            organisation=organisation,
            role=role,
            token_hash=digest,
            invited_by=by,
            expires_at=_expiry(),
            language=_language_or_default(language or by.language),
        )
        audit_record(
            actor=by,
            action="invitation.created",
            target=invitation,
            after={"email": email, "role": role, "organisation": organisation.name},
            organisation=organisation,
        )
        _queue_invitation_email(invitation, token)
    return invitation, token


def invitation_accept(*, token: str, full_name: str, password: str) -> User:
    """Create the invitee's account in the invitation's organisation and role.

    The invitation is claimed with a compare-and-set update, so a double submit
    (or two browsers) creates one user only; the loser gets InvitationRefused(USED).
    Raises django's ValidationError when the password fails the validators.
    """
    with transaction.atomic():
        invitation = invitation_for_token(token)
        candidate = User(email=invitation.email, full_name=full_name)
        password_validation.validate_password(password, user=candidate)
        now = timezone.now()
        claimed = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ).update(accepted_at=now)
        if claimed != 1:
            invitation.refresh_from_db()
            raise InvitationRefused(invitation_problem(invitation) or InvitationProblem.USED)
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise DomainError(
                _(
                    "An account with this email address already exists. Sign in, or reset "
                    "your password if you have forgotten it."
                )
            )
        user = User.objects.create_user(
            invitation.email,
            password,
            full_name=full_name.strip(),
            organisation=invitation.organisation,
            role=invitation.role,
            language=_language_or_default(invitation.language),
        )
        Invitation.objects.filter(pk=invitation.pk).update(accepted_user=user)
        audit_record(
            actor=user,
            action="invitation.accepted",
            target=invitation,
            from_state="pending",
            to_state="accepted",
            after={"user": user.email, "role": user.role},
            organisation=invitation.organisation,
        )
        password_validation.password_changed(password, user)
        notify_new_admin(user=user)
    return user


def invitation_revoke(*, invitation: Invitation, by: User) -> None:
    """Withdraw an invitation that was not used yet; its link stops working at once."""
    with transaction.atomic():
        changed = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        if changed != 1:
            raise DomainError(_("This invitation was already used or withdrawn."))
        audit_record(
            actor=by,
            action="invitation.revoked",
            target=invitation,
            from_state="pending",
            to_state="revoked",
            organisation=invitation.organisation,
        )
    invitation.refresh_from_db()


def invitation_resend(*, invitation: Invitation, by: User) -> tuple[Invitation, str]:
    """Send a fresh link (new token, new expiry); the previous link stops working."""
    token, digest = _new_token()
    with transaction.atomic():
        changed = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(token_hash=digest, expires_at=_expiry(), email_sent_at=None)
        if changed != 1:
            raise DomainError(
                _("This invitation was already used or withdrawn; send a new invitation.")
            )
        invitation.refresh_from_db()
        audit_record(
            actor=by,
            action="invitation.resent",
            target=invitation,
            after={"expires_at": invitation.expires_at.isoformat()},
            organisation=invitation.organisation,
        )
        _queue_invitation_email(invitation, token)
    return invitation, token


def invitation_from_outside(invitation: Invitation, organisation: Organisation) -> bool:
    """Sent by someone who is not a member of ``organisation`` (the buyer's staff)."""
    inviter = invitation.invited_by
    return inviter is None or inviter.organisation_id != organisation.pk


def notify_new_admin(*, user: User) -> None:
    """Record that ``user`` is now an administrator of their organisation (event
    ``account.admin_added``, in the caller's transaction). The notifications app tells the
    organisation's other administrators, in their language (drive/notifications/reactions.py):
    a new admin can see and change everything the organisation has on DRiVE."""
    if user.organisation_id is None or user.role not in ADMIN_ROLES:
        return
    event_record(
        name="account.admin_added",
        subject=user,
        organisation=user.organisation,
        payload={"role": user.role},
    )


def user_set_language(*, user: User, language: str) -> None:
    """Remember the language a signed-in person chose (emails and pages use it)."""
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language


# --- Two-factor authentication (django-otp: TOTP app + one-time recovery codes) ---------

RECOVERY_CODE_COUNT = 10


def _code(token: str) -> str:
    """What people type: spaces and dashes are ignored, letters in any case."""
    return "".join(token.split()).replace("-", "").lower()


def two_factor_enabled(user: User) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factor_enrol_start(*, user: User):
    """The not-yet-confirmed authenticator of ``user`` (a new secret the first time; the
    same one while the enrol page is reloaded). Refused when two-factor is already on."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if two_factor_enabled(user):
        raise DomainError(_("Two-factor authentication is already on for your account."))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def _new_recovery_codes(user: User) -> list[str]:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="Recovery codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def two_factor_confirm(*, user: User, device, token: str) -> list[str]:
    """Turn two-factor on: ``token`` must be a current code of the new authenticator.
    Returns the recovery codes (shown once). Audit ``two_factor.enabled``."""
    if device.user_id != user.pk or device.confirmed:
        raise DomainError(_("Start again: this set-up is no longer valid."))
    if not device.verify_token(_code(token)):
        raise DomainError(
            _(
                "That code is not right. Type the 6-digit code your authenticator app shows "
                "now; check that the phone's clock is set automatically."
            )
        )
    with transaction.atomic():
        type(device).objects.filter(pk=device.pk).update(confirmed=True)
        device.confirmed = True
        codes = _new_recovery_codes(user)
        audit_record(actor=user, action="two_factor.enabled", target=user)
    return codes


def two_factor_verify(*, user: User, token: str):
    """The device that accepts ``token`` (a code of the authenticator app, or an unused
    recovery code, which is then used up), or None. Audit ``two_factor.recovery_code_used``.
    Each device slows down repeated wrong codes (django-otp's throttling)."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    code = _code(token)
    if not code:
        return None
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(code):
            return device
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(code):
            audit_record(
                actor=user,
                action="two_factor.recovery_code_used",
                target=user,
                after={"remaining": device.token_set.count()},
            )
            return device
    return None


def recovery_codes_regenerate(*, user: User) -> list[str]:
    """New recovery codes; the earlier ones stop working. Audit ``two_factor.codes_renewed``."""
    if not two_factor_enabled(user):
        raise DomainError(_("Turn on two-factor authentication first."))
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit_record(actor=user, action="two_factor.codes_renewed", target=user)
    return codes


def two_factor_disable(*, user: User, by: User) -> None:
    """Remove the authenticator and recovery codes of ``user``: by the person themself
    (``two_factor.disabled``; the caller checks ``can_disable_two_factor``) or by a
    platform admin (``two_factor.reset``: the person enrols again at next sign-in)."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(
            actor=by,
            action="two_factor.disabled" if by.pk == user.pk else "two_factor.reset",
            target=user,
            organisation=user.organisation,
        )
