"""Shared argument parsing of the questionnaire commands."""

from __future__ import annotations

from django.core.management.base import CommandError

from drive.core.params import parse_id
from drive.organisations.models import Organisation, OrganisationKind


def buyer_named(value: str | None) -> Organisation | None:
    """The buyer organisation named or numbered ``value``; None = shipped with DRiVE."""
    if not value:
        return None
    buyers = Organisation.objects.filter(kind=OrganisationKind.BUYER)
    number = parse_id(value)
    found = buyers.filter(pk=number).first() if number is not None else None
    found = found or buyers.filter(name__iexact=value).first()
    if found is None:
        raise CommandError(f"No buyer organisation named or numbered {value!r}.")
    return found
