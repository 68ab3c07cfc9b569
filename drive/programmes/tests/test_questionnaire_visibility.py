"""Which questionnaire versions a supplier reads: those of the programmes its company is
enrolled in (questionnaires' selectors, tested here because they need programmes, which sit
above questionnaires: docs/architecture.md)."""

from __future__ import annotations

from drive.programmes.models import Enrolment
from drive.questionnaires.models import Questionnaire
from drive.questionnaires.selectors import version_visible_to, versions_for_programme


def test_suppliers_read_the_versions_of_their_programmes(
    version, draft_programme, bob, carol, bright, ivan
):
    Enrolment.objects.create(programme=draft_programme, supplier=bright)
    assert list(version_visible_to(bob)) == [version]
    assert list(version_visible_to(carol)) == []
    assert list(version_visible_to(ivan)) == []
    assert Questionnaire.objects.count() == 1


def test_an_enrolled_supplier_still_never_chooses_a_programmes_version(
    version, draft_programme, bob, bright
):
    Enrolment.objects.create(programme=draft_programme, supplier=bright)
    assert list(versions_for_programme(bob)) == []
    assert list(versions_for_programme(bob, drafts=True)) == []
