"""Risk over the API: the same numbers, inputs and sources as the risk pages (the engine of
``drive.risk``), the model versions, a programme's overrides (``risk_override_add``) and
its dashboard."""

from __future__ import annotations

import pytest

from drive.assessments.models import Submission
from drive.assessments.testing import make_enrolment
from drive.audit.models import AuditEvent
from drive.factories import SupplierFactory
from drive.questionnaires.models import Question
from drive.risk.models import RiskOverride
from drive.risk.reference import DATASETS
from drive.risk.services import reference_data_load
from drive.risk.testing import make_score
from drive.scoring.services import score_compute
from drive.scoring.testing import make_scored_assessment, submit
from drive.suppliers.models import SupplierSector


@pytest.fixture
def reference_data(db):
    for code in DATASETS:
        reference_data_load(dataset=code)


@pytest.fixture
def programme(bright):
    return make_enrolment(supplier=bright).programme


def test_brights_risk_with_every_input_and_source(bright, alice, bob, api_as, reference_data):
    SupplierSector.objects.create(supplier=bright, sector_id=53)
    body = api_as(alice).get(f"/api/v1/suppliers/{bright.pk}/risk/").json()
    inherent = body["inherent"]
    assert (inherent["score"], inherent["tier"], inherent["model_version"]) == ("61.3", "high", 1)
    indices = {i["code"]: i for i in inherent["indices"]}
    assert (indices["ituc_gri"]["raw"], indices["ituc_gri"]["risk"]) == ("5", "90.00")
    assert indices["cpi"]["source_url"] == "https://www.transparency.org/en/cpi/2025"
    assert indices["cpi"]["year"] == 2025 and not indices["cpi"]["no_data"]
    assert (inherent["sector_default"], inherent["sector_risk"], inherent["dol_floor_applied"]) == (
        "70.00",
        "75.00",
        True,
    )
    assert {m["good"] for m in inherent["dol_matches"]} >= {"Garments"}
    assert body["programme"] is None
    assert (body["residual"]["pending"], body["residual"]["tier"]) == (True, None)
    # Bob reads his own company's risk, the same numbers.
    assert api_as(bob).get(f"/api/v1/suppliers/{bright.pk}/risk/").json()["inherent"] == inherent


def test_missing_data_is_no_data_never_zero(agency, alice, api_as, db):
    supplier = SupplierFactory(buyer=agency, country="PR")
    inherent = api_as(alice).get(f"/api/v1/suppliers/{supplier.pk}/risk/").json()["inherent"]
    assert (inherent["score"], inherent["tier"]) == (None, "insufficient_data")
    assert all(i["no_data"] and i["risk"] is None for i in inherent["indices"])


