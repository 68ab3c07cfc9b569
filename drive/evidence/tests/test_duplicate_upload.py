"""Uploading a file whose bytes are already in the library (issue 10): the page says so,
names the document that was used, and offers to keep the new title."""

from urllib.parse import quote

from django.urls import reverse

from drive.evidence import testing as sample
from drive.evidence.models import Document
from drive.evidence.services import document_add
from drive.evidence.tests.test_views import LIBRARY, stored


def test_the_same_bytes_again_keep_one_document_and_say_so(client_of, bright, bob):
    original = stored(bright, bob, title="Labour policy 2025")
    client = client_of(bob)
    response = client.post(
        LIBRARY,
        {"file": sample.upload("policy-copy.pdf"), "title": "Policy (signed)", "kind": "policy"},
        follow=True,
    )
    html = response.content.decode()
    assert Document.objects.count() == 1
    assert "already in your library as “Labour policy 2025”" in html
    assert "no second copy was stored" in html
    edit = reverse("evidence:edit", args=[original.pk])
    assert (
        f"{edit}?title=Policy+%28signed%29" in html.replace("&amp;", "&")
        or quote("Policy (signed)") in html
    )
    assert "Use the new title “Policy (signed)”" in html and "is in your library" not in html

    # Following the offer proposes the new title; saving keeps it.
    form = client.get(edit, {"title": "Policy (signed)"}).content.decode()
    assert 'value="Policy (signed)"' in form
    client.post(edit, {"title": "Policy (signed)", "kind": "policy", "valid_until": ""})
    original.refresh_from_db()
    assert original.title == "Policy (signed)"


def test_the_same_title_is_not_offered_again(bright, bob):
    stored(bright, bob, title="Labour policy")
    outcome = document_add(supplier=bright, file=sample.upload(), title="Labour policy", by=bob)
    assert outcome.duplicate and not outcome.title_differs


def test_a_new_file_is_not_a_duplicate(bright, bob):
    outcome = document_add(supplier=bright, file=sample.upload(), title="Policy", by=bob)
    assert not outcome.duplicate and outcome.document.title == "Policy"
