"""Headers every response carries: the Content-Security-Policy (no inline script or style,
no framing, forms only to DRiVE) on each role's main pages, and ``Cache-Control: private,
no-store`` on everything a signed-in user gets (pages, private downloads, API answers),
while static files keep their long public caching."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from drive.api.services import token_create
from drive.core.testing import inline_code

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def directives(header: str) -> dict[str, list[str]]:
    parts = [part.split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in parts}


def main_pages(world) -> dict[str, list[str]]:
    """Each role's main pages: its home and what its navigation leads to."""
    assessment = world["assessment"]
    programme = world["programme"]
    buyer = [
        "/",
        reverse("suppliers:list"),
        reverse("suppliers:detail", args=[world["supplier"].pk]),
        reverse("programmes:list"),
        reverse("programmes:detail", args=[programme.pk]),
        reverse("assessments:review", args=[assessment.pk]),
        reverse("risk:dashboard", args=[programme.pk]),
        reverse("organisations:people"),
    ]
    return {
        "anonymous": [reverse("accounts:login"), reverse("accounts:password_reset")],
        "alice": buyer + [reverse("questionnaires:list"), reverse("imports:upload")],
        "olga": buyer,
        "oscar": buyer + [reverse("api:webhooks")],
        "bob": [
            "/",
            reverse("programmes:mine"),
            reverse("assessments:mine"),
            reverse("assessments:detail", args=[assessment.pk]),
            reverse("assessments:theme", args=[assessment.pk, "labour"]),
            reverse("assessments:print", args=[assessment.pk]),
            reverse("evidence:library"),
            reverse("feedback:report", args=[world["scored"].pk]),
        ],
        "carol": ["/", reverse("programmes:mine"), reverse("assessments:mine")],
        "ivan": ["/", reverse("organisations:people"), reverse("api:tokens")],
        "dave": ["/", reverse("suppliers:list"), reverse("programmes:list")],
    }


def test_each_roles_main_pages_carry_the_policy_and_no_inline_code(world, personas, client_as):
    for name, urls in main_pages(world).items():
        client = client_as(personas[name])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (name, url)
            assert directives(response["Content-Security-Policy"]) == POLICY, (name, url)
            assert inline_code(response.content.decode()) == [], (name, url)


def test_the_api_docs_run_under_the_same_policy(client, db):
    response = client.get("/api/docs/")
    assert directives(response["Content-Security-Policy"]) == POLICY
    assert inline_code(response.content.decode()) == []
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_the_finder_of_inline_code_finds_each_kind():
    html = (
        '<script>alert(1)</script><script src="/static/a.js"></script><style>p{}</style>'
        '<p style="color:red" onclick="go()"><a href="javascript:go()">x</a></p>'
    )
    assert inline_code(html) == [
        "<script> without src",
        "code inside <script>",
        "<style> element",
        'style="" on <p>',
        "onclick= on <p>",
        "javascript: URL on <a>",
    ]


def test_pages_and_private_downloads_of_a_signed_in_user_are_never_cached(
    world, personas, client_as
):
    bob, alice = client_as(personas["bob"]), client_as(personas["alice"])
    scored = world["scored"].pk
    responses = {
        "home": bob.get("/"),
        "theme page": bob.get(
            reverse("assessments:theme", args=[world["assessment"].pk, "labour"])
        ),
        "evidence file": bob.get(reverse("evidence:download", args=[world["document"].pk])),
        "feedback PDF": bob.get(reverse("feedback:pdf_download", args=[scored])),
        "supplier export": alice.get(reverse("imports:export")),
        "questionnaire XLSForm": alice.get(
            reverse("questionnaires:download", args=[world["version"].pk])
        ),
        "API with a session": alice.get("/api/v1/suppliers/"),
        "a refusal": alice.get(reverse("evidence:library")),
        "not found": client_as(personas["dave"]).get(
            reverse("suppliers:detail", args=[world["supplier"].pk])
        ),
    }
    for what, response in responses.items():
        assert response["Cache-Control"] == "private, no-store", what
        assert not response.has_header("Expires"), what
    assert responses["evidence file"].status_code == 200
    assert responses["feedback PDF"].status_code == 200
    assert responses["a refusal"].status_code == 403
    assert responses["not found"].status_code == 404


def test_api_answers_to_a_token_are_never_cached(alice):
    _token, clear = token_create(name="ERP", scope="read", by=alice)
    response = Client().get("/api/v1/suppliers/", HTTP_AUTHORIZATION=f"Bearer {clear}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_anonymous_pages_keep_their_own_caching(client, db):
    sign_in = client.get(reverse("accounts:login"))
    assert sign_in.status_code == 200
    assert sign_in["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    health = client.get("/healthz")
    assert health["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


@pytest.fixture
def whitenoise_static(settings):
    """Static files as production serves them: WhiteNoise ahead of every other middleware."""
    settings.MIDDLEWARE = [
        settings.MIDDLEWARE[0],
        "whitenoise.middleware.WhiteNoiseMiddleware",
        *settings.MIDDLEWARE[1:],
    ]
    settings.WHITENOISE_USE_FINDERS = True
    settings.STATIC_ROOT = None  # served from the apps' folders, as collectstatic would copy
    settings.WHITENOISE_MAX_AGE = 3600


def test_static_files_keep_their_public_caching_for_a_signed_in_user(
    whitenoise_static, alice, client_as
):
    response = client_as(alice).get("/static/drive/css/drive.css")
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=3600, public"
