"""The OpenAPI schema is generated without warnings, the docs load no CDN asset, and
Schemathesis exercises every operation against the schema: no server error, and every
response conforms to what the schema documents."""

from __future__ import annotations

import re

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from openapi_spec_validator.validation.validators import OpenAPIV30SpecValidator

from drive.api.services import token_create
from drive.assessments.testing import make_enrolment
from drive.evidence.services import document_upload
from drive.evidence.testing import PDF_BYTES
from drive.factories import SupplierFactory, SupplierOrgFactory, UserFactory
from drive.organisations.models import Role
from drive.scoring.models import Appeal
from drive.scoring.services import score_compute
from drive.scoring.testing import accept, make_scored_assessment, submit
from drive.wsgi import application


def test_schema_generates_without_warnings(tmp_path, capsys, db):
    call_command(
        "spectacular", "--file", str(tmp_path / "schema.yaml"), "--validate", "--fail-on-warn"
    )
    text = (tmp_path / "schema.yaml").read_text()
    assert "/api/v1/suppliers/{id}/" in text and "bearerAuth" in text


def test_docs_use_only_local_static_files(client, db):
    for url in ("/api/docs/",):
        html = client.get(url).content.decode()
        sources = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert sources, url
        for source in sources:
            assert source.startswith(("/static/", "/api/")), (url, source)
        assert "cdn" not in html.lower()


def test_schema_is_public(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200


def _schema(client) -> dict:
    return client.get("/api/schema/?format=json").json()


def _operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation


def test_schema_is_a_valid_openapi_document(client, db):
    schema = _schema(client)
    errors = [str(e).splitlines()[0] for e in OpenAPIV30SpecValidator(schema).iter_errors()]
    assert errors == []
    # The default of the risk override's country matches its own pattern.
    country = schema["components"]["schemas"]["RiskOverrideInRequest"]["properties"]["country"]
    assert re.fullmatch(country["pattern"], country["default"])


def test_every_operation_and_parameter_is_described(client, db):
    missing = []
    for path, method, operation in _operations(_schema(client)):
        if not operation.get("description", "").strip():
            missing.append((method, path))
        for parameter in operation.get("parameters", []):
            if not parameter.get("description", "").strip():
                missing.append((method, path, parameter["name"]))
    assert missing == []


def test_path_ids_are_integers_everywhere(client, db):
    for path, method, operation in _operations(_schema(client)):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path" and parameter["name"] != "code":
                assert parameter["schema"]["type"] == "integer", (method, path, parameter)


def test_headers_and_error_examples_are_documented(client, db):
    schema = _schema(client)
    assert set(schema["components"]["headers"]) == {"ETag", "Location", "Retry-After"}
    paths = schema["paths"]
    detail = paths["/api/v1/suppliers/{id}/"]
    assert "ETag" in detail["get"]["responses"]["200"]["headers"]
    assert "ETag" in detail["get"]["responses"]["304"]["headers"]
    assert "ETag" in detail["patch"]["responses"]["200"]["headers"]
    assert detail["patch"]["responses"]["412"]["content"]["application/json"]["example"] == {
        "error": {
            "code": "precondition_failed",
            "message": "Someone changed this since you read it. Fetch it again (new ETag) and "
            "retry.",
            "fields": {},
        }
    }
    assert "428" in detail["patch"]["responses"]
    created = paths["/api/v1/suppliers/"]["post"]["responses"]["201"]["headers"]
    assert set(created) == {"ETag", "Location"}
    for path, method, operation in _operations(schema):
        assert "Retry-After" in operation["responses"]["429"]["headers"], (method, path)
        for code, response in operation["responses"].items():
            if code >= "400":
                assert response["content"]["application/json"]["example"]["error"]["code"]
    answer = paths["/api/v1/assessments/{id}/answers/{code}/"]["put"]
    assert "409" not in answer["responses"] and "412" in answer["responses"]


def test_schema_matches_what_the_api_answers(client, db):
    schema = _schema(client)["components"]["schemas"]
    assert schema["ContactOut"]["properties"]["email"]["nullable"] is True
    assert schema["AnswerOut"]["properties"]["updated_at"]["nullable"] is True
    file = _schema(client)["paths"]["/api/v1/documents/{id}/file/"]["get"]["responses"]["200"]
    assert {"application/pdf", "image/png"} <= set(file["content"])
    assert "application/octet-stream" not in file["content"]
    # The paginator's refusals are documented on every list.
    listed = _schema(client)["paths"]["/api/v1/suppliers/"]["get"]["responses"]["400"]
    assert "`cursor`" in listed["description"] and "`page_size`" in listed["description"]


def test_the_programmes_links_and_the_queues_hints_are_documented(client, db):
    schema = _schema(client)["components"]["schemas"]
    assert "links" in schema["ProgrammeOut"]["required"]
    links = schema["ProgrammeLinksOut"]["properties"]
    assert set(links) == {"enrolments", "risk", "inspection_queue"}
    assert all(link["nullable"] and link["format"] == "uri" for link in links.values())
    assert "type" in schema["PlanBodyOut"]["required"]
    opened = schema["OpenInspectionOut"]["properties"]
    assert {"status", "status_label", "window_start", "window_end", "scheduled_date"} <= set(opened)
    assert opened["scheduled_date"]["nullable"] is True


def test_contact_without_email_reads_null(api_as, alice, bright):
    from drive.suppliers.models import Contact

    contact = Contact.objects.create(supplier=bright, name="Li Wei")
    url = f"/api/v1/suppliers/{bright.pk}/contacts/{contact.pk}/"
    assert api_as(alice).get(url).json()["email"] is None


# --- Schemathesis --------------------------------------------------------------------

schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def keep_test_connection():
    """Calling the WSGI app directly fires request_finished, whose close_old_connections
    would close the test's PostgreSQL connection in the middle of its transaction (the
    test client disconnects it the same way)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, keep_test_connection):
    """The live schema, called in-process through the WSGI app with a buyer's token."""
    buyer_user = UserFactory(email="pm@schemathesis.example", role=Role.PROGRAMME_MANAGER)
    supplier = SupplierFactory(
        buyer=buyer_user.organisation, organisation=SupplierOrgFactory(name="Fuzz Textiles")
    )
    # A programme with the supplier enrolled, its assessment and a document, so that the
    # workflow operations have something to find (ids 1, like most generated ids); then a
    # second programme whose assessment is scored and accepted, with an open appeal.
    make_enrolment(supplier=supplier)
    document_upload(
        supplier=supplier, by=None, title="Policy", file=SimpleUploadedFile("policy.pdf", PDF_BYTES)
    )
    scored = make_scored_assessment(supplier=supplier)
    submit(scored)
    score = score_compute(assessment=scored)
    accept(scored)
    Appeal.objects.create(assessment=scored, score=score, reason="Recount")
    _token, clear = token_create(name="schemathesis", scope="read_write", by=buyer_user)
    loaded = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    loaded.config.update(headers={"Authorization": f"Bearer {clear}"})
    # Bounded for CI: generated examples only (the coverage phase alone would send
    # hundreds of boundary-value requests per operation).
    loaded.config.phases.update(phases=["examples", "fuzzing"])
    return loaded


@override_settings(API_RATE_PER_MINUTE=100_000)
@schema.parametrize()
@settings(max_examples=5, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case):
    case.call_and_validate(
        checks=[
            schemathesis.checks.not_a_server_error,
            schemathesis.checks.response_schema_conformance,
        ],
    )
