"""Helpers of the supplier page tests: a page's address, an autosave, a complete assessment."""

from django.urls import reverse

from drive.evidence import testing as sample
from drive.evidence.services import document_upload


def url(name, assessment, *args):
    return reverse(f"assessments:{name}", args=[assessment.pk, *args])


def autosave(client, assessment, code, value, revision=0):
    values = value if isinstance(value, list) else [value]
    return client.post(
        url("answer", assessment), {"question": code, "value": values, "revision": revision}
    )


def complete(client, assessment, bright, bob):
    autosave(client, assessment, "policy", "yes")
    autosave(client, assessment, "policy_date", "2025-01-15")
    autosave(client, assessment, "workers", "40")
    autosave(client, assessment, "energy", "low")
    document = document_upload(
        supplier=bright,
        file=sample.upload(),
        title="Policy",
        kind="policy",
        valid_until=None,
        by=bob,
    )
    client.post(
        url("theme", assessment, "labour"), {"evidence": "policy", "document-policy": document.pk}
    )
