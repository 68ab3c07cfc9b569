"""Background tasks (django-tasks): after commit, retried with back-off, never undoing the
state change, never failing the request that queued them.

The in-process backends (``sync`` in tests, ``thread`` under ``make run``) and the
production path (django-tasks-rq on the real Redis at 127.0.0.1:6379, run by an
in-process RQ ``SimpleWorker``) are exercised with the same small tasks defined below.
"""

from __future__ import annotations

import logging
import threading

import django_rq
import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import transaction
from django_tasks_rq import Job
from rq import SimpleWorker
from rq.job import JobStatus

from drive.core import tasks
from drive.core.tasks import task
from drive.factories import BuyerFactory
from drive.organisations.models import Organisation

ATTEMPTS: list[int] = []
THREAD_RAN = threading.Event()


@task
def rename_organisation(organisation_id: int, name: str) -> None:
    Organisation.objects.filter(pk=organisation_id).update(name=name)


@task
def always_fails(organisation_id: int) -> None:
    ATTEMPTS.append(organisation_id)
    raise ConnectionRefusedError("the mail server is down")


@task
def fails_twice_then_renames(organisation_id: int, name: str) -> None:
    ATTEMPTS.append(organisation_id)
    if len(ATTEMPTS) < 3:
        raise TimeoutError("slow partner")
    rename_organisation.call(organisation_id, name)


@task
def signal_thread_ran() -> None:
    THREAD_RAN.set()


@task
def send_welcome(organisation_id: int) -> None:
    organisation = Organisation.objects.get(pk=organisation_id)
    mail.send_mail(f"Welcome {organisation.name}", "Hello", None, ["admin@example.org"])


def backend(settings, kind: str) -> None:
    settings.TASKS = {"default": {"BACKEND": settings.TASK_BACKENDS[kind]}}


@pytest.fixture(autouse=True)
def _reset_attempts():
    ATTEMPTS.clear()
    THREAD_RAN.clear()


# --- In-process (sync) backend -------------------------------------------------------------


def test_task_runs_only_after_the_transaction_commits(db, django_capture_on_commit_callbacks):
    org = BuyerFactory(name="Before")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        tasks.enqueue(rename_organisation, org.pk, "After")
        org.refresh_from_db()
        assert org.name == "Before"
    org.refresh_from_db()
    assert org.name == "After"


def test_task_is_dropped_when_the_transaction_rolls_back(db, django_capture_on_commit_callbacks):
    org = BuyerFactory(name="Before")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        tasks.enqueue(rename_organisation, org.pk, "After")
        raise RuntimeError("the service failed")
    assert callbacks == []
    org.refresh_from_db()
    assert org.name == "Before"


def test_a_task_is_an_object_not_a_dotted_string(db):
    with pytest.raises(TypeError, match="is not a @task"):
        tasks.enqueue("drive.core.tests.test_tasks.backend", 1)


