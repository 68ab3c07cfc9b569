"""The registry, the evidence library, questionnaire versions, enrolments and notifications
over the API: the same FilterSets as the pages; a value that is not valid is a 400 naming
each parameter, never a list that silently ignores it."""

from __future__ import annotations

from drive.assessments.testing import make_assessment, make_version
from drive.evidence import testing as sample
from drive.evidence.models import DocumentKind
from drive.evidence.services import document_upload
from drive.factories import SupplierFactory
from drive.notifications.models import Notification
from drive.questionnaires.models import VersionStatus


def _fields(response) -> dict:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    return error["fields"]


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["legal_name"] for row in response.json()["results"]]


def test_registry_refuses_each_invalid_filter_by_name(api_as, alice, bright, cedar):
    client = api_as(alice)

    fields = _fields(
        client.get(
            "/api/v1/suppliers/",
            {
                "country": "ZZ",
                "sector": "textiles",
                "size": "huge",
                "women_owned": "maybe",
                "lta": "perhaps",
                "sort": "price",
            },
        )
    )

    assert sorted(fields) == ["country", "lta", "sector", "size", "sort", "women_owned"]
    assert "ZZ is not a country code" in fields["country"][0]
    assert fields["sector"] == ["Give a whole number id."]
    for sector in ("²", "9" * 30, "-1"):
        assert list(_fields(client.get("/api/v1/suppliers/", {"sector": sector}))) == ["sector"]
    # The OCDS export takes the same filters and refuses the same way.
    assert list(_fields(client.get("/api/v1/suppliers/ocds/", {"size": "huge"}))) == ["size"]


def test_registry_valid_filters_still_filter_and_sort(api_as, alice, agency, bright, cedar):
    SupplierFactory(buyer=agency, legal_name="Hanoi Garments", country="VN", size_class="small")
    SupplierFactory(buyer=agency, legal_name="Hue Steel", country="VN", size_class="large")
    client = api_as(alice)

    assert _names(client.get("/api/v1/suppliers/", {"country": "vn", "sort": "-name"})) == [
        "Hue Steel",
        "Hanoi Garments",
    ]
    assert _names(client.get("/api/v1/suppliers/", {"country": "VN", "size": "sme"})) == [
        "Hanoi Garments"
    ]
    assert _names(client.get("/api/v1/suppliers/", {"country": "GB"})) == []


def test_registry_filters_never_reach_another_buyers_suppliers(api_as, dave, bright):
    # Dave's organisation has no Bright in its registry: a valid filter finds nothing.
    assert _names(api_as(dave).get("/api/v1/suppliers/", {"country": bright.country.code})) == []


def _document(supplier, user, kind: str, title: str):
    return document_upload(
        supplier=supplier,
        file=sample.upload(content=sample.PDF_BYTES + title.encode()),  # distinct files
        title=title,
        kind=kind,
        valid_until=None,
        by=user,
    )


def test_documents_refuse_an_unknown_kind_or_supplier_and_filter_on_valid_ones(api_as, bob, bright):
    _document(bright, bob, DocumentKind.POLICY, "Labour policy")
    _document(bright, bob, DocumentKind.CERTIFICATE, "ISO 14001")
    client = api_as(bob)

    fields = _fields(client.get("/api/v1/documents/", {"kind": "memo", "supplier": "bright"}))
    assert sorted(fields) == ["kind", "supplier"]
    assert "memo" in fields["kind"][0]

    titles = [
        d["title"] for d in client.get("/api/v1/documents/?kind=Certificate").json()["results"]
    ]
    assert titles == ["ISO 14001"]
    mine = client.get("/api/v1/documents/", {"supplier": bright.pk}).json()["results"]
    assert sorted(d["title"] for d in mine) == ["ISO 14001", "Labour policy"]


def test_versions_refuse_an_unknown_status_or_questionnaire_and_filter_on_valid_ones(api_as, alice):
    version = make_version()
    assert version.status == VersionStatus.PUBLISHED
    client = api_as(alice)

    fields = _fields(
        client.get("/api/v1/questionnaires/versions/", {"status": "final", "questionnaire": "x"})
    )
    assert sorted(fields) == ["questionnaire", "status"]

    published = client.get(
        "/api/v1/questionnaires/versions/",
        {"status": "published", "questionnaire": version.questionnaire_id},
    ).json()["results"]
    assert version.pk in [v["id"] for v in published]
    assert all(v["status"] == "published" for v in published)
    drafts = client.get(
        "/api/v1/questionnaires/versions/",
        {"status": "draft", "questionnaire": version.questionnaire_id},
    ).json()["results"]
    assert drafts == []


def test_enrolments_refuse_an_unknown_stage_or_programme_and_filter_on_valid_ones(
    api_as, alice, bright
):
    enrolment = make_assessment(supplier=bright).enrolment
    client = api_as(alice)

    fields = _fields(client.get("/api/v1/enrolments/", {"stage": "done", "programme": "pilot"}))
    assert sorted(fields) == ["programme", "stage"]

    rows = client.get(
        "/api/v1/enrolments/", {"stage": enrolment.stage, "programme": enrolment.programme_id}
    ).json()["results"]
    assert [r["id"] for r in rows] == [enrolment.pk]
    assert client.get("/api/v1/enrolments/", {"stage": "withdrawn"}).json()["results"] == []


def test_notifications_refuse_an_unread_that_is_not_true_or_false(api_as, bob):
    first, second = (
        Notification.objects.create(
            recipient=bob, kind="assessment.accepted", subject=subject, body="Text", language="en"
        )
        for subject in ("First", "Second")
    )
    client = api_as(bob)
    client.post(f"/api/v1/notifications/{first.pk}/read/")

    assert list(_fields(client.get("/api/v1/notifications/", {"unread": "maybe"}))) == ["unread"]
    unread = client.get("/api/v1/notifications/", {"unread": "TRUE"}).json()["results"]
    assert [r["id"] for r in unread] == [second.pk]
    every = client.get("/api/v1/notifications/", {"unread": "false"}).json()["results"]
    assert sorted(r["id"] for r in every) == sorted([first.pk, second.pk])


def test_scoring_methods_refuse_a_code_that_cannot_be_one(api_as, bob):
    client = api_as(bob)

    for code in ("drive default", "x" * 61, "drive-default;--"):
        assert list(_fields(client.get("/api/v1/scoring/methods/", {"code": code}))) == ["code"]
    rows = client.get("/api/v1/scoring/methods/", {"code": "drive-default"}).json()["results"]
    assert rows and {r["code"] for r in rows} == {"drive-default"}
