"""The cohort page of a programme (stages, progress, deadline, filters, query counts) and
the paginated programme lists."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from drive.factories import SupplierFactory
from drive.programmes import services
from drive.programmes.models import Enrolment, Programme, Stage
from drive.programmes.tests.programme_pages import url

# --- cohort page ----------------------------------------------------------------------


def test_cohort_shows_stage_words_progress_and_deadline(client_of, alice, bright, cedar, programme):
    first = services.enrolment_create(programme=programme, supplier=bright, by=alice)
    services.enrolment_create(programme=programme, supplier=cedar, by=alice)
    services.enrolment_move(enrolment=first, to=Stage.ENROLLED, by=alice)

    response = client_of(alice).get(url("detail", programme.pk))
    html = response.content.decode()
    assert ">Enrolled</span>" in html and ">Invited</span>" in html
    assert "Due in 5 days" in html
    assert programme.assessment_deadline.strftime("%Y-%m-%d") in html
    assert '<progress class="progress" max="100" value="0"' in html
    assert "0 of 3 answered" in html
    funnel = {s.stage: s.count for s in response.context["funnel"]}
    assert funnel["invited"] == 1 and funnel["enrolled"] == 1
    assert f'name="enrolments" value="{first.pk}"' in html


def _messy_cohort(programme, alice, agency, bright, cedar) -> list[Enrolment]:
    """Awaited, submitted and withdrawn enrolments, one with activity and a reminder, one
    reminded only, and a name that needs escaping."""
    odd = SupplierFactory(buyer=agency, legal_name='A&B <Trading> "Q"', local_name="<b>x</b>")
    enrolments = services.enrolment_create_many(
        programme=programme, suppliers=[bright, cedar, odd, SupplierFactory(buyer=agency)], by=alice
    )
    services.enrolment_move(enrolment=enrolments[0], to=Stage.ENROLLED, by=alice)
    services.enrolment_move(enrolment=enrolments[1], to=Stage.ENROLLED, by=alice)
    services.enrolment_move(enrolment=enrolments[1], to=Stage.SUBMITTED, by=alice)
    services.enrolment_withdraw(enrolment=enrolments[3], by=alice)
    now = timezone.now()
    Enrolment.objects.filter(pk=enrolments[0].pk).update(
        last_activity_at=now - dt.timedelta(days=3, hours=2),
        last_reminded_at=now - dt.timedelta(days=1),
    )
    Enrolment.objects.filter(pk=enrolments[2].pk).update(last_reminded_at=now)
    return enrolments


def _rows(html: str) -> dict[str, str]:
    """The table's rows by the enrolment link they hold."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = body.split("<tr>")[1:]
    return {re.search(r'href="([^"]+)"', row).group(1): row for row in rows}


def test_cohort_rows_for_a_manager(client_of, alice, agency, bright, cedar, programme):
    """Each row: a select box for awaited suppliers only, the supplier linked to its
    enrolment (names escaped), its stage, progress, deadline and last activity."""
    enrolled, submitted, odd, withdrawn = _messy_cohort(programme, alice, agency, bright, cedar)
    rows = _rows(client_of(alice).get(url("detail", programme.pk)).content.decode())

    row = rows[url("enrolment", enrolled.pk)]
    assert f'name="enrolments" value="{enrolled.pk}" id="remind-{enrolled.pk}"' in row
    assert 'aria-label="Select Bright Textiles Co., Ltd."' in row
    assert '<span class="local-name">明亮纺织有限公司</span>' in row
    assert '<span class="tag">Enrolled</span>' in row
    assert '<td data-label="Progress"><progress class="progress" max="100" value="0"' in row
    assert "0 of 3 answered" in row and "Due in 5 days" in row
    assert re.search(r'<time datetime="[^"]+">3\xa0days, 2\xa0hours ago</time>', row)
    assert "Reminded " in row
    row = rows[url("enrolment", submitted.pk)]
    assert "checkbox" not in row and '<span class="tag tag-ok">Submitted</span>' in row
    assert '<span class="tag tag-warn">Assessment submitted</span>' in row  # the stage
    assert '<span class="muted">None yet</span>' in row
    row = rows[url("enrolment", odd.pk)]
    assert "A&amp;B &lt;Trading&gt; &quot;Q&quot;</a>" in row
    assert 'aria-label="Select A&amp;B &lt;Trading&gt; &quot;Q&quot;"' in row
    assert '<span class="local-name">&lt;b&gt;x&lt;/b&gt;</span>' in row
    row = rows[url("enrolment", withdrawn.pk)]
    assert "checkbox" not in row and '<span class="tag tag-bad">Withdrawn</span>' in row