def test_failing_task_is_retried_then_logged_without_raising(
    db, settings, caplog, django_capture_on_commit_callbacks
):
    settings.TASKS_MAX_ATTEMPTS = 3
    org = BuyerFactory()
    with (
        caplog.at_level(logging.WARNING, logger="drive.core.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.enqueue(always_fails, org.pk)
    assert len(ATTEMPTS) == 3
    assert set(ATTEMPTS) == {org.pk}
    ours = [r for r in caplog.records if r.name == "drive.core.tasks"]
    assert [r.levelname for r in ours] == ["WARNING", "WARNING", "ERROR"]
    assert "always_fails failed after 3 attempts" in ours[-1].getMessage()
    assert "the mail server is down" in ours[-1].getMessage()


def test_retry_succeeds_after_transient_failures(db, django_capture_on_commit_callbacks):
    org = BuyerFactory(name="Before")
    with django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue(fails_twice_then_renames, org.pk, "After")
    assert len(ATTEMPTS) == 3
    org.refresh_from_db()
    assert org.name == "After"


def test_back_off_doubles_between_attempts(settings):
    settings.TASKS_MAX_ATTEMPTS = 5
    settings.TASKS_BACKOFF_SECONDS = 30
    assert tasks.backoff_intervals() == [30, 60, 120, 240]


def test_failing_email_never_undoes_the_state_change(
    db, caplog, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(self, messages):
        raise ConnectionRefusedError("SMTP server refused the connection")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    org = BuyerFactory(name="Before")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Organisation.objects.filter(pk=org.pk).update(name="Approved")
        tasks.enqueue(send_welcome, org.pk)
    org.refresh_from_db()
    assert org.name == "Approved"
    assert mail.outbox == []
    assert "send_welcome failed after 5 attempts" in caplog.text


# --- Thread backend (make run) ---------------------------------------------------------------


def test_thread_backend_runs_the_task_in_the_background(
    db, settings, django_capture_on_commit_callbacks
):
    backend(settings, "thread")
    with django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue(signal_thread_ran)
    assert THREAD_RAN.wait(timeout=10)


# --- RQ on the real Redis (production path) ---------------------------------------------------


@pytest.fixture
def redis_db(redis_tasks):
    return redis_tasks


def queue():
    return django_rq.get_queue("default", job_class=Job)


def burst() -> None:
    """What ``manage.py worker`` does, in this process (the job shares the test's database)."""
    django_rq.get_worker("default", job_class=Job, worker_class=SimpleWorker).work(burst=True)


@pytest.mark.redis
def test_rq_worker_runs_the_enqueued_task(db, redis_db, django_capture_on_commit_callbacks):
    org = BuyerFactory(name="Before")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        tasks.enqueue(rename_organisation, org.pk, "After")
    assert queue().count == 1
    org.refresh_from_db()
    assert org.name == "Before"  # nothing runs until a worker picks the job up

    burst()

    org.refresh_from_db()
    assert org.name == "After"
    assert queue().count == 0
    assert queue().finished_job_registry.count == 1


@pytest.mark.redis
def test_rq_retries_a_failing_task_then_records_the_failure(
    db, settings, redis_db, django_capture_on_commit_callbacks
):
    settings.TASKS_MAX_ATTEMPTS = 3
    org = BuyerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue(always_fails, org.pk)
    (job_id,) = queue().job_ids
    job = Job.fetch(job_id, connection=redis_db)
    assert job.retries_left == 2
    assert job.retry_intervals == [0, 0]

    burst()

    assert len(ATTEMPTS) == 3
    assert set(ATTEMPTS) == {org.pk}
    job.refresh()
    assert job.get_status() == JobStatus.FAILED
    assert job.retries_left == 0
    assert job_id in queue().failed_job_registry.get_job_ids()


@pytest.mark.redis
def test_rq_jobs_carry_the_task_and_the_back_off_schedule(
    db, settings, redis_db, django_capture_on_commit_callbacks
):
    settings.TASKS_BACKOFF_SECONDS = 30
    settings.TASKS_MAX_ATTEMPTS = 4
    with django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue(rename_organisation, 1, "x")
    (job_id,) = queue().job_ids
    job = Job.fetch(job_id, connection=redis_db)
    assert job.retries_left == 3
    assert job.retry_intervals == [30, 60, 120]
    assert job.func is rename_organisation
    assert job.args == (1, "x")


@pytest.mark.redis
def test_rq_failing_email_never_undoes_the_state_change(
    db, settings, redis_db, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TASKS_MAX_ATTEMPTS = 2

    def refuse(self, messages):
        raise ConnectionRefusedError("SMTP server refused the connection")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    org = BuyerFactory(name="Before")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Organisation.objects.filter(pk=org.pk).update(name="Approved")
        tasks.enqueue(send_welcome, org.pk)
    burst()
    org.refresh_from_db()
    assert org.name == "Approved"
    assert mail.outbox == []
    assert queue().failed_job_registry.count == 1


@pytest.mark.redis
def test_worker_command_processes_the_queue_in_burst_mode(
    db, redis_db, monkeypatch, django_capture_on_commit_callbacks
):
    # The real command forks a child per job; in a test the job must share the test's
    # database transaction, so the same in-process worker class stands in for it.
    from drive.core.management.commands import worker as worker_command

    monkeypatch.setattr(worker_command.Command, "worker_class", SimpleWorker)
    org = BuyerFactory(name="Before")
    with django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue(rename_organisation, org.pk, "After")
    call_command("worker", "--burst")
    org.refresh_from_db()
    assert org.name == "After"


# --- Broker outage ----------------------------------------------------------------------------


def test_unreachable_broker_is_logged_and_later_callbacks_still_run(
    db, redis_unreachable, caplog, django_capture_on_commit_callbacks
):
    org = BuyerFactory(name="Before")
    later: list[str] = []
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Organisation.objects.filter(pk=org.pk).update(name="Approved")
        tasks.enqueue(rename_organisation, org.pk, "After")
        transaction.on_commit(lambda: later.append("ran"))
    org.refresh_from_db()
    assert org.name == "Approved"  # committed, and no exception reached the caller
    assert later == ["ran"]
    assert "Could not queue task drive.core.tests.test_tasks.rename_organisation" in caplog.text
