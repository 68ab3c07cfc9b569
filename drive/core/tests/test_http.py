"""The shared 403 page and query-string helper."""

from __future__ import annotations

from django.http import QueryDict
from django.test import RequestFactory

from drive.core.http import forbidden, querystring_without


def test_forbidden_page_says_why(alice):
    request = RequestFactory().get("/somewhere/")
    request.user = alice
    response = forbidden(request, "Only programme managers can do this.")
    assert response.status_code == 403
    assert "Only programme managers can do this." in response.content.decode()


def test_querystring_without_drops_keys_and_leaves_room_for_one_more():
    params = QueryDict("q=cotton&page=3&sector=43&sector=55")
    assert querystring_without(params, "page") == "q=cotton&sector=43&sector=55&"
    assert querystring_without(QueryDict("page=2"), "page") == ""
