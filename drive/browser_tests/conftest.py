"""Browser tests: Playwright's sync API driving Debian's Chromium against ``live_server``.

Every test in this folder is marked ``browser``. Reusable fixtures:

- ``browser``: one headless Chromium per test process (``/usr/bin/chromium``; Playwright
  never downloads a browser of its own here);
- ``page``: a fresh browser context (no cookies) with ``base_url`` set to the live server,
  so ``page.goto("/accounts/sign-in/")`` works; the database is transactional because
  the live server answers from another thread;
- ``sign_in(page, user)``: signs a persona in through the real form (factory password);
  people who must use two-factor authentication get a test authenticator and type its
  current code on the next page, as a person would.

``make test`` installs Chromium when it is missing; without it these tests fail and say
what to install.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.urls import reverse

CHROMIUM = Path(os.environ.get("DRIVE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FACTORY_PASSWORD = "correct horse battery"  # drive.factories.UserFactory


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}. Install Debian's package: "
            "`sudo apt-get install -y chromium` (make test does it when it may).",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls that the
    # test itself makes (factories, assertions) are still plain synchronous code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


REFERENCE_DATA = (  # rows the data migrations load; a transactional test's flush empties them
    ("drive.suppliers.migrations.0002_load_unspsc_segments", "load_unspsc_segments"),
    ("drive.scoring.migrations.0002_default_method", "publish_default"),
    ("drive.risk.migrations.0002_default_risk_model", "create"),
    ("drive.suppliers.migrations.0005_imp10_name_key_sector_synonyms", "load_sector_synonyms"),
)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a browser test's flush (its fixtures are torn down by now), load the data
    migrations' reference rows again for the tests that run next in this process."""
    yield
    if nextitem is None:  # the last test: the test database is gone with the session
        return
    from importlib import import_module

    from django.apps import apps
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        for module, function in REFERENCE_DATA:
            getattr(import_module(module), function)(apps, None)


@pytest.fixture
def page(browser, live_server, transactional_db) -> Iterator:
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def sign_in() -> Callable:
    from drive.accounts.permissions import two_factor_required
    from drive.accounts.testing import current_code, give_authenticator

    def sign_in(page, user, password: str = FACTORY_PASSWORD) -> None:
        device = give_authenticator(user) if two_factor_required(user) else None
        page.goto(reverse("accounts:login"))
        page.locator("input[name=username]").fill(user.email)
        page.locator("input[name=password]").fill(password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(lambda url: "sign-in" not in url)
        if device is not None:
            page.wait_for_url(lambda url: "two-factor/verify" in url)
            page.locator("input[name=code]").fill(current_code(device))
            page.locator("main form button[type=submit]").first.click()
            page.wait_for_url(lambda url: "two-factor" not in url)

    return sign_in


@pytest.fixture
def go_offline() -> Callable:
    """Cut a page's connection and wait until the page itself knows (``navigator.onLine``).
    The page learns it a moment after the context goes offline: work recorded in between is,
    rightly, sent at once, and a test of offline work would then find it on the server."""

    def offline(page) -> None:
        page.context.set_offline(True)
        page.wait_for_function("() => !navigator.onLine")

    return offline
