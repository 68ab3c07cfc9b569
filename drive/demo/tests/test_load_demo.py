"""``manage.py load_demo``: a realistic demo world, loaded twice without duplicates."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from drive.accounts.models import User
from drive.assessments.models import Answer, Assessment, AssessmentStatus, Submission
from drive.audit.models import AuditEvent
from drive.demo.cohort import PLAN, PROGRAMME_NAME
from drive.demo.services import DEMO_PASSWORD, demo_load, uscc
from drive.organisations.models import Organisation, OrganisationKind, Role
from drive.programmes.models import Enrolment, Programme, ProgrammeStatus, Stage
from drive.programmes.selectors import cohort, with_progress
from drive.questionnaires.models import Questionnaire, QuestionnaireVersion
from drive.suppliers.models import (
    Certification,
    Contact,
    LongTermAgreement,
    Supplier,
    SupplierSector,
)
from drive.suppliers.sizing import size_class_for

COUNTED = (
    Organisation,
    User,
    Supplier,
    SupplierSector,
    LongTermAgreement,
    Certification,
    Contact,
    Questionnaire,
    QuestionnaireVersion,
    Programme,
    Enrolment,
    Assessment,
    Answer,
    Submission,
    AuditEvent,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_load_demo_twice_creates_the_demo_once():
    first_output = load()
    first = counts()
    second_output = load()

    assert counts() == first
    assert first_output == second_output
    assert first["Supplier"] == 16
    # One per role, three supplier admins; plus the workshop's participants, who do not sign in.
    assert User.objects.filter(password__startswith="!").count() == first["User"] - 9


@pytest.mark.django_db
def test_demo_world_is_realistic():
    demo_load()
    buyer = Organisation.objects.get(kind=OrganisationKind.BUYER)
    body = Organisation.objects.get(kind=OrganisationKind.INSPECTION_BODY)
    assert buyer.name == "UN Procurement Agency (demo)"
    assert body.name == "Huaxia Inspection & Certification (demo)"
    assert set(buyer.members.values_list("role", flat=True)) == {
        Role.PROGRAMME_MANAGER,
        Role.PROCUREMENT_OFFICER,
        Role.ORG_ADMIN,
    }
    assert set(body.members.values_list("role", flat=True)) == {
        Role.INSPECTION_LEAD,
        Role.INSPECTOR,
    }

    registry = Supplier.objects.filter(buyer=buyer)
    chinese = registry.filter(country="CN")
    assert chinese.count() == 13
    assert chinese.values("city").distinct().count() == 13
    assert set(registry.exclude(country="CN").values_list("country", flat=True)) == {
        "VN",
        "IN",
        "KE",
    }
    for supplier in chinese:
        assert supplier.local_name, supplier
        assert len(supplier.registration_number) == 18
        assert supplier.registration_number == uscc(
            supplier.registration_number[2:8], supplier.registration_number[8:17]
        )
        assert supplier.ungm_vendor_number.isdigit()
    for supplier in registry:
        assert supplier.size_class == size_class_for(
            supplier.employees, supplier.annual_turnover_usd
        )
        assert supplier.sectors.exists()
    assert set(registry.values_list("size_class", flat=True)) == {
        "micro",
        "small",
        "medium",
        "large",
    }
    assert 0 < registry.filter(women_owned=True).count() < registry.count()
    lta_holders = registry.filter(agreements__isnull=False).distinct().count()
    assert registry.count() / 2 < lta_holders < registry.count()
    assert LongTermAgreement.objects.exclude(currency="USD").count() == 0
    expired = [c for c in Certification.objects.all() if c.is_expired]
    assert len(expired) == 1
    assert Contact.objects.filter(is_primary=True).count() == registry.count()


@pytest.mark.django_db
def test_supplier_admins_hold_their_own_company_profile():
    demo_load()
    admins = User.objects.filter(role=Role.SUPPLIER_ADMIN)
    assert admins.count() == 3
    assert admins.filter(language="zh-hans").exists()
    for admin in admins:
        (profile,) = Supplier.objects.visible_to(admin)
        assert profile.legal_name == admin.organisation.name
        assert profile.country == "CN"


@pytest.mark.django_db
def test_every_printed_sign_in_works(client):
    output = load()
    sign_ins = demo_load()
    # Everyone who can sign in (the workshop's participants cannot).
    assert len(sign_ins) == User.objects.exclude(password__startswith="!").count()
    for email, password, role in sign_ins:
        assert email in output
        assert role in output
        assert password == DEMO_PASSWORD
        response = client.post(reverse("accounts:login"), {"username": email, "password": password})
        assert response.status_code == 302, email
        assert response.wsgi_request.user.email == email
        client.post(reverse("accounts:logout"))


@pytest.mark.django_db
def test_china_pilot_has_a_cohort_at_every_stage(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        demo_load()
    assert callbacks, "enrolment and review emails are queued after commit"

    programme = Programme.objects.get(name=PROGRAMME_NAME)
    assert programme.status == ProgrammeStatus.OPEN
    assert programme.questionnaire_version.is_published
    assert programme.questionnaire_version.questionnaire.owner is None
    enrolments = Enrolment.objects.filter(programme=programme)
    assert sorted(enrolments.values_list("supplier__ungm_vendor_number", flat=True)) == sorted(PLAN)
    assert all(e.supplier.country == "CN" for e in enrolments)
    stages = {stage: enrolments.filter(stage=stage).count() for stage in Stage.values}
    assert stages["invited"] == 6 and stages["enrolled"] == 4
    assert stages["submitted"] == 2 and stages["reviewed"] == 1

    rows = {e.supplier.ungm_vendor_number: e for e in with_progress(cohort(programme, {}))}
    for ungm, (stage, _share) in PLAN.items():
        row = rows[ungm]
        assert row.stage == stage, ungm
        assert row.assessment.version == programme.questionnaire_version
        if stage == Stage.INVITED:
            assert row.answered == 0 and row.last_activity_at is None
        elif stage == Stage.ENROLLED:
            assert 0 < row.progress < 100 and row.last_activity_at is not None
        else:
            assert row.assessment.submissions.count() == 1
    assert rows["540455"].assessment.status == AssessmentStatus.ACCEPTED
    assert rows["540287"].assessment.status == AssessmentStatus.SUBMITTED
    # Stage moves went through the services, so they are on record.
    reviewed = AuditEvent.objects.filter(
        action="enrolment.stage_changed", target_id=str(rows["540455"].pk)
    )
    assert list(reviewed.order_by("id").values_list("to_state", flat=True)) == [
        "enrolled",
        "submitted",
        "reviewed",
    ]


@pytest.mark.django_db
def test_demo_supplier_admins_find_their_programme(client):
    demo_load()
    client.force_login(User.objects.get(email="admin@mingde-medical.example.cn"))
    response = client.get(reverse("programmes:mine"))
    assert PROGRAMME_NAME in response.content.decode()
    (enrolment,) = response.context["enrolments"]
    assert enrolment.stage == Stage.ENROLLED


@pytest.mark.django_db
def test_the_demo_has_corrective_actions_in_several_states_some_overdue():
    from drive.actions.models import CorrectiveAction
    from drive.actions.selectors import with_urgency

    load()
    actions = with_urgency(CorrectiveAction.objects.all())
    assert actions.count() >= 6
    assert len(set(actions.values_list("status", flat=True))) >= 5
    assert actions.filter(overdue=True).exists()
    before = actions.count()
    load()
    assert CorrectiveAction.objects.count() == before


@pytest.mark.django_db
def test_the_inspection_body_has_planned_in_progress_and_approved_inspections(client):
    """insp11: Huaxia's lead sees three inspections; the approved one has a marked
    checklist and findings; its supplier's report leaves out the confidential note."""
    from drive.inspections.models import Inspection

    demo_load()
    demo_load()  # idempotent
    inspections = Inspection.objects.filter(body__name__startswith="Huaxia")
    assert sorted(inspections.values_list("status", flat=True)) == [
        "approved",
        "in_progress",
        "planned",
    ]
    approved = inspections.get(status="approved")
    assert approved.items.filter(mark="discrepancy").count() == 2
    assert approved.findings.count() == 4
    lead = User.objects.get(email="lead@huaxia-inspection.example.cn")
    client.force_login(lead)
    report = client.get(reverse("inspections:report", args=[approved.pk])).content.decode()
    assert "紧急出口" in report and "night-shift" in report
    home = client.get(reverse("pages:home")).content.decode()
    assert "Your inspections" in home
