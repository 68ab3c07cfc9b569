"""Security events of the accounts app written to the audit trail (drive.audit).

- failed sign-ins (``user_login_failed``, after django-axes counted them) on the account
  that was tried, when it exists;
- every add, change and delete made through Django's admin, whatever the model: the
  admin's ``log_addition``/``log_change``/``log_deletions`` are wrapped once, so the
  audit event is written in the same transaction as the admin's own LogEntry.
"""

from __future__ import annotations

from django.contrib.admin import ModelAdmin
from django.contrib.admin.models import ADDITION, CHANGE, DELETION
from django.contrib.auth.signals import user_login_failed
from django.db import transaction

from drive.accounts.client_ip import client_ip
from drive.accounts.lockout import lockout_username, pause_after_failure
from drive.audit.services import audit_record


def sign_in_failed(sender, credentials: dict, request=None, **kwargs) -> None:
    from drive.accounts.models import User

    paused = bool(getattr(request, "axes_locked_out", False))
    pause_after_failure(sender, credentials, request=request, **kwargs)
    if request is None:
        return
    email = lockout_username(request, credentials)
    user = User.objects.select_related("organisation").filter(email__iexact=email or "").first()
    if user is None:
        return  # an unknown address: axes's AccessAttempt keeps the count
    audit_record(
        actor=None,
        action="account.sign_in_failed",
        target=user,
        after={"ip": client_ip(request), "refused_while_waiting": paused},
        organisation=user.organisation,
    )


ACTIONS = {ADDITION: "admin.added", CHANGE: "admin.changed", DELETION: "admin.deleted"}


def _organisation_of(obj):
    from drive.organisations.models import Organisation

    if isinstance(obj, Organisation):
        return obj
    organisation = getattr(obj, "organisation", None)
    return organisation if isinstance(organisation, Organisation) else None


def _audit_admin_entry(request, obj, entry) -> None:
    if entry is None:
        return
    audit_record(
        actor=request.user,
        action=ACTIONS[entry.action_flag],
        target=obj,
        after={
            "model": obj._meta.label,
            "object": entry.object_repr,
            "change": entry.get_change_message(),
        },
        organisation=_organisation_of(obj),
    )


def _audited_log_addition(original):
    def log_addition(self, request, obj, message):
        entry = original(self, request, obj, message)
        _audit_admin_entry(request, obj, entry)
        return entry

    return log_addition


def _audited_log_change(original):
    def log_change(self, request, obj, message):
        entry = original(self, request, obj, message)
        _audit_admin_entry(request, obj, entry)
        return entry

    return log_change


def _audited_log_deletions(original):
    def log_deletions(self, request, queryset):
        objects = list(queryset)
        with transaction.atomic():
            entries = original(self, request, objects)
            for obj, entry in zip(objects, entries or [], strict=False):
                _audit_admin_entry(request, obj, entry)
        return entries

    return log_deletions


def connect() -> None:
    user_login_failed.connect(sign_in_failed, dispatch_uid="drive.accounts.sign_in_failed")
    if not getattr(ModelAdmin, "_drive_audited", False):
        ModelAdmin.log_addition = _audited_log_addition(ModelAdmin.log_addition)
        ModelAdmin.log_change = _audited_log_change(ModelAdmin.log_change)
        ModelAdmin.log_deletions = _audited_log_deletions(ModelAdmin.log_deletions)
        ModelAdmin._drive_audited = True
