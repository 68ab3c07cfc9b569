"""At a million suppliers a search must not read the whole registry: on PostgreSQL each list
query has an index path (one trigram index over the five searched columns for words of three
or more characters, bigrams beyond ASCII for two-character terms such as 深圳, b-tree for
the sorts; a two-letter Latin term, looked for at the start of a word, through the trigrams
such as " HK"). On a test-sized table a sequential
scan is the cheaper plan, so the test forbids it (``enable_seqscan = off``) and checks that
the plan then uses the index that fits the query; at a million suppliers the planner picks
it by itself (``bench/scale_bench.py``)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from drive.core.keyset import keyset_page, matches_first
from drive.factories import SupplierFactory
from drive.suppliers.filters import SORTS, SupplierFilter
from drive.suppliers.models import Supplier
from drive.suppliers.selectors import (
    COUNT_BOUND,
    WALK_WINDOW,
    Total,
    supplier_search,
    total_of,
)

SEARCHES = {
    "harmony": "supplier_search_trgm",
    "R000012": "supplier_search_trgm",
    "明珠": "supplier_names_nonascii_bigram",
    "纺织": "supplier_names_nonascii_bigram",
    "HK": "supplier_search_trgm",
    "3m": "supplier_search_trgm",
}
# Every sort of the list (filters.SORTS) → the index it is read in order from.
SORT_INDEXES = {
    "name": "supplier_buyer_lname_idx",
    "-name": "supplier_buyer_lname_idx",
    "country": "supplier_buyer_country_idx",
    "-country": "supplier_buyer_country_d_idx",
    "size": "supplier_buyer_sizerank_idx",
    "-size": "supplier_buyer_sizerank_d_idx",
    "employees": "supplier_buyer_employees_idx",
    "-employees": "supplier_buyer_employees_d_idx",
    "updated": "supplier_buyer_updated_idx",
    "-updated": "supplier_buyer_updated_idx",
}
# Filters, each with a sort that fits it → the index the page is read from.
FILTERS = {
    "country=VN": "supplier_buyer_country_",  # either direction fits one country
    # One country: either country index gives (name, id) in the wanted direction, one read
    # backwards; the planner picks either, by statistics (seen both in CI).
    "country=VN&sort=-country": "supplier_buyer_country_",
    "size=sme&sort=-size": "supplier_buyer_sizerank_d_idx",
    "size=micro&sort=size": "supplier_buyer_sizerank_",  # one class: either direction fits
    "size=unknown": "supplier_buyer_sizerank_",  # one size class, then by name
    "women_owned=yes": "supplier_buyer_lname_idx",
    "lta=yes&sort=-employees": "supplier_buyer_employees_d_idx",
    "sector=53&sort=-updated": "supplier_buyer_updated_idx",
}
WORDS = ["Pearl", "River", "Golden", "Bright", "Everwin", "Lotus", "Summit", "Delta"]
ZH = ["深圳", "上海", "宁波", "苏州", "广州", "厦门"]
SIZES = ["micro", "small", "medium", "large", ""]


def _explain(rows, *, search: bool = False, in_order: bool = False) -> str:
    with matches_first(search), transaction.atomic():  # as the list page reads it
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SHOW enable_indexscan")
            # matches_first turned its setting back (it must not leak into other queries).
            assert cursor.fetchone()[0] == ("off" if search else "on")
            if in_order:
                # A page of a sorted list must come in order from an index, not from
                # sorting the registry.
                cursor.execute("SET LOCAL enable_sort = off")
        return rows.explain()


def _explain_sql(sql: str) -> str:
    """The plan of a query the list ran (its SQL as captured), with sorts and sequential
    scans made as costly as _explain makes them."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql.replace("%", "%%"))
        return "\n".join(row[0] for row in cursor.fetchall())


def _plan(rows, *, search: bool) -> str:
    return _explain(rows[:26], search=search, in_order=not search)


