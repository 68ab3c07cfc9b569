from __future__ import annotations

from django.urls import reverse

from drive.imports.services import import_create

from .conftest import row, upload_of


def test_history_shows_only_my_organisations_imports(
    alice, dave, client_of, write_csv, django_assert_max_num_queries
):
    for _ in range(3):
        import_create(
            buyer=alice.organisation, file=upload_of(write_csv([row()], name="a.csv")), by=alice
        )
    import_create(
        buyer=dave.organisation, file=upload_of(write_csv([row()], name="dave.csv")), by=dave
    )
    client = client_of(alice)
    with django_assert_max_num_queries(10):  # + the two-factor check
        html = client.get(reverse("imports:list")).content.decode()
    assert html.count('href="/suppliers/import/') >= 3
    assert "dave" not in html


def test_empty_history_tells_what_to_do(alice, client_of):
    html = client_of(alice).get(reverse("imports:list")).content.decode()
    assert "No supplier list has been imported yet" in html
