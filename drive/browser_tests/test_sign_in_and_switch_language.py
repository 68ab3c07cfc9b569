"""Alice signs in through the form, switches DRiVE to Chinese, and signs out."""

from __future__ import annotations

from django.urls import reverse


def test_alice_signs_in_switches_to_chinese_and_signs_out(page, sign_in, alice):
    sign_in(page, alice)
    assert page.locator("h1").inner_text() == "Welcome, Alice"
    assert page.locator("html").get_attribute("lang") == "en"

    with page.expect_navigation():
        page.locator("#language-select").select_option("zh-hans")

    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("#language-select").input_value() == "zh-hans"
    assert page.locator("h1").inner_text() == "欢迎，Alice"
    alice.refresh_from_db()
    assert alice.language == "zh-hans"

    page.locator(".account-menu summary").click()
    page.locator(f"form[action='{reverse('accounts:logout')}'] button").click()
    page.wait_for_url(f"**{reverse('accounts:login')}")
    # The sign-in page keeps the language Alice chose.
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("input[name=username]").is_visible()
