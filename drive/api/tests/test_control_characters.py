"""Control characters are refused in every text field and dropped from every export."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from openpyxl import Workbook
from rest_framework import serializers

from drive.core.spreadsheets import append_text_row, neutralise, without_control_characters
from drive.core.validators import prohibit_control_characters


@pytest.mark.parametrize("character", ["\x07", "\x1b", "\x00", "\x7f", "\x85", "\x9b"])
def test_control_characters_are_refused_with_what_to_do(character):
    with pytest.raises(ValidationError) as refusal:
        prohibit_control_characters(f"Bright{character}Textiles")
    message = refusal.value.messages[0]
    assert f"invisible control character (U+{ord(character):04X})" in message
    assert "Remove it" in message


def test_tabs_and_line_breaks_of_multi_line_text_are_accepted():
    prohibit_control_characters("Line one\r\nLine two\twith a tab")


def test_every_form_and_api_text_field_refuses_them():
    form_field = forms.CharField()
    with pytest.raises(ValidationError):
        form_field.clean("Bell\x07")
    api_field = serializers.CharField()
    with pytest.raises(serializers.ValidationError) as refusal:
        api_field.run_validation("Bell\x07")
    assert "U+0007" in str(refusal.value.detail[0])


def test_exports_drop_them_and_keep_everything_else():
    assert without_control_characters("Bright\x07 Textiles\x85\n明亮") == "Bright Textiles\n明亮"
    assert neutralise("=\x07HYPERLINK(1)") == "'=HYPERLINK(1)"
    sheet = Workbook().active
    append_text_row(sheet, ["Bright\x07Textiles", "\x9bok", None, 12])
    assert [cell.value for cell in sheet[1]] == ["BrightTextiles", "ok", None, "12"]


def test_bob_is_told_to_remove_a_control_character_from_his_profile(client_of, bob, bright):
    from django.urls import reverse

    from drive.suppliers.models import Supplier
    from drive.suppliers.tests.test_view_edit import form_of

    response = client_of(bob).post(
        reverse("suppliers:edit", args=[bright.pk]), form_of(bright, city="Fo\x07shan")
    )
    assert response.status_code == 200
    assert "invisible control character (U+0007)" in response.content.decode()
    assert Supplier.objects.get(pk=bright.pk).city == bright.city  # nothing saved


def test_the_api_refuses_a_control_character_in_the_envelope(bob, bright):
    from rest_framework.test import APIClient

    from drive.api.services import token_create
    from drive.suppliers.models import Supplier

    _token, clear = token_create(name="test", scope="read_write", by=bob)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {clear}")
    etag = client.get(f"/api/v1/suppliers/{bright.pk}/")["ETag"]
    response = client.patch(
        f"/api/v1/suppliers/{bright.pk}/", {"city": "Fo\x07shan"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "invisible control character (U+0007)" in error["fields"]["city"][0]
    assert Supplier.objects.get(pk=bright.pk).city == bright.city
