"""/api/v1/notifications/: the signed-in person's notifications only."""

from __future__ import annotations

from drive.notifications.models import Notification


def make(user, subject: str) -> Notification:
    return Notification.objects.create(
        recipient=user,
        kind="assessment.accepted",
        subject=subject,
        body="Text",
        link="/assessments/3/",
        language="en",
    )


def test_list_holds_own_notifications_newest_first(api_as, bob, carol):
    first, second = make(bob, "First"), make(bob, "Second")
    make(carol, "Carol's")
    rows = api_as(bob).get("/api/v1/notifications/").json()["results"]
    assert [(r["id"], r["subject"], r["unread"]) for r in rows] == [
        (second.pk, "Second", True),
        (first.pk, "First", True),
    ]
    assert rows[0]["link"] == "/assessments/3/" and rows[0]["kind"] == "assessment.accepted"


def test_unread_filter_and_mark_read(api_as, bob):
    first, second = make(bob, "First"), make(bob, "Second")
    client = api_as(bob)
    response = client.post(f"/api/v1/notifications/{first.pk}/read/")
    assert response.status_code == 200 and response.json()["unread"] is False
    rows = client.get("/api/v1/notifications/?unread=true").json()["results"]
    assert [r["id"] for r in rows] == [second.pk]
    response = client.post("/api/v1/notifications/read-all/")
    assert response.json() == {"marked": 1, "unread": 0}


def test_another_persons_notification_is_not_found(api_as, bob, carol, dave, alice):
    notice = make(bob, "Bob's")
    for user in (carol, dave, alice):
        client = api_as(user)
        assert client.get(f"/api/v1/notifications/{notice.pk}/").status_code == 404
        response = client.post(f"/api/v1/notifications/{notice.pk}/read/")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
        client.post("/api/v1/notifications/read-all/")
    notice.refresh_from_db()
    assert notice.read_at is None


def test_read_only_token_cannot_mark_read(api_as, bob):
    notice = make(bob, "Bob's")
    client = api_as(bob, scope="read")
    assert client.get(f"/api/v1/notifications/{notice.pk}/").status_code == 200
    assert client.post(f"/api/v1/notifications/{notice.pk}/read/").status_code == 403
    notice.refresh_from_db()
    assert notice.read_at is None
