"""Files of capacity building: a registration's calendar entry (.ics, RFC 5545, with the
``icalendar`` library), the attendance certificate (PDF, WeasyPrint) and the organiser's
export of participants (CSV/XLSX, every cell neutralised against formula injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent
from openpyxl import Workbook
from openpyxl.styles import Font

from drive.core.spreadsheets import append_text_row, neutralise
from drive.suppliers.models import SizeClass
from drive.trainings.models import Registration


def registration_ics(registration: Registration) -> bytes:
    """One VEVENT for the session: its times (UTC), place, link and a stable UID, so that
    importing the file again updates the same calendar entry."""
    session = registration.session
    event = session.event
    calendar = Calendar()
    calendar.add("prodid", "-//DRiVE//Capacity building//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    entry = CalendarEvent()
    entry.add("uid", f"drive-training-registration-{registration.pk}@drive")
    entry.add("dtstamp", registration.status_changed_at)
    entry.add("dtstart", session.starts_at)
    entry.add("dtend", session.ends_at)
    entry.add("summary", f"{session.title} · {event.title}")
    place = ", ".join(p for p in (session.room, event.venue) if p)
    if place:
        entry.add("location", place)
    lines = [session.description, event.description]
    if session.speaker_list:
        lines.append(_("Speakers: %(names)s") % {"names": ", ".join(session.speaker_list)})
    if event.online_url:
        lines.append(event.online_url)
    entry.add("description", "\n\n".join(line for line in lines if line))
    entry.add("url", settings.SITE_URL.rstrip("/") + reverse("trainings:event", args=[event.pk]))
    entry.add("status", "CONFIRMED" if registration.is_confirmed else "TENTATIVE")
    calendar.add_component(entry)
    return calendar.to_ical()


def certificate_pdf(registration: Registration) -> bytes:
    """The attendance certificate (names in any script: the CJK font of drive/feedback)."""
    from weasyprint import HTML  # loads pango, which pages never need

    html = render_to_string("trainings/certificate.html", {"registration": registration})
    return HTML(string=html).write_pdf()


def export_headers() -> list[str]:
    return [
        _("Session"),
        _("Track"),
        _("Starts"),
        _("Participant"),
        _("E-mail"),
        _("Company"),
        _("Company size"),
        _("Women-owned"),
        _("Status"),
        _("Attended"),
    ]


def export_rows(rows: QuerySet[Registration]) -> Iterable[list[object]]:
    sizes = dict(SizeClass.choices)
    for r in rows.iterator(chunk_size=500):
        attended = {True: _("Yes"), False: _("No"), None: ""}[r.attended]
        yield [
            r.session.title,
            r.session.track,
            formats.date_format(timezone.localtime(r.session.starts_at), "SHORT_DATETIME_FORMAT"),
            r.person.display_name,
            r.person.email,
            r.company.name,
            str(sizes.get(r.size_class or "", "")),
            "" if r.women_owned is None else (_("Yes") if r.women_owned else _("No")),
            r.get_status_display(),
            attended,
        ]


def participants_csv(rows: QuerySet[Registration]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(export_headers())
    for row in export_rows(rows):
        writer.writerow([neutralise(value) for value in row])
    return "\ufeff" + buffer.getvalue()


def participants_xlsx(rows: QuerySet[Registration]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Participants")[:31]
    append_text_row(sheet, export_headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in export_rows(rows):
        append_text_row(sheet, row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
