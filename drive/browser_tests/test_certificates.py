"""Alice certifies every supplier of her programme who qualifies in one click; an
anonymous visitor then opens the address one certificate's QR code encodes and reads that
it is valid."""

from __future__ import annotations

from django.urls import reverse

from drive.actions.models import ActionStatus
from drive.certificates.models import Certificate
from drive.certificates.tasks import certificate_html, qr_data_uri, verification_url
from drive.certificates.testing import make_action, make_completed
from drive.factories import SupplierFactory


def test_manager_certifies_in_bulk_and_a_visitor_verifies_through_the_qr_link(
    page, browser, live_server, sign_in, alice, agency, bright, settings, tmp_path
):
    settings.SITE_URL = live_server.url
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    completed = make_completed(supplier=bright)
    programme = completed.programme
    make_completed(
        supplier=SupplierFactory(buyer=agency, legal_name="Jade River Ceramics"),
        programme=programme,
    )
    blocked = make_completed(
        supplier=SupplierFactory(buyer=agency, legal_name="Cedar Dyeing Works"),
        programme=programme,
    )
    make_action(blocked, status=ActionStatus.CHANGES_REQUESTED)

    sign_in(page, alice)
    page.goto(reverse("programmes:detail", args=[programme.pk]))
    page.get_by_role("link", name="See which criteria each supplier meets").click()
    page.wait_for_url(f"**{reverse('certificates:completion', args=[programme.pk])}")
    cedar = page.get_by_role("row").filter(has_text="Cedar Dyeing Works")
    assert "Corrective actions verified closed" in cedar.inner_text()
    page.get_by_role("button", name="Certify all 2 suppliers who qualify").click()
    assert "2 certificates issued" in page.locator(".messages").inner_text()
    assert "1 supplier was left out" in page.locator(".messages").inner_text()
    assert Certificate.objects.count() == 2

    certificate = Certificate.objects.get(supplier=bright)
    page.get_by_role("link", name=certificate.number).click()
    assert "Download the PDF" in page.locator("main").inner_text()

    # The QR code printed on the certificate encodes this address.
    url = verification_url(certificate)
    assert qr_data_uri(url) in certificate_html(certificate)
    visitor = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    visitor.goto(url)
    result = visitor.locator(".verification").inner_text()
    assert "This certificate is valid" in result
    assert certificate.number in result and "明亮纺织有限公司" in result
    visitor.context.close()
