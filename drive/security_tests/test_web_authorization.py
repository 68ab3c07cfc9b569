"""Every web page × every persona (STYLE.md §9), generated from the URLconf like the API's
(drive/api/tests/test_authorization.py).

Each route of the web (everything but the REST API under /api/v1/, the Django admin and
static files) has ONE entry in ``ROUTES`` below: the object its ``<pk>`` names in the
small world of ``conftest.py`` (all of it agency A's, or Bright Textiles') and the status
each persona gets. A new route without an entry fails ``test_every_web_route_has_an_entry``.
Another organisation's object is 404; a wrong role is 403; nobody signed in is sent to the
sign-in page (302). Routes that only take a POST answer 405 to a GET, and are posted (an
empty form) as each persona who must be refused, which changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from drive.core.testing import inline_code

PERSONAS = ("anonymous", "alice", "olga", "oscar", "bob", "carol", "ivan", "dave")
EXCLUDED_PREFIXES = ("admin/", "api/v1/", "api/^v1", "static/", "media/")


def S(*statuses: int) -> dict[str, int]:
    """Statuses in the order of PERSONAS: anonymous, alice, olga, oscar (agency A: programme
    manager, procurement officer, organisation admin), bob (Bright Textiles' admin), carol
    (Cedar Metals' admin), ivan (inspector), dave (agency D's programme manager)."""
    assert len(statuses) == len(PERSONAS)
    return dict(zip(PERSONAS, statuses, strict=True))


@dataclass(frozen=True)
class Page:
    """A page read with GET: ``obj`` is the world's object its ``<pk>`` names."""

    obj: str | None
    get: dict[str, int]
    # Same answer for everyone, costly to build (the OpenAPI schema): fetched once, anonymously.
    public_once: bool = False


@dataclass(frozen=True)
class PostOnly:
    """A route that only takes a POST: GET is 405 (302 first when nobody is signed in);
    ``refused`` are the statuses of an empty POST by the personas who may not do it."""

    obj: str | None
    refused: dict[str, int] = field(default_factory=dict)
    anonymous_get: int = 302


A_OBJECT = S(302, 200, 200, 200, 200, 404, 404, 404)  # agency A's staff and Bright's people
A_WRITE = S(302, 200, 403, 200, 200, 404, 404, 404)  # ...but the procurement officer reads only
BUYER_PAGE = S(302, 200, 200, 200, 403, 403, 403, 200)  # any buyer's own page
BUYER_MANAGERS_PAGE = S(302, 200, 403, 200, 403, 403, 403, 200)
A_STAFF_OBJECT = S(302, 200, 200, 200, 403, 404, 404, 404)
A_MANAGERS_OBJECT = S(302, 200, 403, 200, 403, 404, 404, 404)
SUPPLIER_PAGE = S(302, 403, 403, 403, 200, 200, 403, 403)
BRIGHT_ANSWERS = S(302, 302, 302, 302, 200, 404, 404, 404)  # buyers are sent to the review
SIGNED_IN = S(302, *[200] * 7)
ANYONE = S(*[200] * 8)
OUTSIDERS_404 = {"carol": 404, "ivan": 404, "dave": 404}
FIELD_WORK = S(302, 200, 200, 200, 404, 404, 200, 404)  # agency A's staff, the inspector
# An approved inspection: nothing more to do for those who see it; 404 for the others.
INSPECTION_DONE = {"alice": 403, "olga": 403, "oscar": 403, "bob": 403, **OUTSIDERS_404}

ROUTES: dict[str, Page | PostOnly] = {
    "healthz": Page(None, ANYONE),
    "": Page(None, SIGNED_IN),  # the role's home page
    # Accounts: the password-reset and invitation pages work from an e-mailed link.
    "accounts/sign-in/": Page(None, S(200, *[302] * 7)),
    "accounts/sign-out/": PostOnly(None, anonymous_get=405),
    "accounts/password/change/": Page(None, SIGNED_IN),
    "accounts/password/change/done/": Page(None, SIGNED_IN),
    "accounts/password/reset/": Page(None, ANYONE),
    "accounts/password/reset/sent/": Page(None, ANYONE),
    "accounts/password/reset/<uidb64>/<token>/": Page(None, ANYONE),  # "this link is invalid"
    "accounts/password/reset/complete/": Page(None, ANYONE),
    "accounts/language/": PostOnly(None, anonymous_get=405),
    "accounts/invitation/<str:token>/": Page("invitation", ANYONE),
    # Two-factor: staff must use it (their sessions here are verified by a test authenticator);
    # suppliers may. Only those for whom it is optional turn it off.
    "accounts/two-factor/": Page(None, SIGNED_IN),
    "accounts/two-factor/enrol/": Page(None, S(302, 302, 302, 302, 200, 200, 302, 302)),
    "accounts/two-factor/verify/": Page(None, S(302, *[302] * 7)),
    # New codes are shown once, right after they are made; otherwise back to the account page.
    "accounts/two-factor/recovery-codes/": Page(None, S(302, *[302] * 7)),
    "accounts/two-factor/disable/": PostOnly(
        None, {"alice": 403, "olga": 403, "oscar": 403, "ivan": 403, "dave": 403}
    ),
    # Notifications: each person's own; another person's is 404.
    "notifications/": Page(None, SIGNED_IN),
    "notifications/settings/": Page(None, SIGNED_IN),
    "notifications/<int:pk>/": Page("notification", S(302, 302, 404, 404, 404, 404, 404, 404)),
    "notifications/<int:pk>/read/": PostOnly(
        "notification", dict.fromkeys(["olga", "oscar", "bob", "carol", "ivan", "dave"], 404)
    ),
    "notifications/read-all/": PostOnly(None),
    # Inviting a registry supplier's first administrator (Bright already has its own: the
    # page says so and offers no form).
    "suppliers/<int:pk>/invite/": Page("supplier", S(302, 200, 403, 200, 403, 404, 404, 404)),
    # People of one's own organisation (supplier admins manage their company's people).
    "organisations/people/": Page(None, SIGNED_IN),
    "organisations/people/invite/": PostOnly(None, {"olga": 403, "ivan": 403, "dave": 403}),
    "organisations/invitations/<int:pk>/revoke/": PostOnly(
        "invitation", {"olga": 403, "bob": 404, **OUTSIDERS_404}
    ),
    "organisations/invitations/<int:pk>/resend/": PostOnly(
        "invitation", {"olga": 403, "bob": 404, **OUTSIDERS_404}
    ),
    # Supplier imports: agency A's programme managers and admins; the officer exports.
    "suppliers/import/": Page(None, BUYER_MANAGERS_PAGE),
    "suppliers/import/history/": Page(None, BUYER_MANAGERS_PAGE),
    "suppliers/import/template/": Page(None, BUYER_PAGE),
    "suppliers/import/export/": Page(None, BUYER_PAGE),
    "suppliers/import/<int:pk>/": Page("import", S(302, 200, 403, 200, 403, 403, 403, 404)),
    "suppliers/import/<int:pk>/confirm/": PostOnly(
        "import", {"olga": 403, "bob": 403, "carol": 403, "ivan": 403, "dave": 404}
    ),
    # The mapping step of a job that is not waiting for it leads to the job's report.
    "suppliers/import/<int:pk>/mapping/": Page("import", S(302, 302, 403, 302, 403, 403, 403, 404)),
    "suppliers/import/<int:pk>/duplicates/": PostOnly(
        "import", {"olga": 403, "bob": 403, "carol": 403, "ivan": 403, "dave": 404}
    ),
    # The registry: suppliers see (and edit) their own profile, which the list leads to.
    "suppliers/": Page(None, S(302, 200, 200, 200, 302, 302, 403, 200)),
    "suppliers/new/": Page(None, BUYER_MANAGERS_PAGE),
    "suppliers/invite/": Page(None, BUYER_MANAGERS_PAGE),  # first users of many suppliers
    "suppliers/<int:pk>/": Page("supplier", A_OBJECT),
    "suppliers/<int:pk>/edit/": Page("supplier", A_WRITE),
    "suppliers/<int:pk>/agreements/add/": Page("supplier", A_WRITE),
    "suppliers/<int:pk>/agreements/<int:item_pk>/edit/": Page("supplier", A_WRITE),
    "suppliers/<int:pk>/agreements/<int:item_pk>/delete/": Page("supplier", A_WRITE),
    "suppliers/<int:pk>/certifications/add/": Page("supplier", A_WRITE),
    "suppliers/<int:pk>/certifications/<int:item_pk>/edit/": Page("supplier", A_WRITE),
    "suppliers/<int:pk>/certifications/<int:item_pk>/delete/": Page("supplier", A_WRITE),
    "suppliers/<int:pk>/contacts/add/": Page("supplier", A_WRITE),
    "suppliers/<int:pk>/contacts/<int:item_pk>/edit/": Page("supplier", A_WRITE),
    "suppliers/<int:pk>/contacts/<int:item_pk>/delete/": Page("supplier", A_WRITE),
    # Questionnaires are buyer staff's; agency A's own version is A's alone. The world's
    # version is published, so its question's edit page leads back to the version.
    "questionnaires/": Page(None, BUYER_PAGE),
    "questionnaires/upload/": Page(None, BUYER_MANAGERS_PAGE),
    "questionnaires/versions/<int:pk>/": Page("version", S(302, 200, 200, 200, 403, 403, 403, 404)),
    "questionnaires/versions/<int:pk>/xlsform/": Page(
        "version", S(302, 200, 200, 200, 403, 403, 403, 404)
    ),
    "questionnaires/versions/<int:pk>/publish/": PostOnly(
        "version", {"olga": 403, "bob": 403, "carol": 403, "ivan": 403, "dave": 404}
    ),
    "questionnaires/versions/<int:pk>/new-draft/": PostOnly(
        "version", {"olga": 403, "bob": 403, "carol": 403, "ivan": 403, "dave": 404}
    ),
    "questionnaires/questions/<int:pk>/edit/": Page(
        "question", S(302, 302, 403, 302, 403, 403, 403, 404)
    ),
    # Programmes: buyer staff; suppliers see theirs under "mine" and the enrolment's pages.
    "programmes/": Page(None, S(302, 200, 200, 200, 302, 302, 403, 200)),
    "programmes/new/": Page(None, BUYER_MANAGERS_PAGE),
    "programmes/mine/": Page(None, S(302, 302, 302, 302, 200, 200, 403, 302)),
    "programmes/<int:pk>/": Page("programme", A_STAFF_OBJECT),
    "programmes/<int:pk>/edit/": Page("programme", A_MANAGERS_OBJECT),
    "programmes/<int:pk>/open/": PostOnly("programme", {"olga": 403, "bob": 403, **OUTSIDERS_404}),
    "programmes/<int:pk>/close/": PostOnly("programme", {"olga": 403, "bob": 403, **OUTSIDERS_404}),
    "programmes/<int:pk>/enrol/": Page("programme", A_MANAGERS_OBJECT),
    "programmes/<int:pk>/invite/": Page("programme", A_MANAGERS_OBJECT),
    "programmes/<int:pk>/remind/": PostOnly(
        "programme", {"olga": 403, "bob": 403, **OUTSIDERS_404}
    ),
    "programmes/enrolments/<int:pk>/": Page("enrolment", A_STAFF_OBJECT),
    "programmes/enrolments/<int:pk>/withdraw/": Page("enrolment", A_MANAGERS_OBJECT),
    # Self-assessment: Bright's people answer; agency A's staff review.
    "assessments/": Page(None, SUPPLIER_PAGE),
    "assessments/<int:pk>/": Page("assessment", BRIGHT_ANSWERS),
    "assessments/<int:pk>/themes/<str:code>/": Page("assessment", BRIGHT_ANSWERS),
    "assessments/<int:pk>/answer/": PostOnly(
        "assessment", {"alice": 403, "olga": 403, "oscar": 403, **OUTSIDERS_404}
    ),
    "assessments/<int:pk>/check/": Page("assessment", BRIGHT_ANSWERS),
    "assessments/<int:pk>/submissions/<int:number>/": Page("assessment", BRIGHT_ANSWERS),
    "assessments/<int:pk>/prefill/": PostOnly(
        "assessment", {"alice": 302, "olga": 302, "oscar": 302, **OUTSIDERS_404}
    ),
    "assessments/<int:pk>/print/": Page("assessment", A_OBJECT),
    "assessments/<int:pk>/review/": Page("assessment", S(302, 200, 200, 200, 302, 404, 404, 404)),
    "assessments/<int:pk>/compare/<int:a>/<int:b>/": Page("assessment", A_OBJECT),
    # Evidence: Bright's library; agency A's staff download what is attached to answers.
    "evidence/": Page(None, SUPPLIER_PAGE),
    "evidence/<int:pk>/edit/": Page("document", S(302, 403, 403, 403, 200, 404, 404, 404)),
    "evidence/<int:pk>/download/": Page("document", A_OBJECT),
    # API pages: the schema and docs are public; tokens are each person's own, webhooks
    # the buyer managers'.
    "api/schema/": Page(None, ANYONE, public_once=True),
    "api/docs/": Page(None, ANYONE),
    "api/tokens/": Page(None, SIGNED_IN),
    "api/tokens/<int:pk>/revoke/": PostOnly("token", {"olga": 404, "bob": 404, **OUTSIDERS_404}),
    "api/webhooks/": Page(None, BUYER_MANAGERS_PAGE),
    "api/webhooks/<int:pk>/": Page("webhook", S(302, 200, 403, 200, 403, 403, 403, 404)),
    "api/webhooks/<int:pk>/delete/": PostOnly(
        "webhook", {"olga": 403, "bob": 403, "carol": 403, "ivan": 403, "dave": 404}
    ),
    # Scores, appeals and feedback of the scored assessment.
    "scoring/assessments/<int:pk>/": Page("scored", A_OBJECT),
    "scoring/assessments/<int:pk>/appeal/": Page(
        "scored", S(302, 403, 403, 403, 200, 404, 404, 404)
    ),
    "scoring/programmes/<int:pk>/appeals/": Page("scored_programme", A_MANAGERS_OBJECT),
    "scoring/appeals/<int:pk>/": Page("appeal", A_MANAGERS_OBJECT),
    "feedback/<int:pk>/": Page("scored", A_OBJECT),
    "feedback/<int:pk>/pdf/": Page("scored", A_OBJECT),
    "feedback/<int:pk>/pdf/download/": Page("scored", A_OBJECT),
    # Risk: the model is every buyer's; a programme's dashboard is its buyer's staff's.
    # Inspections (insp11): the world's inspection is approved, by a body Ivan is not in.
    "inspections/": Page(None, SIGNED_IN),
    "inspections/new/": Page(None, BUYER_MANAGERS_PAGE),
    "inspections/programmes/<int:pk>/queue/": Page("programme", A_MANAGERS_OBJECT),
    "inspections/<int:pk>/": Page("inspection", A_OBJECT),
    "inspections/<int:pk>/report/": Page("inspection", A_OBJECT),
    "inspections/<int:pk>/report.pdf": Page("inspection", A_OBJECT),
    "inspections/attachments/<int:pk>/": Page("inspection_photo", A_OBJECT),
    **{
        f"inspections/<int:pk>/{verb}/": PostOnly("inspection", INSPECTION_DONE)
        for verb in (
            "team",
            "schedule",
            "declare",
            "start",
            "submit",
            "forward",
            "return",
            "approve",
            "cancel",
        )
    },
    "risk/models/": Page(None, BUYER_PAGE),
    "risk/suppliers/<int:pk>/": Page("supplier", A_OBJECT),
    "risk/programmes/<int:pk>/": Page("programme", A_STAFF_OBJECT),
    "risk/programmes/<int:pk>/overrides/": Page("programme", A_STAFF_OBJECT),
    # Inspection field work: Ivan's assigned inspection (of Harbour Garments, not Bob's
    # company); agency A's staff read it; the programme's managers set its criteria.
    "inspections/field/sw.js": Page(None, ANYONE),
    "inspections/field/<int:pk>/": Page("field_inspection", FIELD_WORK),
    "inspections/field/<int:pk>/sync/": PostOnly(
        "field_inspection",
        {"alice": 403, "olga": 403, "oscar": 403, "bob": 404, "carol": 404, "dave": 404},
    ),
    "inspections/field/attachments/<int:pk>/": Page("field_photo", FIELD_WORK),
    "inspections/field/items/<int:pk>/documents/<int:number>/": Page("field_item", FIELD_WORK),
    "inspections/field/programmes/<int:pk>/criteria/": Page("programme", A_MANAGERS_OBJECT),
    "inspections/field/criteria/<int:pk>/": Page("field_criterion", A_MANAGERS_OBJECT),
    # Certificates: the programme's completion is its buyer's staff's (managers issue); a
    # certificate is the buyer's staff's and the certified supplier's; verification is public.
    "certificates/mine/": Page(None, SUPPLIER_PAGE),
    "certificates/programmes/<int:pk>/": Page("programme", A_STAFF_OBJECT),
    "certificates/programmes/<int:pk>/issue/": PostOnly(
        "programme", {"olga": 403, "bob": 403, **OUTSIDERS_404}
    ),
    "certificates/programmes/<int:pk>/policy/": Page("programme", A_MANAGERS_OBJECT),
    "certificates/<int:pk>/": Page("certificate", A_OBJECT),
    "certificates/<int:pk>/revoke/": Page("certificate", A_MANAGERS_OBJECT),
    "certificates/<int:pk>/pdf/": Page("certificate", A_OBJECT),
    "certificates/<int:pk>/pdf/retry/": PostOnly(
        "certificate", {"olga": 403, "bob": 403, **OUTSIDERS_404}
    ),
    "verify/": Page(None, ANYONE),
    "verify/<str:code>/": Page(None, ANYONE),  # an unknown code: the neutral answer
    # Trainings: agency A's published event for the programme Bright is in (Cedar is not);
    # Li Lei of Bright is registered and was present. Buyers organise; suppliers register.
    "trainings/": Page(None, S(302, 200, 200, 200, 200, 200, 403, 200)),
    "trainings/events/new/": Page(None, BUYER_MANAGERS_PAGE),
    "trainings/events/<int:pk>/": Page("training_event", A_OBJECT),
    "trainings/events/<int:pk>/edit/": Page("training_event", A_MANAGERS_OBJECT),
    "trainings/events/<int:pk>/publish/": PostOnly(
        "training_event", {"olga": 403, "bob": 403, **OUTSIDERS_404}
    ),
    "trainings/events/<int:pk>/cancel/": PostOnly(
        "training_event", {"olga": 403, "bob": 403, **OUTSIDERS_404}
    ),
    "trainings/events/<int:pk>/sessions/new/": Page("training_event", A_MANAGERS_OBJECT),
    "trainings/events/<int:pk>/participants/": Page("training_event", A_STAFF_OBJECT),
    "trainings/events/<int:pk>/participants/export/": Page("training_event", A_STAFF_OBJECT),
    "trainings/sessions/<int:pk>/": Page("training_session", A_OBJECT),
    "trainings/sessions/<int:pk>/edit/": Page("training_session", A_MANAGERS_OBJECT),
    "trainings/sessions/<int:pk>/register/": PostOnly(
        "training_session", {"alice": 403, "olga": 403, "oscar": 403, **OUTSIDERS_404}
    ),
    "trainings/sessions/<int:pk>/attendance/": Page("training_session", A_MANAGERS_OBJECT),
    "trainings/registrations/": Page(None, SUPPLIER_PAGE),
    "trainings/registrations/<int:pk>/cancel/": PostOnly(
        "registration", {"olga": 403, **OUTSIDERS_404}
    ),
    "trainings/registrations/<int:pk>/calendar.ics": Page("registration", A_OBJECT),
    "trainings/registrations/<int:pk>/certificate/": Page("registration", A_OBJECT),
    "trainings/resources/": Page(None, S(302, 200, 200, 200, 200, 200, 403, 200)),
    "trainings/resources/new/": Page(None, BUYER_MANAGERS_PAGE),
    # Cedar is in agency A's registry, so it reads A's library (but edits nothing).
    "trainings/resources/<int:pk>/edit/": Page(
        "resource", S(302, 200, 403, 200, 403, 403, 404, 404)
    ),
    "trainings/resources/<int:pk>/delete/": PostOnly(
        "resource", {"olga": 403, "bob": 403, "carol": 403, "ivan": 404, "dave": 404}
    ),
    # Corrective actions: Bright's people work on theirs; agency A's managers decide.
    "actions/": Page(None, S(302, 200, 200, 200, 200, 200, 403, 200)),
    "actions/export/": Page(None, S(302, 200, 200, 200, 200, 200, 403, 200)),
    "actions/remind/": PostOnly(None, {"olga": 403, "bob": 403, "carol": 403, "ivan": 403}),
    "actions/programmes/<int:pk>/policy/": Page("programme", A_MANAGERS_OBJECT),
    "actions/<int:pk>/": Page("action", A_OBJECT),
    "actions/<int:pk>/documents/<int:item_pk>/": Page("action", A_OBJECT),
    "actions/<int:pk>/plan/": PostOnly(
        "action", {"alice": 403, "olga": 403, "oscar": 403, **OUTSIDERS_404}
    ),
    "actions/<int:pk>/progress/": PostOnly(
        "action", {"alice": 403, "olga": 403, "oscar": 403, **OUTSIDERS_404}
    ),
    "actions/<int:pk>/review/": PostOnly("action", {"olga": 403, "bob": 403, **OUTSIDERS_404}),
    "actions/<int:pk>/verify/": PostOnly("action", {"olga": 403, "bob": 403, **OUTSIDERS_404}),
    "actions/<int:pk>/follow-up/": PostOnly("action", {"olga": 403, "bob": 403, **OUTSIDERS_404}),
    "actions/<int:pk>/cancel/": PostOnly("action", {"olga": 403, "bob": 403, **OUTSIDERS_404}),
    "actions/<int:pk>/reopen/": PostOnly("action", {"olga": 403, "bob": 403, **OUTSIDERS_404}),
}

# What only agency A's staff and Bright's people may read: no page shown to Carol, Ivan or
# Dave may contain any of it.
A_SECRETS = ("Bright Textiles", "Labour policy", "LTA-1", "erp.agency-a.org", "Fix the fire exits")


def web_routes() -> dict[str, URLPattern]:
    found: dict[str, URLPattern] = {}

    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern) and not route.startswith(EXCLUDED_PREFIXES):
                found[route] = p

    walk(get_resolver().url_patterns)
    return found


