"""The inspection journey (issue 11): Alice picks Bright Textiles from the programme's
inspection queue and plans an inspection; Lena, the body's lead, sets the date and assigns
Ivan; Ivan, on a 390 px phone, declares no conflict, starts, completes his checklist and
records a finding with a photo partly offline, and submits; Lena forwards; Alice approves;
the report's PDF downloads in Chinese."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

from django.urls import reverse

from drive.assessments.models import AssessmentStatus
from drive.assessments.testing import make_enrolment
from drive.factories import UserFactory
from drive.inspections.field_testing import jpeg_with_metadata
from drive.inspections.models import Finding, Inspection, InspectionStatus
from drive.organisations.models import Role
from drive.programmes.models import Stage


def _page(browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", **options)
    context.set_default_timeout(15_000)
    return context.new_page()


def test_manager_plans_lead_assigns_inspector_submits_and_manager_approves(
    browser,
    live_server,
    transactional_db,
    sign_in,
    go_offline,
    alice,
    ivan,
    bright,
    inspection_body,
):
    lena = UserFactory(
        email="lena@inspect.example",
        full_name="Lena",
        organisation=inspection_body,
        role=Role.INSPECTION_LEAD,
    )
    enrolment = make_enrolment(supplier=bright, stage=Stage.REVIEWED)
    enrolment.assessment.status = AssessmentStatus.ACCEPTED
    enrolment.assessment.save(update_fields=["status"])
    start = datetime.date.today() + datetime.timedelta(days=14)

    # Alice: programme page → inspection queue → plan for Bright Textiles.
    manager = _page(browser, live_server)
    sign_in(manager, alice)
    manager.goto(reverse("programmes:detail", args=[enrolment.programme_id]))
    manager.get_by_role("link", name="Inspection queue").click()
    assert "Never inspected" in manager.locator("table.queue").inner_text()
    manager.get_by_role("link", name="Plan an inspection of Bright Textiles Co., Ltd.").click()
    manager.get_by_label("Inspection body").select_option(label=inspection_body.name)
    manager.get_by_label("Planned from").fill(start.isoformat())
    manager.get_by_label("Planned until").fill((start + datetime.timedelta(days=7)).isoformat())
    manager.get_by_role("button", name="Plan the inspection").click()
    manager.wait_for_url("**/inspections/*/")
    inspection = Inspection.objects.get()
    assert inspection.status == InspectionStatus.PLANNED

    # Lena: Inspections in the navigation → the inspection → date and team.
    lead = _page(browser, live_server)
    sign_in(lead, lena)
    lead.get_by_role("navigation").get_by_role("link", name="Inspections").click()
    lead.get_by_role("link", name="Bright Textiles Co., Ltd.").first.click()
    lead.get_by_label("Inspection date").fill((start + datetime.timedelta(days=2)).isoformat())
    lead.get_by_role("button", name="Save the date").click()
    assert "The date is set." in lead.locator("body").inner_text()
    lead.get_by_label("Inspector").select_option(label="Ivan")
    lead.get_by_role("button", name="Assign").click()
    assert "Declaration awaited" in lead.locator("body").inner_text()

    # Ivan, on his phone: home → his inspection → declare → start.
    phone = _page(browser, live_server, viewport={"width": 390, "height": 844}, is_mobile=True)
    sign_in(phone, ivan)
    phone.goto(reverse("pages:home"))
    phone.locator(".body-work").get_by_role("link", name="Bright Textiles Co., Ltd.").click()
    phone.get_by_label("I declare that I have no conflict of interest", exact=False).check()
    phone.get_by_role("button", name="Declare").click()
    phone.get_by_role("button", name="Start the inspection").click()
    assert "The inspection has started." in phone.locator("body").inner_text()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the inspection page scrolls sideways on a phone ({width}px)"

    # His checklist, on the phone and partly offline: the field app keeps his marks and
    # his finding (with a photo) on the phone and sends them when the connection returns.
    phone.get_by_role("link", name="Open the checklist").click()
    phone.locator("#field-app[data-offline-ready=true]").wait_for(state="attached")
    go_offline(phone)
    items = list(inspection.items.order_by("position"))
    assert items, "the checklist was generated from the accepted assessment"
    for number, item in enumerate(items):
        row = phone.locator(f"#item-{item.pk}")
        row.get_by_label("Discrepancy" if number == 1 else "Confirmed").check()
    form = phone.locator("#finding-form")
    form.locator("#finding-theme").select_option(index=1)
    form.get_by_label("Major").check()
    form.locator("#finding-description").fill("消防通道被堵塞")
    form.locator("#finding-photos").set_input_files(
        files=[{"name": "fire-lane.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_metadata()}]
    )
    form.get_by_role("button", name="Record the finding").click()
    # Every mark, the finding and its photo wait on the phone.
    phone.locator(f"#field-status[data-pending='{len(items) + 2}']").wait_for()
    assert not Finding.objects.exists()  # nothing reached the server while offline
    phone.context.set_offline(False)
    phone.locator("#field-status[data-pending='0']").wait_for()
    assert not inspection.items.filter(mark="").exists()
    assert Finding.objects.get().attachments.count() == 1
    phone.goto(reverse("inspections:detail", args=[inspection.pk]))
    phone.get_by_label("Summary of the inspection").fill("现场检查顺利。One blocked fire lane.")
    phone.get_by_role("button", name="Submit the report").click()
    assert "submitted to your inspection lead" in phone.locator("body").inner_text()

    # Lena forwards; Alice approves and downloads the Chinese PDF.
    lead.reload()
    lead.get_by_role("button", name="Forward to the programme manager").click()
    assert "forwarded to the programme manager" in lead.locator("body").inner_text()
    manager.reload()
    manager.get_by_role("button", name="Approve the report").click()
    assert "The report is approved." in manager.locator("body").inner_text()
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.APPROVED
    manager.get_by_role("link", name="Read the report").click()
    # The corrective-actions app opened an action for the major finding on approval.
    assert "Corrective action: Open" in manager.locator("main").inner_text()
    with manager.expect_download() as info:
        manager.get_by_role("link", name="Download the PDF (Chinese)").click()
    content = Path(info.value.path()).read_bytes()
    assert content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "消防通道被堵塞" in text and "明亮纺织有限公司" in text
