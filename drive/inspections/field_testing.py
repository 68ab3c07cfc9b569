"""Builders for tests of inspection field work: an inspection of a supplier in a programme,
put straight into the state a story needs (the workflow is another module's), with its
accepted assessment and an inspector who declared no conflict; and photos with metadata.

The assessment (``drive.assessments.testing``' two-theme questionnaire) says yes to the
labour policy with a document attached, 120 workers and low energy use; the question for
large companies only does not apply to a small supplier.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from drive.assessments.models import Answer, Assessment, AssessmentStatus
from drive.assessments.testing import make_enrolment
from drive.evidence.services import document_upload
from drive.evidence.testing import PDF_BYTES
from drive.inspections.models import Assignment, Inspection, InspectionStatus

ANSWERS = {"policy": "yes", "policy_date": "2024-03-01", "workers": 120, "energy": "low"}
GPS_IFD = 0x8825
GPS = {1: "N", 2: (22.0, 32.0, 10.5), 3: "E", 4: (114.0, 3.0, 30.0)}


def make_inspection(
    *,
    supplier: Any,
    body: Any,
    inspector: Any = None,
    declared: bool = True,
    status: str = InspectionStatus.IN_PROGRESS,
    accepted: bool = True,
    name: str = "Sustainable textiles",
) -> Inspection:
    enrolment = make_enrolment(supplier=supplier, name=name)
    assessment = enrolment.assessment
    if accepted:
        fill_and_accept(assessment)
    today = timezone.localdate()
    inspection = Inspection.objects.create(
        programme=enrolment.programme,
        enrolment=enrolment,
        supplier=supplier,
        body=body,
        status=status,
        window_start=today,
        window_end=today + datetime.timedelta(days=14),
    )
    if inspector is not None:
        assign(inspection, inspector, declared=declared)
    return inspection


def assign(inspection: Inspection, inspector: Any, *, declared: bool = True) -> Assignment:
    return Assignment.objects.create(
        inspection=inspection,
        inspector=inspector,
        no_conflict_declared_at=timezone.now() if declared else None,
    )


def fill_and_accept(assessment: Assessment) -> Assessment:
    questions = {q.code: q for q in assessment.version.questions.all()}
    for code, value in ANSWERS.items():
        answer = Answer.objects.create(assessment=assessment, question=questions[code], value=value)
        if code == "policy":
            document = document_upload(
                supplier=assessment.supplier,
                by=None,
                title="Signed policy 2024",
                file=SimpleUploadedFile("policy.pdf", PDF_BYTES),
            )
            answer.documents.add(document)
    Assessment.objects.filter(pk=assessment.pk).update(
        status=AssessmentStatus.ACCEPTED, accepted_at=timezone.now()
    )
    assessment.refresh_from_db()
    return assessment


def jpeg_with_metadata(*, size: tuple[int, int] = (64, 32), orientation: int = 6) -> bytes:
    """A JPEG as a phone writes it: camera make and model, a GPS position, and an
    orientation tag saying the picture must be turned (6: 90° clockwise)."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Apple"  # make
    exif[0x0110] = "iPhone 15 Pro"  # model
    exif[0x0131] = "17.1"  # software
    exif[0x0112] = orientation
    exif[GPS_IFD] = GPS
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif.tobytes())
    return output.getvalue()


def exif_of(data: bytes) -> tuple[dict[int, Any], dict[int, Any], tuple[int, int]]:
    """(main EXIF tags, GPS tags, size) of an image's bytes."""
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        return dict(exif), dict(exif.get_ifd(GPS_IFD)), image.size


def make_field_work(inspection: Inspection, inspector: Any) -> dict[str, Any]:
    """The inspection's checklist (one item marked), a major finding with a photo, and two
    interview notes: one confidential, one not."""
    import uuid

    from drive.inspections.checklist import checklist_generate
    from drive.inspections.services.fieldwork import (
        attachment_add,
        finding_save,
        item_mark,
        note_save,
    )

    items = checklist_generate(inspection=inspection, by=inspector)
    item_mark(item=items[0], mark="confirmed", note="", base_revision=0, by=inspector)
    finding = finding_save(
        inspection=inspection,
        client_id=uuid.uuid4(),
        theme_code="labour",
        question_code=None,
        severity="major",
        description="Overtime above 60 hours a week in March.",
        requirement="",
        base_revision=None,
        by=inspector,
    ).obj
    photo = attachment_add(
        finding=finding,
        client_id=uuid.uuid4(),
        file=SimpleUploadedFile("timesheet.jpg", jpeg_with_metadata()),
        caption="Timesheet wall",
        by=inspector,
    ).obj
    notes = [
        note_save(
            inspection=inspection,
            client_id=uuid.uuid4(),
            text=text,
            confidential=confidential,
            base_revision=None,
            by=inspector,
        ).obj
        for text, confidential in (
            ("Worker 2 fears dismissal.", True),
            ("Canteen is clean.", False),
        )
    ]
    return {"item": items[0], "finding": finding, "photo": photo, "notes": notes}