def test_programme_overrides_apply_with_their_reason(
    bright, alice, api_as, programme, reference_data
):
    client = api_as(alice)
    url = f"/api/v1/programmes/{programme.pk}/risk-overrides/"
    response = client.post(
        url,
        {
            "kind": "country_value",
            "target": "cpi",
            "country": "CN",
            "value": "80",
            "reason": "Local audit evidence",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert (response.json()["created_by"], response.json()["country"]) == (
        "alice@agency-a.org",
        "CN",
    )
    assert AuditEvent.objects.filter(action="risk.override_added", actor=alice).exists()
    body = client.get(f"/api/v1/suppliers/{bright.pk}/risk/?programme={programme.pk}").json()
    cpi = next(i for i in body["inherent"]["indices"] if i["code"] == "cpi")
    assert (cpi["value"], cpi["override_reason"]) == ("80.000", "Local audit evidence")
    assert body["programme"] == programme.pk
    assert [o["reason"] for o in body["inherent"]["overrides"]] == ["Local audit evidence"]
    plain = client.get(f"/api/v1/suppliers/{bright.pk}/risk/").json()
    assert next(i for i in plain["inherent"]["indices"] if i["code"] == "cpi")["value"] == "43.000"
    assert [o["id"] for o in client.get(url).json()["results"]] == [response.json()["id"]]


def test_override_validation(alice, olga, api_as, programme, db):
    client = api_as(alice)
    url = f"/api/v1/programmes/{programme.pk}/risk-overrides/"
    no_reason = client.post(
        url, {"kind": "weight", "target": "cpi", "weight": "0.5"}, format="json"
    )
    assert list(no_reason.json()["error"]["fields"]) == ["reason"]
    no_weight = client.post(url, {"kind": "weight", "target": "cpi", "reason": "x"}, format="json")
    assert no_weight.json()["error"]["fields"] == {"weight": ["Enter the new weight."]}
    too_big = client.post(
        url, {"kind": "weight", "target": "cpi", "weight": "2", "reason": "x"}, format="json"
    )
    assert "weight" in too_big.json()["error"]["fields"]
    component = client.post(
        url,
        {
            "kind": "country_value",
            "target": "country",
            "country": "CN",
            "value": "5",
            "reason": "x",
        },
        format="json",
    )
    assert list(component.json()["error"]["fields"]) == ["target"]
    blank = client.post(
        url, {"kind": "weight", "target": "cpi", "weight": "0.5", "reason": "   "}, format="json"
    )
    assert blank.status_code == 400
    assert (
        api_as(olga)
        .post(
            url, {"kind": "weight", "target": "cpi", "weight": "0.5", "reason": "x"}, format="json"
        )
        .status_code
        == 403
    )
    assert not RiskOverride.objects.exists()


def test_adding_an_override_is_idempotent_with_a_key(alice, api_as, programme, db):
    client = api_as(alice)
    url = f"/api/v1/programmes/{programme.pk}/risk-overrides/"
    data = {"kind": "weight", "target": "sector", "weight": "0.2", "reason": "Sector data"}
    first = client.post(url, data, format="json", HTTP_IDEMPOTENCY_KEY="o-1")
    again = client.post(url, data, format="json", HTTP_IDEMPOTENCY_KEY="o-1")
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert RiskOverride.objects.count() == 1


def test_dashboard_counts_heat_map_and_red_flags(
    bright,
    agency,
    alice,
    bob,
    dave,
    api_as,
    programme,
    reference_data,
    django_assert_max_num_queries,
):
    SupplierSector.objects.create(supplier=bright, sector_id=53)
    other = SupplierFactory(buyer=agency, country="DK", legal_name="Danish Design")
    make_enrolment(supplier=other).programme.delete()
    programme.enrolments.create(supplier=other)
    question = Question.objects.filter(version=programme.questionnaire_version).first()
    Question.objects.filter(pk=question.pk).update(red_flag=". = 'no'")
    enrolment = programme.enrolments.get(supplier=bright)
    Submission.objects.create(
        assessment=enrolment.assessment, number=1, answers={question.code: "no"}
    )
    url = f"/api/v1/programmes/{programme.pk}/risk/"
    client = api_as(alice)
    # The first read stores the cohort's profiles (drive/risk/stored.py): the stored rows,
    # the reference-data generation and one INSERT more than computing them alone; and it
    # fills the enrolments' stored current scores (drive/risk/cohort.py: the current scoring
    # method, the check of the cohort's rows, an INSERT, the ranking, one UPDATE).
    with django_assert_max_num_queries(28):
        body = client.get(url).json()
    inherent = {c["tier"]: c["count"] for c in body["inherent_counts"]}
    assert (inherent["high"], inherent["low"]) == (1, 1)
    assert {c["tier"]: c["count"] for c in body["residual_counts"]}["pending"] >= 1
    assert {r["country"] for r in body["heat_rows"]} == {"CN", "DK"}
    cn = next(r for r in body["heat_rows"] if r["country"] == "CN")
    cell = next(c for c in cn["cells"] if c["sector"] == 53)
    assert (cell["count"], cell["max_score"], cell["tier"]) == (1, "61.3", "high")
    assert not {"suppliers", "answer_flags", "dol_flags"} & body.keys()  # sub-resources now
    # The critical answer is listed once its submission is scored (the current score counts
    # the red flag), as on the web dashboard's red-flag table.
    flags_url = body["lists"]["answer_flags"]["url"]
    assert body["lists"]["answer_flags"]["count"] == 0
    assert client.get(flags_url).json()["results"] == []
    make_score(enrolment.assessment, band="developing", red_flags=1)
    assert client.get(url).json()["lists"]["answer_flags"]["count"] == 1
    flagged = client.get(flags_url).json()["results"]
    assert [(r["supplier"]["id"], [f["question"] for f in r["flags"]]) for r in flagged] == [
        (bright.pk, [question.code])
    ]
    dol = client.get(body["lists"]["dol_flags"]["url"]).json()["results"]
    assert [r["supplier"]["id"] for r in dol] == [bright.pk] and dol[0]["matches"]
    assert api_as(bob).get(url).status_code == 403
    assert api_as(dave).get(url).status_code == 404


def test_risk_models_with_their_configuration(alice, bob, api_as, db):
    rows = api_as(alice).get("/api/v1/risk/models/").json()["results"]
    assert [r["version"] for r in rows] == [1]
    assert rows[0]["config"]["components"] == {"country": 0.7, "sector": 0.3}
    assert rows[0]["config"]["residual_matrix"]["high"]["leading"] == "low"
    assert api_as(bob).get("/api/v1/risk/models/").status_code == 403


def test_programme_query_must_be_one_of_the_suppliers_programmes(bright, cedar, alice, api_as, db):
    other = make_enrolment(supplier=cedar).programme
    response = api_as(alice).get(f"/api/v1/suppliers/{bright.pk}/risk/?programme={other.pk}")
    assert response.status_code == 400 and "programme" in response.json()["error"]["fields"]
    assert api_as(alice).get(f"/api/v1/suppliers/{bright.pk}/risk/?programme=x").status_code == 400


def test_residual_tier_from_the_programmes_score(bright, alice, bob, api_as, reference_data):
    SupplierSector.objects.create(supplier=bright, sector_id=53)
    assessment = make_scored_assessment(supplier=bright)
    submit(assessment)
    score_compute(assessment=assessment)  # 73.89, advanced, no red flag
    programme = assessment.enrolment.programme_id
    body = api_as(bob).get(f"/api/v1/suppliers/{bright.pk}/risk/?programme={programme}").json()
    residual = body["residual"]
    assert (
        residual["inherent_tier"],
        residual["performance_band"],
        residual["matrix_row"],
        residual["tier"],
        residual["forced_by_red_flag"],
    ) == ("high", "advanced", "high", "medium", False)
    assert (residual["score"], residual["assessment"], residual["model_version"]) == (
        "73.89",
        assessment.pk,
        1,
    )
    dashboard = api_as(alice).get(f"/api/v1/programmes/{programme}/risk/").json()
    rows = api_as(alice).get(dashboard["lists"]["suppliers"]["url"]).json()["results"]
    assert rows[0]["residual_tier"] == "medium"
    assert {c["tier"]: c["count"] for c in dashboard["residual_counts"]}["medium"] == 1
