"""The corrective-action pages: the supplier's list across programmes (most urgent first,
overdue marked), the manager's filtered list, export and bulk reminders, one action's page
with the forms of whoever acts next, the due-date policy page, the home-page panel."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from drive.actions.models import ActionPolicy, ActionStatus, CorrectiveAction
from drive.actions.testing import make_action
from drive.notifications.models import Notification

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _overdue(action, days=3):
    CorrectiveAction.objects.filter(pk=action.pk).update(plan_due=TODAY - dt.timedelta(days=days))


def test_supplier_sees_all_its_actions_most_urgent_first_and_overdue_marked(
    bright, cedar, bob, client_of
):
    later = make_action(supplier=bright, name="Programme one")
    urgent = make_action(supplier=bright, name="Programme two")
    _overdue(urgent)
    make_action(supplier=cedar, name="Cedar's programme")
    CorrectiveAction.objects.filter(pk=later.pk).update(title="Fix the fire exits")
    CorrectiveAction.objects.filter(pk=urgent.pk).update(title="Stop child labour risk")
    page = client_of(bob).get("/actions/").content.decode()
    assert page.index("Stop child labour risk") < page.index("Fix the fire exits")
    assert "Overdue" in page
    assert "Cedar" not in page
    assert page.count('href="/actions/') >= 2


def test_another_supplier_and_another_buyer_get_404_for_the_action(bright, carol, dave, client_of):
    action = make_action(supplier=bright)
    assert client_of(carol).get(f"/actions/{action.pk}/").status_code == 404
    assert client_of(dave).get(f"/actions/{action.pk}/").status_code == 404


def test_manager_filters_by_state_severity_theme_and_overdue(bright, cedar, alice, client_of):
    a = make_action(supplier=bright, name="P1")
    b = make_action(supplier=cedar, name="P2")
    _overdue(b)
    client = client_of(alice)
    assert b.title in client.get("/actions/?overdue=yes").content.decode()
    rows = client.get("/actions/?overdue=yes").context["actions"]
    assert [r.pk for r in rows] == [b.pk]
    rows = client.get(f"/actions/?programme={a.programme_id}&severity=CRITICAL").context["actions"]
    assert [r.pk for r in rows] == [a.pk]
    assert client.get("/actions/?theme=labour&status=open").context["actions"]
    assert not client.get("/actions/?theme=environment").context["actions"]
    response = client.get("/actions/?severity=catastrophic")
    assert "Select a valid choice" in response.content.decode()
    assert not response.context["actions"]


def test_the_list_pages_by_keyset(bright, alice, client_of, monkeypatch):
    from drive.actions import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    made = [make_action(supplier=bright, name=f"Programme {n}") for n in range(3)]
    client = client_of(alice)
    first = client.get("/actions/")
    assert len(first.context["actions"]) == 2
    second = client.get("/actions/?" + first.context["next_query"])
    seen = [a.pk for a in first.context["actions"]] + [a.pk for a in second.context["actions"]]
    assert sorted(seen) == sorted(a.pk for a in made)
    assert client.get("/actions/?after=not-a-cursor").status_code == 404


def test_list_query_counts_do_not_grow_with_the_rows(
    bright, alice, bob, client_of, django_assert_max_num_queries
):
    for n in range(4):
        make_action(supplier=bright, name=f"Programme {n}")
    manager = client_of(alice)
    with django_assert_max_num_queries(10):
        assert manager.get("/actions/").status_code == 200
    supplier = client_of(bob)
    with django_assert_max_num_queries(10):
        assert supplier.get("/actions/").status_code == 200


def test_detail_query_count(bright, bob, client_of, django_assert_max_num_queries):
    action = make_action(supplier=bright)
    supplier = client_of(bob)
    with django_assert_max_num_queries(16):
        assert supplier.get(f"/actions/{action.pk}/").status_code == 200


def test_export_is_formula_safe_and_only_the_users_actions(bright, cedar, bob, alice, client_of):
    mine = make_action(supplier=bright, name="P1")
    CorrectiveAction.objects.filter(pk=mine.pk).update(title='=HYPERLINK("http://x")')
    make_action(supplier=cedar, name="P2")
    response = client_of(bob).get("/actions/export/?format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][3] == '\'=HYPERLINK("http://x")'
    assert "Cedar" not in response.content.decode()
    xlsx = client_of(alice).get("/actions/export/?format=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet.max_row == 3
    titles = [sheet.cell(row=r, column=4) for r in (2, 3)]
    assert all(cell.data_type == "s" for cell in titles)


def test_bulk_reminders_from_the_list(bright, bob, alice, olga, client_of):
    action = make_action(supplier=bright)
    response = client_of(alice).post("/actions/remind/", {"actions": [action.pk]})
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=bob, kind="actions.reminder").count() == 1
    assert client_of(olga).post("/actions/remind/", {"actions": [action.pk]}).status_code == 403


def test_the_web_journey_from_plan_to_approval(bright, bob, alice, client_of):
    action = make_action(supplier=bright)
    url = f"/actions/{action.pk}/"
    supplier = client_of(bob)
    page = supplier.get(url).content.decode()
    assert "Propose your plan" in page
    assert "The supplier proposes a plan." in page
    empty = supplier.post(f"{url}plan/", {})
    assert empty.status_code == 400
    assert "This field is required" in empty.content.decode()
    supplier.post(
        f"{url}plan/",
        {
            "root_cause": "No age check.",
            "measures": "Check IDs.",
            "owner": "HR",
            "target_date": action.closure_due.isoformat(),
        },
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.PLAN_PROPOSED
    assert supplier.post(f"{url}review/", {"decision": "approve"}).status_code == 403
    manager = client_of(alice)
    refused = manager.post(f"{url}review/", {"decision": "changes", "comment": ""})
    assert "Say what must change" in refused.content.decode()
    manager.post(f"{url}review/", {"decision": "approve", "comment": "Fine."})
    action.refresh_from_db()
    assert action.status == ActionStatus.PLAN_APPROVED


def test_follow_up_request_leads_to_the_prefilled_inspection_form(bright, alice, client_of):
    action = make_action(supplier=bright)
    response = client_of(alice).post(f"/actions/{action.pk}/follow-up/")
    assert response.status_code == 302
    assert f"supplier={bright.pk}" in response["Location"]
    assert "type=follow_up" in response["Location"]


def test_the_programme_manager_edits_the_due_dates(bright, alice, bob, client_of):
    action = make_action(supplier=bright)
    programme = action.programme
    page = client_of(alice).get(f"/programmes/{programme.pk}/").content.decode()
    assert f"/actions/?programme={programme.pk}" in page
    listing = client_of(alice).get(f"/actions/?programme={programme.pk}").content.decode()
    assert f"/actions/programmes/{programme.pk}/policy/" in listing
    response = client_of(alice).post(
        f"/actions/programmes/{programme.pk}/policy/",
        {
            "plan_days_critical": 5,
            "plan_days_other": 10,
            "closure_days_critical": 20,
            "closure_days_major": 60,
            "closure_days_minor": 120,
        },
    )
    assert response.status_code == 302
    assert ActionPolicy.objects.get(programme=programme).closure_days_major == 60


def test_the_suppliers_home_page_shows_its_open_actions(bright, bob, client_of):
    action = make_action(supplier=bright)
    page = client_of(bob).get("/").content.decode()
    assert "Your corrective actions" in page
    assert action.title in page
