"""List filters are shared by pages and API, and an invalid value is an error, never a list
that silently ignores it (400 in the envelope naming the parameter; the page says so)."""

from __future__ import annotations

from django.urls import reverse

from drive.assessments.testing import make_assessment


def _fields(response) -> dict:
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    return error["fields"]


def test_an_unknown_assessment_status_is_refused_not_ignored(api_as, alice, bright):
    make_assessment(supplier=bright)
    client = api_as(alice)

    fields = _fields(client.get("/api/v1/assessments/?status=AAA"))

    assert list(fields) == ["status"]
    assert "AAA" in fields["status"][0]
    assert len(client.get("/api/v1/assessments/?status=draft").json()["results"]) == 1
    assert client.get("/api/v1/assessments/?status=submitted").json()["results"] == []


def test_programme_and_cohort_filters_refuse_unknown_values(api_as, alice, bright):
    programme = make_assessment(supplier=bright).enrolment.programme
    client = api_as(alice)

    assert list(_fields(client.get("/api/v1/programmes/?status=running"))) == ["status"]
    cohort = f"/api/v1/programmes/{programme.pk}/enrolments/"
    fields = _fields(client.get(f"{cohort}?stage=done&country=XX&women_owned=maybe"))
    assert sorted(fields) == ["country", "stage", "women_owned"]
    rows = client.get(f"{cohort}?stage=INVITED&country=gb").json()["results"]
    assert rows == []  # Bright is in China: a valid filter that matches nothing
    assert len(client.get(f"{cohort}?stage=invited&country=cn").json()["results"]) == 1


def test_the_cohort_page_shows_the_filter_error_and_no_list(client_of, alice, bright):
    programme = make_assessment(supplier=bright).enrolment.programme

    response = client_of(alice).get(
        reverse("programmes:detail", args=[programme.pk]), {"size": "huge"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert '<a href="#id_size">Size class: Select a valid choice.' in html
    assert "0 suppliers" in html
    assert bright.legal_name not in html.split("result-count")[1]