def url_for(route: str, entry: Page | PostOnly, world: dict) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name == "pk":
            return str(world[entry.obj].pk)
        if name == "supplier_pk":
            return str(world["supplier"].pk)
        if name == "item_pk":  # suppliers/<pk>/<kind>s/<item_pk>/...
            return str(world[route.split("/")[2].removesuffix("s")].pk)
        if name == "token":
            return world["invitation_token"] if "invitation" in route else "set-password"
        return {"code": "labour", "number": "1", "a": "1", "b": "1", "uidb64": "MQ"}[name]

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", value, route)


def test_every_web_route_has_an_entry():
    routes = set(web_routes())
    missing = sorted(routes - set(ROUTES))
    assert not missing, (
        f"New web routes {missing}: add each to ROUTES in {__name__.replace('.', '/')}.py "
        "with the object its <pk> names and the status every persona gets."
    )
    assert not set(ROUTES) - routes, f"ROUTES names routes that are gone: {set(ROUTES) - routes}"


@pytest.fixture
def clients(personas, client_as):
    return {name: client_as(user) for name, user in personas.items()}


def test_every_page_answers_every_persona_as_declared(world, clients):
    world["scored_programme"] = world["scored"].enrolment.programme
    wrong = []
    for route, entry in ROUTES.items():
        if not isinstance(entry, Page):
            continue
        url = url_for(route, entry, world)
        expected_by = {"anonymous": entry.get["anonymous"]} if entry.public_once else entry.get
        for name, expected in expected_by.items():
            response = clients[name].get(url)
            if response.status_code != expected:
                wrong.append(f"{name} GET {url} ({route}): {response.status_code}, not {expected}")
                continue
            if expected != 200 or name not in ("carol", "ivan", "dave"):
                continue
            body = b"".join(response) if response.streaming else response.content
            text = body.decode(errors="replace")
            leaked = [secret for secret in A_SECRETS if secret in text]
            if leaked:
                wrong.append(f"{name} GET {url} shows agency A's {leaked}")
    assert not wrong, "\n".join(wrong)


