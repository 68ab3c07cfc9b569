"""At a million suppliers a search must not read the whole registry: on PostgreSQL each list
query has an index path (trigram for words of three or more characters, bigram for
two-character terms such as 深圳, b-tree for the sorts). On a test-sized table a sequential
scan is the cheaper plan, so the test forbids it (``enable_seqscan = off``) and checks that
the plan then uses the index that fits the query; at a million suppliers the planner picks
it by itself (``bench/scale_bench.py``)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.http import QueryDict

from drive.core.keyset import matches_first
from drive.factories import SupplierFactory
from drive.suppliers.filters import SupplierFilter
from drive.suppliers.models import Supplier
from drive.suppliers.selectors import supplier_search

SEARCHES = {
    "harmony": "supplier_legal_name_trgm",
    "R000012": "supplier_registration_number_trgm",
    "明珠": "supplier_names_bigram",
}
SORTS = {
    "": "supplier_buyer_lname_idx",
    "sort=-name": "supplier_buyer_lname_idx",
    "sort=country": "supplier_buyer_country_idx",
    "country=VN": "supplier_buyer_country_idx",
    "sort=-updated": "supplier_buyer_updated_idx",
    "sort=updated": "supplier_buyer_updated_idx",
}
WORDS = ["Pearl", "River", "Golden", "Bright", "Everwin", "Lotus", "Summit", "Delta"]
ZH = ["深圳", "上海", "宁波", "苏州", "广州", "厦门"]


def _plan(rows, *, search: bool) -> str:
    with matches_first(search), transaction.atomic():  # as the list page reads it
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SHOW enable_indexscan")
            # matches_first turned its setting back (it must not leak into other queries).
            assert cursor.fetchone()[0] == ("off" if search else "on")
            if not search:
                # A page of a sorted list must come in order from an index, not from
                # sorting the registry.
                cursor.execute("SET LOCAL enable_sort = off")
        return rows[:26].explain()


def test_each_list_query_has_an_index_that_fits_it(alice, agency):
    if connection.vendor != "postgresql":
        pytest.skip("query plans are checked in the PostgreSQL run of the suite")
    Supplier.objects.bulk_create(
        Supplier(
            buyer=agency,
            legal_name=f"{WORDS[i % 8]} {WORDS[i // 8 % 8]} Textiles {i} Co., Ltd.",
            local_name=f"{ZH[i % 6]}{ZH[i // 6 % 6]}纺织{i}有限公司",
            registration_number=f"R{i:07d}",
            country=["CN", "VN", "KE", "IN"][i % 4],
            city="Shenzhen",
        )
        for i in range(2_000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE suppliers_supplier")
    # The search's own condition (without the registry's scope, which a test-sized table
    # would answer from the buyer's index) must be answerable from its index.
    for term, index in SEARCHES.items():
        matches = SupplierFilter(data={"q": term}, queryset=Supplier.objects.all()).qs
        plan = _plan(matches, search=True)
        assert index in plan, (term, plan)
    for query, index in SORTS.items():
        plan = _plan(supplier_search(user=alice, params=QueryDict(query)), search=False)
        assert index in plan, (query, plan)


def test_two_character_chinese_search_finds_names_in_either_column(alice, agency):
    SupplierFactory(buyer=agency, legal_name="深圳明珠纺织有限公司", local_name="")
    SupplierFactory(buyer=agency, legal_name="Pearl Textiles", local_name="深圳明珠纺织")
    SupplierFactory(buyer=agency, legal_name="Pearl Metals", local_name="广州明光五金", city="深")
    found = supplier_search(user=alice, params=QueryDict("q=%E6%98%8E%E7%8F%A0"))  # 明珠
    assert sorted(s.legal_name for s in found) == ["Pearl Textiles", "深圳明珠纺织有限公司"]
