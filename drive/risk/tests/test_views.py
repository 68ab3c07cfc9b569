"""Risk pages: who sees what (STYLE.md §7: another organisation's object is 404), every
input shown with its source, and a bounded number of queries on the dashboard."""

from __future__ import annotations

import pytest
from django.urls import reverse

from drive.assessments.models import Submission
from drive.assessments.testing import make_enrolment
from drive.audit.models import AuditEvent
from drive.factories import SupplierFactory
from drive.questionnaires.models import Question
from drive.risk.models import RiskOverride
from drive.risk.testing import make_score
from drive.suppliers.models import SupplierSector

pytestmark = pytest.mark.django_db


def test_alice_sees_every_input_and_source_of_brights_risk(
    client_of, alice, bright, reference_data
):
    SupplierSector.objects.create(supplier=bright, sector_id=53)
    response = client_of(alice).get(reverse("risk:supplier", args=[bright.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "61.3" in page and "High" in page
    assert "https://www.ituc-csi.org/global-rights-index" in page
    assert "https://www.transparency.org/en/cpi/2025" in page
    assert "Garments" in page and "Raised by the DOL list" in page


def test_no_data_is_shown_not_zero(client_of, alice, agency, model_v1):
    supplier = SupplierFactory(buyer=agency, country="PR")
    page = client_of(alice).get(reverse("risk:supplier", args=[supplier.pk])).content.decode()
    assert "No data" in page and "Insufficient data" in page


def test_bob_reads_his_own_companys_risk(client_of, bob, bright, model_v1):
    assert client_of(bob).get(reverse("risk:supplier", args=[bright.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["carol", "dave", "ivan"])
def test_others_cannot_see_brights_risk(client_of, bright, persona, request, model_v1):
    user = request.getfixturevalue(persona)
    assert client_of(user).get(reverse("risk:supplier", args=[bright.pk])).status_code == 404


def test_the_panel_on_the_profile_is_for_buyer_staff_only(client_of, alice, bob, bright, model_v1):
    url = reverse("suppliers:detail", args=[bright.pk])
    assert 'id="risk-panel-title"' in client_of(alice).get(url).content.decode()
    assert 'id="risk-panel-title"' not in client_of(bob).get(url).content.decode()


def test_models_page_shows_the_configuration(client_of, olga, bob, model_v1):
    page = client_of(olga).get(reverse("risk:models")).content.decode()
    assert "DRiVE default, version 1" in page and "Corruption Perceptions Index" in page
    assert client_of(bob).get(reverse("risk:models")).status_code == 403


def test_alice_adds_an_override_with_a_reason(client_of, alice, bright, model_v1):
    programme = make_enrolment(supplier=bright).programme
    url = reverse("risk:overrides", args=[programme.pk])
    response = client_of(alice).post(
        url,
        {
            "kind": "country_value",
            "target": "cpi",
            "country": "CN",
            "value": "30",
            "reason": "Local evidence",
        },
    )
    assert response.status_code == 302
    override = RiskOverride.objects.get()
    assert (override.country.code, override.value, override.created_by) == ("CN", 30, alice)
    assert AuditEvent.objects.filter(action="risk.override_added").count() == 1
    page = client_of(alice).get(url).content.decode()
    assert "Local evidence" in page and "Alice" in page


def test_an_override_without_a_reason_is_a_form_error(client_of, alice, bright, model_v1):
    programme = make_enrolment(supplier=bright).programme
    response = client_of(alice).post(
        reverse("risk:overrides", args=[programme.pk]),
        {"kind": "weight", "target": "cpi", "weight": "0.5", "reason": ""},
    )
    assert response.status_code == 200 and not RiskOverride.objects.exists()
    assert "error-summary" in response.content.decode()


def test_olga_reads_overrides_but_cannot_add(client_of, olga, bright, model_v1):
    programme = make_enrolment(supplier=bright).programme
    url = reverse("risk:overrides", args=[programme.pk])
    assert client_of(olga).get(url).status_code == 200
    response = client_of(olga).post(
        url, {"kind": "weight", "target": "cpi", "weight": "0.5", "reason": "x"}
    )
    assert response.status_code == 403 and not RiskOverride.objects.exists()


def test_dave_and_bob_cannot_open_the_programmes_risk_pages(client_of, dave, bob, bright, model_v1):
    programme = make_enrolment(supplier=bright).programme
    for name in ("risk:dashboard", "risk:overrides"):
        url = reverse(name, args=[programme.pk])
        assert client_of(dave).get(url).status_code == 404
        assert client_of(bob).get(url).status_code == 403


def test_dashboard_shows_tiers_heat_map_and_red_flags(
    client_of, alice, bright, reference_data, django_assert_max_num_queries
):
    enrolment = make_enrolment(supplier=bright)
    programme = enrolment.programme
    SupplierSector.objects.create(supplier=bright, sector_id=53)
    for i in range(5):
        supplier = SupplierFactory(buyer=bright.buyer, country=["DK", "BD", "PR"][i % 3])
        SupplierSector.objects.create(supplier=supplier, sector_id=[43, 81][i % 2])
        programme.enrolments.create(supplier=supplier)
    Question.objects.filter(version=programme.questionnaire_version, code="policy").update(
        red_flag=". = 'no'"
    )
    Submission.objects.create(
        assessment=enrolment.assessment, number=1, answers={"policy": "no", "workers": 12}
    )
    make_score(enrolment.assessment, band="developing", red_flags=1)
    client = client_of(alice)
    url = reverse("risk:dashboard", args=[programme.pk])
    # Session, user, organisation, programme, model, the cohort's copy brought up to date,
    # the cohort's aggregate, sector titles, overrides, indicators, DOL goods, indices,
    # sector risks, a page of each table (suppliers, red flags, DOL matches), the rows'
    # suppliers, sectors, scores, red-flag
    # questions and submissions, the unread count, the two-factor check, the inspections'
    # reliability column (one query), and the session save (in its savepoint). This first
    # view also reads the stored profile risks and the reference-data generation and stores
    # the cohort's profiles (one INSERT): three more (drive/risk/stored.py). The stored
    # current scores (drive/risk/cohort.py) add the current scoring method and the check of
    # the cohort's rows; a view meeting new enrolments also fills theirs (INSERT, ranking
    # of their scores, one UPDATE).
    with django_assert_max_num_queries(35):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Pending assessment" in page and "Red flag: at least High" in page
    flags = page[page.index('id="flags-title"') :]
    assert "1 supplier's current score counts a red flag." in flags
    assert "Do you have a written labour policy?" in flags and bright.legal_name in flags
    assert "Bangladesh" in page and "Denmark" in page and "Insufficient data" in page
    assert "Garments (CN)" in page
    # Twice as many suppliers, in a profile not stored yet: the same number of queries.
    for _i in range(6):
        supplier = SupplierFactory(buyer=bright.buyer, country="CN")
        SupplierSector.objects.create(supplier=supplier, sector_id=30)
        programme.enrolments.create(supplier=supplier)
    with django_assert_max_num_queries(35):
        assert client.get(url).status_code == 200
    # Every profile and current score stored: no generation, reference data of the whole
    # cohort or INSERT.
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200


def test_dashboard_of_an_empty_programme_says_what_to_do(client_of, alice, agency, model_v1):
    from drive.assessments.testing import make_version
    from drive.programmes.models import Programme

    programme = Programme.objects.create(
        buyer=agency, name="Empty", questionnaire_version=make_version()
    )
    page = client_of(alice).get(reverse("risk:dashboard", args=[programme.pk])).content.decode()
    assert "Enrol suppliers in the programme" in page


@pytest.mark.parametrize("value", ["²", "abc", "1" * 30])
def test_a_malformed_programme_in_the_risk_page_address_is_404(
    client_of, alice, programme, bright, model_v1, value
):
    # "²" passes str.isdigit() but not int(): it was a server error.
    url = reverse("risk:supplier", args=[bright.pk])
    assert client_of(alice).get(url, {"programme": value}).status_code == 404
    assert client_of(alice).get(url, {"programme": programme.pk}).status_code == 200
    assert client_of(alice).get(url, {"programme": ""}).status_code == 200


def test_overrides_are_listed_25_to_a_page(
    client_of, alice, programme, model_v1, django_assert_max_num_queries
):
    RiskOverride.objects.bulk_create(
        RiskOverride(
            programme=programme,
            kind="weight",
            target="cpi",
            weight="0.5",
            reason=f"Reason {n:02d}",
            created_by=alice,
        )
        for n in range(30)
    )
    url = reverse("risk:overrides", args=[programme.pk])
    client = client_of(alice)
    with django_assert_max_num_queries(12):
        first = client.get(url)
    assert len(first.context["overrides"]) == 25
    assert 'rel="next"' in first.content.decode()
    second = client.get(url, {"page": 2})
    assert len(second.context["overrides"]) == 5
    shown = {o.reason for o in first.context["overrides"]} | {
        o.reason for o in second.context["overrides"]
    }
    assert len(shown) == 30


def test_the_dashboards_supplier_table_is_25_to_a_page(client_of, alice, agency, model_v1):
    from drive.assessments.testing import make_version
    from drive.programmes.models import Programme

    programme = Programme.objects.create(
        buyer=agency, name="Big cohort", questionnaire_version=make_version()
    )
    for n in range(27):
        programme.enrolments.create(
            supplier=SupplierFactory(buyer=agency, legal_name=f"Supplier {n:02d}")
        )
    url = reverse("risk:dashboard", args=[programme.pk])
    client = client_of(alice)
    first = client.get(url)
    assert [r.supplier.legal_name for r in first.context["rows"]] == [
        f"Supplier {n:02d}" for n in range(25)
    ]
    page = first.content.decode()
    assert 'rel="next"' in page and "Supplier 25" not in page
    assert "27 suppliers, by name" in page
    # The tier counts still cover the whole cohort.
    assert sum(count for _k, _l, count in first.context["overview"].inherent_counts) == 27
    # "Next" carries the position (keyset), not a page number; "Previous" comes back.
    second = client.get(url, {"after": first.context["rows_page"].next_token})
    assert [r.supplier.legal_name for r in second.context["rows"]] == ["Supplier 25", "Supplier 26"]
    back = client.get(url, {"before": second.context["rows_page"].previous_token})
    assert [r.supplier.legal_name for r in back.context["rows"]][-1] == "Supplier 24"
    # A forged position starts again at the first page.
    forged = client.get(url, {"after": "forged"})
    assert forged.context["rows"][0].supplier.legal_name == "Supplier 00"


def test_olga_reads_a_big_cohorts_dashboard_in_chinese(client_of, olga, agency, model_v1):
    """The organisation admin (another role that sees the dashboard) in Simplified Chinese:
    the tables page by keyset with the Chinese links, the counts cover the whole cohort."""
    from django.utils import translation

    from drive.assessments.testing import make_version
    from drive.programmes.models import Programme

    programme = Programme.objects.create(
        buyer=agency, name="华南试点", questionnaire_version=make_version()
    )
    for n in range(26):
        programme.enrolments.create(
            supplier=SupplierFactory(buyer=agency, legal_name=f"深圳明珠电子 {n:02d} 有限公司")
        )
    olga.language = "zh-hans"
    olga.save()
    with translation.override("zh-hans"):
        response = client_of(olga).get(
            reverse("risk:dashboard", args=[programme.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
    page = response.content.decode()
    assert response.status_code == 200
    assert "按等级划分的供应商" in page and "需要处理的红旗警示" in page
    assert 'rel="next"' in page and "下一页" in page
    assert [r.supplier.legal_name for r in response.context["rows"]][::24] == [
        "深圳明珠电子 00 有限公司",
        "深圳明珠电子 24 有限公司",
    ]
    assert sum(count for _k, _l, count in response.context["overview"].inherent_counts) == 26


def _rows_of(page: str, title_id: str) -> str:
    """The rows of the table under the heading ``title_id``."""
    section = page[page.index(f'id="{title_id}"') :]
    return section[section.index("<tbody>") : section.index("</tbody>")]


def test_dashboard_rows_in_chinese_name_their_columns_and_escape_names(
    client_of, alice, bright, reference_data
):
    """The three tables' rows (rendered in Python, drive/risk/templatetags/dashboard_rows.py)
    in Simplified Chinese: column labels, the band and the red flag's minimum, each supplier's
    name for the reader, linked to its risk page in this programme, escaped."""
    enrolment = make_enrolment(supplier=bright)
    programme = enrolment.programme
    SupplierSector.objects.create(supplier=bright, sector_id=53)
    odd = SupplierFactory(
        buyer=bright.buyer, country="CN", legal_name="A&B <Garments>", local_name=""
    )
    SupplierSector.objects.create(supplier=odd, sector_id=53)
    programme.enrolments.create(supplier=odd)
    Question.objects.filter(version=programme.questionnaire_version, code="policy").update(
        red_flag=". = 'no'"
    )
    Submission.objects.create(
        assessment=enrolment.assessment, number=1, answers={"policy": "no", "workers": 12}
    )
    make_score(enrolment.assessment, band="developing", red_flags=1)
    alice.language = "zh-hans"
    alice.save()

    page = client_of(alice).get(reverse("risk:dashboard", args=[programme.pk])).content.decode()

    rows = _rows_of(page, "suppliers-title")
    link = reverse("risk:supplier", args=[bright.pk]) + f"?programme={programme.pk}"
    assert f'<a href="{link}">明亮纺织有限公司</a>' in rows  # the name in Chinese script
    assert "A&amp;B &lt;Garments&gt;" in rows
    assert '<td data-label="国家">中国</td>' in rows and 'data-label="自评可靠性"' in rows
    assert "表现等级 发展级" in rows and "红旗警示：至少为 高" in rows
    flags = _rows_of(page, "flags-title")
    assert '<th scope="row" data-label="供应商">明亮纺织有限公司</th>' in flags
    assert '<td data-label="回答">no</td>' in flags and "#1 · " in flags
    dol = page.rsplit("<tbody>", 1)[1]  # the last table: US DOL listed goods
    assert 'data-label="商品"' in dol and "(CN)" in dol
    assert "A&amp;B &lt;Garments&gt;" in dol