def _seed(agency) -> None:
    Supplier.objects.bulk_create(
        Supplier(
            buyer=agency,
            legal_name=f"{WORDS[i % 8]} {WORDS[i // 8 % 8]} Textiles {i} Co., Ltd.",
            local_name=f"{ZH[i % 6]}{ZH[i // 6 % 6]}纺织{i}有限公司",
            registration_number=f"R{i:07d}",
            country=["CN", "VN", "KE", "IN"][i % 4],
            city="Shenzhen",
            size_class=SIZES[i % 5],
            employees=None if i % 7 == 0 else i % 900,
            women_owned=i % 3 == 0,
        )
        for i in range(2_000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE suppliers_supplier")


def _sorted_from_index(plan: str) -> bool:
    """No Sort node reads the registry (the with_list_columns subqueries are not asked)."""
    return not any(line.lstrip(" ->").startswith("Sort ") for line in plan.splitlines())


def test_each_list_query_has_an_index_that_fits_it(alice, agency):
    if connection.vendor != "postgresql":
        pytest.skip("query plans are checked in the PostgreSQL run of the suite")
    _seed(agency)
    assert set(SORT_INDEXES) == set(SORTS), "a new sort needs its index (and a line here)"
    # The search's own condition (without the registry's scope, which a test-sized table
    # would answer from the buyer's index) must be answerable from its index.
    for term, index in SEARCHES.items():
        matches = SupplierFilter(data={"q": term}, queryset=Supplier.objects.all()).qs
        plan = _plan(matches, search=True)
        assert index in plan, (term, plan)
    # Every sort, first page and a later one (keyset: the position is an index condition).
    for sort, index in SORT_INDEXES.items():
        rows = supplier_search(user=alice, params=QueryDict(f"sort={sort}"))
        plan = _plan(rows, search=False)
        assert index in plan and _sorted_from_index(plan), (sort, plan)
        token = keyset_page(rows, SORTS[sort], size=25).next_token
        with CaptureQueriesContext(connection) as later:
            keyset_page(rows, SORTS[sort], after=token, size=25)
        (query,) = [q["sql"] for q in later.captured_queries]
        plan = _explain_sql(query)
        assert index in plan and _sorted_from_index(plan), (sort, "later page", plan)
        assert "Index Cond" in plan, (sort, "the position must bound the index scan", plan)
    for query, index in FILTERS.items():
        plan = _plan(supplier_search(user=alice, params=QueryDict(query)), search=False)
        assert index in plan and _sorted_from_index(plan), (query, plan)
        assert "Seq Scan on suppliers_supplier" not in plan, (query, plan)


def test_a_common_words_first_page_reads_a_window_of_the_sort_index(alice, agency):
    """``window_page`` (drive/core/keyset.py): the first rows of the list in its order (an
    index), each looked up by its key: never the whole registry searched and joined."""
    if connection.vendor != "postgresql":
        pytest.skip("query plans are checked in the PostgreSQL run of the suite")
    _seed(agency)
    for sort, index in SORT_INDEXES.items():
        unsearched = supplier_search(user=alice, params=QueryDict(f"sort={sort}"))
        rows = supplier_search(user=alice, params=QueryDict(f"q=textiles&sort={sort}"))
        window = unsearched.order_by(*SORTS[sort]).values_list("pk", flat=True)[:WALK_WINDOW]
        plan = _plan(window, search=False)
        assert index in plan and _sorted_from_index(plan), (sort, plan)
        plan = _explain(rows.filter(pk__in=list(window)).order_by(*SORTS[sort])[:26])
        # Bounded by the window's keys (read by key, or checked along an index).
        assert "= ANY ('{" in plan, (sort, plan)
        assert "Seq Scan on suppliers_supplier" not in plan, (sort, plan)


def test_a_total_is_counted_from_an_index_and_estimated_beyond_its_bound(alice, agency):
    if connection.vendor != "postgresql":
        pytest.skip("estimates come from PostgreSQL's planner")
    _seed(agency)
    registry = supplier_search(user=alice, params=QueryDict(""))
    plan = _explain(registry.order_by().values("pk")[: COUNT_BOUND + 1])
    assert "Index Only Scan" in plan or "Index Scan" in plan, plan
    total = total_of(registry, bound=500)
    # 2,000 suppliers, ANALYZEd: the planner's estimate, rounded and said to be one.
    assert total.about and not total.exact and 1_500 <= total.n <= 2_500, total
    assert str(total) == f"about {total.n:,}"
    assert total_of(registry, bound=5_000) == Total(2_000)
    # A search's estimate is a guess: "more than".
    searched = supplier_search(user=alice, params=QueryDict("q=textiles"))
    assert str(total_of(searched, search=True, bound=500)) == "more than 500"


def test_two_character_chinese_search_finds_names_in_either_column(alice, agency):
    SupplierFactory(buyer=agency, legal_name="深圳明珠纺织有限公司", local_name="")
    SupplierFactory(buyer=agency, legal_name="Pearl Textiles", local_name="深圳明珠纺织")
    SupplierFactory(buyer=agency, legal_name="Pearl Metals", local_name="广州明光五金", city="深")
    found = supplier_search(user=alice, params=QueryDict("q=%E6%98%8E%E7%8F%A0"))  # 明珠
    assert sorted(s.legal_name for s in found) == ["Pearl Textiles", "深圳明珠纺织有限公司"]


def test_a_search_finds_a_term_in_any_column_but_never_across_two(alice, agency):
    """The trigram index holds the five columns joined by spaces; a term is never found
    across the join (nor two characters beyond ASCII in the numbers, as the bigrams never
    did)."""
    pearl = SupplierFactory(
        buyer=agency,
        legal_name="Pearl Textiles",
        local_name="明珠纺织",
        city="Ningbo",
        registration_number="R0042",
        ungm_vendor_number="77123",
    )
    SupplierFactory(buyer=agency, legal_name="Other", local_name="", city="Xiamen")

    def found(q: str) -> list[str]:
        rows = supplier_search(user=alice, params=QueryDict(f"q={q}"))
        return [s.legal_name for s in rows]

    for term in [
        "textiles",
        "%E7%BA%BA%E7%BB%87",
        "NINGBO",
        "r0042",
        "77123",
        "ext",
        "PEARL+ningbo",
    ]:
        assert found(term) == [pearl.legal_name], term
    for term in ["TextilesNingbo", "textiles%E6%98%8E", "ningboR0042", "%25", "_", "pearl+xiamen"]:
        assert found(term) == [], term


def test_two_latin_letters_are_found_at_the_start_of_a_word(alice, agency):
    """HK, 3M, LG: two Latin letters or digits are looked for at the start of a word of any
    searched column (after a space, bracket, hyphen, slash, stop, comma, ampersand or
    quote), in any case; inside a word they would be in most names. The same on SQLite and
    PostgreSQL (where the trigram index finds them)."""
    names = {
        "HK Trading": {},
        "Acme (hk) Ltd": {},
        "Shenzhen-HK Electronics": {},
        "Pearl/HK Metals": {},
        "O'Hk Foods": {},
        "Thkx Works": {},  # inside a word: not found
        "Pearl Textiles": {"city": "Hkong"},  # a word of the city starting with it
        "River Works": {"registration_number": "HK-0042"},
        "Delta Works": {"registration_number": "R0HK42"},  # inside: not found
    }
    for name, fields in names.items():
        SupplierFactory(buyer=agency, legal_name=name, **{"local_name": "", "city": "", **fields})
    SupplierFactory(buyer=agency, legal_name="3M China", local_name="", city="")

    def found(q: str) -> list[str]:
        return sorted(s.legal_name for s in supplier_search(user=alice, params=QueryDict(q)))

    expected = sorted(
        [
            "Acme (hk) Ltd",
            "HK Trading",
            "O'Hk Foods",
            "Pearl Textiles",
            "Pearl/HK Metals",
            "River Works",
            "Shenzhen-HK Electronics",
        ]
    )
    assert found("q=hk") == found("q=HK") == expected
    assert found("q=3m") == ["3M China"]
    assert found("q=hk+trading") == ["HK Trading"]
    assert found("q=%25k") == found("q=_k") == []  # LIKE's signs are plain characters
    # A regular expression's signs too: "(h" is a bracket, then h, after a space.
    assert found("q=(h") == ["Acme (hk) Ltd"]
    assert found("q=.*") == found("q=[a") == []
