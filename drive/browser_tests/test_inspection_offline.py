"""An inspector works through the checklist on a phone without a connection.

Ivan opens his assigned inspection while online (the page and its files are kept on the
phone), then the network goes: he marks items, records a finding with a photo from the
camera and an interview note, and reloads the page — everything is still there, marked
"not yet sent". The connection returns, the work is sent, and the server holds exactly one
copy of each; sending the same batch again changes nothing.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from drive.inspections.field_testing import exif_of, jpeg_with_metadata, make_inspection
from drive.inspections.models import Finding, FindingAttachment, InterviewNote

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server, transactional_db):
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport=PHONE, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }


def status(page) -> dict[str, str]:
    box = page.locator("#field-status")
    return {
        "pending": box.get_attribute("data-pending"),
        "online": box.get_attribute("data-online"),
        "text": box.inner_text(),
    }


def test_inspector_records_offline_reloads_and_syncs_exactly_once(
    phone, go_offline, sign_in, bright, inspection_body, ivan
):
    inspection = make_inspection(supplier=bright, body=inspection_body, inspector=ivan)
    batches: list[str] = []
    phone.on(
        "request",
        lambda r: batches.append(r.post_data)
        if r.method == "POST"
        and r.url.endswith("/sync/")
        and "json" in (r.headers.get("content-type") or "")
        else None,
    )
    sign_in(phone, ivan)
    phone.goto(reverse("inspections_field:checklist", args=[inspection.pk]))
    phone.locator("#field-app[data-offline-ready=true]").wait_for(state="attached")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    go_offline(phone)
    items = list(inspection.items.order_by("position")[:2])
    first, second = (phone.locator(f"#item-{item.pk}") for item in items)
    first.get_by_label("Confirmed").check()
    second.get_by_label("Discrepancy").check()
    second.locator("textarea").fill("Payroll lists 142 workers, not 120.")
    second.locator("textarea").blur()

    form = phone.locator("#finding-form")
    form.locator("#finding-theme").select_option("labour")
    form.get_by_label("Critical").check()
    form.locator("#finding-description").fill("Fire exit on floor 2 locked during the shift.")
    form.locator("#finding-requirement").fill("Emergency exits unlocked during working hours.")
    form.locator("#finding-photos").set_input_files(
        files=[{"name": "fire-exit.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_metadata()}]
    )
    form.get_by_role("button", name="Record the finding").click()
    phone.locator("#note-text").fill("Worker 3, sewing line: overtime not paid in March.")
    phone.get_by_role("button", name="Add the note").click()

    phone.locator("#field-status[data-pending='5']").wait_for()
    assert "Offline" in status(phone)["text"] and "5 changes not yet sent" in status(phone)["text"]

    # Reloading without a connection: the page comes from the phone, the work from its store.
    reloaded = phone.reload()
    assert reloaded.from_service_worker
    phone.locator("#field-status[data-pending='5']").wait_for()
    assert first.get_by_label("Confirmed").is_checked()
    assert second.get_by_label("Discrepancy").is_checked()
    assert second.locator("textarea").input_value() == "Payroll lists 142 workers, not 120."
    assert second.get_by_text("Not yet sent").is_visible()
    assert (
        not phone.locator(f"#item-{inspection.items.order_by('position')[2].pk}")
        .get_by_text("Not yet sent")
        .is_visible()
    )  # an item left alone is not waiting for anything
    finding_card = phone.locator(".field-finding", has_text="Fire exit on floor 2")
    assert finding_card.get_by_text("Not yet sent").first.is_visible()
    assert finding_card.get_by_text("Photo: fire-exit.jpg").is_visible()
    assert phone.locator(".field-note", has_text="overtime not paid").is_visible()
    assert not Finding.objects.exists()  # nothing reached the server yet

    phone.context.set_offline(False)
    phone.locator("#field-status[data-pending='0']").wait_for()
    assert "Everything is sent." in status(phone)["text"]
    assert not second.get_by_text("Not yet sent").is_visible()

    marks = dict(inspection.items.exclude(mark="").values_list("pk", "mark"))
    assert marks == {items[0].pk: "confirmed", items[1].pk: "discrepancy"}
    finding = Finding.objects.get()
    assert (finding.severity, finding.theme.code) == ("critical", "labour")
    photo = FindingAttachment.objects.get()
    assert photo.finding == finding and photo.is_photo
    assert exif_of(photo.file.read())[1] == {}  # the location did not reach the server
    note = InterviewNote.objects.get()
    assert note.confidential

    # The same batch sent again (a connection that dropped before the answer came back).
    assert batches
    replay = phone.evaluate(
        """async (body) => {
            const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
            const headers = {"Content-Type": "application/json", "X-CSRFToken": cookie.slice(10)};
            const url = location.pathname + "sync/";
            const response = await fetch(url, {method: "POST", body, headers});
            return response.json();
        }""",
        batches[0],
    )
    assert {r["status"] for r in replay["results"]} == {"unchanged"}
    assert len(replay["results"]) == len(json.loads(batches[0])["entries"]) == 4
    assert Finding.objects.count() == FindingAttachment.objects.count() == 1
    assert InterviewNote.objects.count() == 1
    assert inspection.items.exclude(mark="").count() == 2

    # Online again, a reload shows the server's copy and nothing waiting.
    phone.reload()
    phone.locator("#field-status[data-pending='0']").wait_for()
    assert phone.locator(".field-finding").count() == 1


def test_a_mark_changed_meanwhile_by_another_inspector_is_shown_to_choose(
    phone, go_offline, sign_in, bright, inspection_body, ivan
):
    """Irene marks the item "confirmed" while Ivan, offline, marks it "discrepancy": back
    online, Ivan sees both versions and keeps his; nothing was overwritten without asking."""
    from drive.factories import UserFactory
    from drive.inspections.field_testing import assign
    from drive.inspections.services.fieldwork import item_mark
    from drive.organisations.models import Role

    inspection = make_inspection(supplier=bright, body=inspection_body, inspector=ivan)
    irene = UserFactory(organisation=inspection_body, role=Role.INSPECTOR, full_name="Irene")
    assign(inspection, irene)
    sign_in(phone, ivan)
    phone.goto(reverse("inspections_field:checklist", args=[inspection.pk]))
    phone.locator("#field-app[data-offline-ready=true]").wait_for(state="attached")
    item = inspection.items.order_by("position").first()

    go_offline(phone)
    phone.locator(f"#item-{item.pk}").get_by_label("Discrepancy").check()
    phone.locator("#field-status[data-pending='1']").wait_for()
    item_mark(item=item, mark="confirmed", note="Register seen.", base_revision=0, by=irene)
    phone.context.set_offline(False)

    conflict = phone.locator(".field-conflict")
    conflict.wait_for()
    assert "Your version: Discrepancy" in conflict.inner_text()
    assert "Saved by Irene: Confirmed — Register seen." in conflict.inner_text()
    item.refresh_from_db()
    assert item.mark == "confirmed"  # not overwritten while Ivan has not chosen

    conflict.get_by_role("button", name="Keep mine").click()
    phone.locator("#field-status[data-pending='0']").wait_for()
    assert not phone.locator(".field-conflict").count()
    item.refresh_from_db()
    assert (item.mark, item.revision, item.updated_by) == ("discrepancy", 2, ivan)