def test_post_only_routes_refuse_a_get_and_the_wrong_personas(world, clients):
    world["scored_programme"] = world["scored"].enrolment.programme
    wrong = []
    for route, entry in ROUTES.items():
        if not isinstance(entry, PostOnly):
            continue
        url = url_for(route, entry, world)
        for name in PERSONAS:
            expected = entry.anonymous_get if name == "anonymous" else 405
            status = clients[name].get(url).status_code
            if status != expected:
                wrong.append(f"{name} GET {url} ({route}): {status}, not {expected}")
        for name, expected in {"anonymous": 302, **entry.refused}.items():
            if route == "accounts/sign-out/" and name != "anonymous":
                continue
            status = clients[name].post(url, {}).status_code
            if status != expected:
                wrong.append(f"{name} POST {url} ({route}): {status}, not {expected}")
    assert not wrong, "\n".join(wrong)
    # The refused posts changed nothing of agency A's.
    world["invitation"].refresh_from_db()
    world["programme"].refresh_from_db()
    world["token"].refresh_from_db()
    world["version"].refresh_from_db()
    assert world["invitation"].revoked_at is None
    assert world["programme"].status == "open"
    assert world["token"].revoked_at is None
    assert world["version"].is_published
    assert world["webhook"].__class__.objects.filter(pk=world["webhook"].pk).exists()
    assert not world["assessment"].answers.exists()


def test_every_html_page_is_free_of_inline_code(world, clients):
    """The Content-Security-Policy forbids inline script and style: no page may need them."""
    world["scored_programme"] = world["scored"].enrolment.programme
    found = []
    for route, entry in ROUTES.items():
        if not isinstance(entry, Page) or entry.public_once:
            continue
        url = url_for(route, entry, world)
        name = next((n for n, status in entry.get.items() if status == 200), None)
        if name is None:
            continue
        response = clients[name].get(url)
        if response.streaming or "text/html" not in response["Content-Type"]:
            continue
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        problems = inline_code(response.content.decode())
        if problems:
            found.append(f"{name} GET {url}: {problems}")
    assert not found, "\n".join(found)
