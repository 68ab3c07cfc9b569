"""How an upload's outcome is told on a page (the library and the question page)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from drive.evidence.services import UploadOutcome


def duplicate_message(outcome: UploadOutcome) -> SafeString:
    """Said when the library already held the same bytes: which document was used, and
    (if the upload came with another title) a link to keep the new title instead."""
    document = outcome.document
    sentence = format_html(
        _(
            "This file is already in your library as “{title}” (uploaded on {date}), so "
            "that document was used and no second copy was stored."
        ),
        title=document.title,
        date=date_format(localtime(document.uploaded_at), "j F Y"),
    )
    if not outcome.title_differs:
        return sentence
    edit = (
        reverse("evidence:edit", args=[document.pk])
        + "?"
        + urlencode({"title": outcome.offered_title})
    )
    return format_html(
        "{} {}",
        sentence,
        format_html(
            _('<a href="{url}">Use the new title “{new}”</a>, or keep “{old}”.'),
            url=edit,
            new=outcome.offered_title,
            old=document.title,
        ),
    )