def test_cohort_rows_in_chinese_without_select_boxes_for_a_viewer(
    client_of, alice, olga, agency, bright, cedar, programme
):
    olga.language = "zh-hans"
    olga.save()
    enrolled, *_others = _messy_cohort(programme, alice, agency, bright, cedar)
    html = client_of(olga).get(url("detail", programme.pk)).content.decode()
    assert "checkbox" not in html
    row = _rows(html)[url("enrolment", enrolled.pk)]
    assert '<td data-label="供应商">' in row and '<td data-label="最近活动">' in row
    assert 'aria-label="已回答的问题"' in row
    assert "已回答 0 / 3" in row
    assert re.search(r"<time [^>]+>3\xa0日，2\xa0小时前</time>", row)
    assert "已于 " in row and " 提醒" in row


def test_cohort_filters(client_of, alice, bright, cedar, programme):
    services.enrolment_create(programme=programme, supplier=bright, by=alice)
    moved = services.enrolment_create(programme=programme, supplier=cedar, by=alice)
    services.enrolment_withdraw(enrolment=moved, by=alice)
    client = client_of(alice)

    def names(**params):
        response = client.get(url("detail", programme.pk), params)
        return [e.supplier.legal_name for e in response.context["enrolments"]]

    assert names(stage="withdrawn") == [cedar.legal_name]
    assert names(deadline="due_soon") == [bright.legal_name]
    assert names(q="明亮") == [bright.legal_name]
    html = client.get(url("detail", programme.pk), {"q": "nobody"}).content.decode()
    assert "No supplier matches these filters" in html


def test_empty_cohort_tells_alice_to_enrol(client_of, alice, programme):
    html = client_of(alice).get(url("detail", programme.pk)).content.decode()
    assert "No supplier in this programme yet" in html and url("enrol", programme.pk) in html


@pytest.mark.parametrize("size", [3, 30])
def test_cohort_page_query_count_does_not_grow(
    client_of, alice, agency, programme, size, django_assert_max_num_queries
):
    services.enrolment_create_many(
        programme=programme, suppliers=SupplierFactory.create_batch(size, buyer=agency), by=alice
    )
    client = client_of(alice)
    client.get(url("detail", programme.pk))  # warm the session and content types
    # 12, + the header's unread count, + exact progress (questions, sectors, answers: three
    # queries per page whatever its size) - the size totals only a progress sort needs.
    # + the two-factor check; no COUNT of the page, and one UPDATE that brings the cohort's
    # copy of its suppliers' names and countries up to date (none to copy here).
    with django_assert_max_num_queries(16):
        response = client.get(url("detail", programme.pk))
    assert response.status_code == 200
    assert len(response.context["enrolments"]) == min(size, 25)
    assert f"{size} suppliers" in response.content.decode()  # the funnel's sum


