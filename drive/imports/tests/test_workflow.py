"""The compare-and-set transition helper (STYLE.md §4)."""

from __future__ import annotations

import pytest
from django.utils import translation

from drive.audit.models import AuditEvent
from drive.audit.workflow import transition
from drive.core.errors import InvalidTransition
from drive.imports.models import ALLOWED_MOVES, ImportJob


@pytest.fixture
def job(agency):
    return ImportJob.objects.create(buyer=agency, original_name="a.csv", file="imports/a.csv")


def test_allowed_move_updates_the_row_and_writes_the_audit_event(job, alice):
    transition(
        job,
        to="validating",
        allowed=ALLOWED_MOVES,
        by=alice,
        action="import.validating",
        changes={"processed": 3},
    )
    job.refresh_from_db()
    assert (job.status, job.processed) == ("validating", 3)
    event = AuditEvent.objects.get()
    assert (event.actor, event.from_state, event.to_state) == (alice, "uploaded", "validating")


def test_move_not_in_the_table_is_refused(job, alice):
    with pytest.raises(InvalidTransition):
        transition(job, to="done", allowed=ALLOWED_MOVES, by=alice, action="import.done")
    assert not AuditEvent.objects.exists()


def test_stale_copy_loses_the_race(job, alice):
    stale = ImportJob.objects.get(pk=job.pk)
    transition(job, to="validating", allowed=ALLOWED_MOVES, by=alice, action="x")
    with pytest.raises(InvalidTransition):
        transition(stale, to="validating", allowed=ALLOWED_MOVES, by=alice, action="x")
    assert AuditEvent.objects.count() == 1


def test_refusal_names_the_statuses_in_the_users_language(job, alice):
    """Chinese users read 已上传, not the stored code "uploaded"."""
    with translation.override("zh-hans"), pytest.raises(InvalidTransition) as refused:
        transition(job, to="done", allowed=ALLOWED_MOVES, by=alice, action="import.done")
    assert refused.value.message == "无法从“已上传”变更为“已导入”。"
    assert "uploaded" not in refused.value.message