@pytest.mark.parametrize("sort", ["name", "-name", "stage", "-progress", "activity", "-activity"])
def test_alice_pages_through_a_cohort_in_every_sort(client_of, alice, agency, programme, sort):
    """Keyset pages ("Next" carries the last row's position): every supplier once, none
    skipped, whatever the sort, including names that differ only in case and enrolments
    without any activity."""
    names = [f"Supplier {n:02d}" for n in range(27)] + ["SUPPLIER 05", "supplier 05"]
    suppliers = [SupplierFactory(buyer=agency, legal_name=name) for name in names]
    enrolments = services.enrolment_create_many(programme=programme, suppliers=suppliers, by=alice)
    services.enrolment_move(enrolment=enrolments[3], to=Stage.ENROLLED, by=alice)
    Enrolment.objects.filter(pk=enrolments[7].pk).update(last_activity_at="2026-05-01T10:00Z")
    client = client_of(alice)
    seen: list[int] = []
    params: dict[str, str] = {"sort": sort}
    for _page in range(3):
        response = client.get(url("detail", programme.pk), params)
        seen += [e.pk for e in response.context["enrolments"]]
        page = response.context["page"]
        if not page.has_next:
            break
        params = {"sort": sort, "after": page.next_token}
    assert sorted(seen) == sorted(e.pk for e in enrolments)
    assert "29 suppliers" in response.content.decode()
    # "Previous" from the last page gives back the first page's last rows, in order.
    back = client.get(url("detail", programme.pk), {"sort": sort, "before": page.previous_token})
    assert [e.pk for e in back.context["enrolments"]] == seen[:25]


def test_a_filtered_cohort_counts_its_matches(client_of, alice, agency, programme):
    suppliers = [SupplierFactory(buyer=agency, legal_name=f"Lotus {n}") for n in range(3)]
    suppliers.append(SupplierFactory(buyer=agency, legal_name="Delta Works"))
    services.enrolment_create_many(programme=programme, suppliers=suppliers, by=alice)
    html = client_of(alice).get(url("detail", programme.pk), {"q": "lotus"}).content.decode()
    assert "3 suppliers" in html and "Delta Works" not in html


def test_programme_list_is_paginated_25_a_page(
    client_of, alice, agency, version, django_assert_max_num_queries
):
    Programme.objects.bulk_create(
        [
            Programme(
                buyer=agency,
                name=f"Programme {n:02d}",
                questionnaire_version=version,
                created_by=alice,
            )
            for n in range(30)
        ]
    )
    client = client_of(alice)
    client.get(url("list"))  # warm the session and content types
    with django_assert_max_num_queries(10):  # 8 + the header's unread count
        first = client.get(url("list"))
    assert len(first.context["programmes"]) == 25
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(url("list"), {"page": "2"})
    assert len(second.context["programmes"]) == 5
    shown = {p.pk for p in first.context["programmes"]} | {
        p.pk for p in second.context["programmes"]
    }
    assert len(shown) == 30


def test_bobs_programmes_are_paginated_25_a_page(
    client_of, alice, agency, bob, bright, version, django_assert_max_num_queries
):
    programmes = Programme.objects.bulk_create(
        [
            Programme(
                buyer=agency,
                name=f"Programme {n:02d}",
                questionnaire_version=version,
                created_by=alice,
            )
            for n in range(27)
        ]
    )
    Enrolment.objects.bulk_create([Enrolment(programme=p, supplier=bright) for p in programmes])
    client = client_of(bob)
    client.get(url("mine"))
    with django_assert_max_num_queries(10):
        first = client.get(url("mine"))
    assert len(first.context["enrolments"]) == 25
    assert "Page 1 of 2" in first.content.decode()
    assert len(client.get(url("mine"), {"page": "2"}).context["enrolments"]) == 2


def test_cohort_page_costs_eleven_queries(
    client_of, alice, agency, programme, django_assert_num_queries
):
    """The person's three (session, person with their organisation and unread count,
    authenticator; the session is not written on every page), the programme, the funnel,
    the cohort's copy of its suppliers brought up to date, the page (2: found among the
    enrolments, then read with its suppliers), its progress (2: the published
    questionnaire's questions were read by the first view) and the country filter."""
    services.enrolment_create_many(
        programme=programme, suppliers=SupplierFactory.create_batch(3, buyer=agency), by=alice
    )
    client = client_of(alice)
    client.get(url("detail", programme.pk))
    with django_assert_num_queries(11):
        assert client.get(url("detail", programme.pk)).status_code == 200
