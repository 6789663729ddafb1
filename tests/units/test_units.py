"""Units: natural keys, validity, lineage, scope, import/export permissions."""

import datetime

import pytest
from django.db import IntegrityError
from django.urls import reverse

from units.models import Unit, UnitGroup
from units.scope import is_secretariat, units_for_user

pytestmark = pytest.mark.django_db


def test_natural_keys_are_codes(reference):
    assert Unit.objects.get_by_natural_key("92").natural_key() == ("92",)
    assert UnitGroup.objects.get_by_natural_key("cantho-tinh").natural_key() == ("cantho-tinh",)


def test_valid_to_must_follow_valid_from(reference):
    unit = Unit(
        code="x",
        name="X",
        kind="commune",
        valid_from=datetime.date(2025, 7, 1),
        valid_to=datetime.date(2025, 1, 1),
    )
    with pytest.raises(IntegrityError):
        unit.save()


def test_the_2025_merger_is_in_the_reference_data(reference):
    cantho = Unit.objects.get(code="92")
    assert set(cantho.predecessors.values_list("code", flat=True)) == {"93", "94"}  # Hậu Giang, Sóc Trăng
    assert Unit.objects.get(code="93").valid_to == datetime.date(2025, 7, 1)
    assert cantho.valid_to is None
    in_force = Unit.objects.filter(kind="province").exclude(valid_to__lte=datetime.date(2025, 12, 31))
    assert in_force.count() == 34


def test_lineage_across_a_merger(reference):
    merged = Unit.objects.create(
        code="92-2025",
        name="Thành phố Cần Thơ (từ 01/07/2025)",
        kind="province",
        valid_from=datetime.date(2025, 7, 1),
    )
    merged.predecessors.set(Unit.objects.filter(code__in=["92", "93", "94"]))
    # Hậu Giang's successors: the reference Cần Thơ (92) and the unit created here.
    assert set(Unit.objects.get(code="93").successors.values_list("code", flat=True)) == {"92", "92-2025"}
    assert merged.predecessors.count() == 3


def test_scope_of_each_persona(officer_justice, secretariat):
    from django.contrib.auth.models import AnonymousUser

    assert list(units_for_user(officer_justice).values_list("code", flat=True)) == ["92-stp"]
    assert units_for_user(secretariat).count() == Unit.objects.count()
    assert not units_for_user(AnonymousUser()).exists()
    assert not is_secretariat(officer_justice)
    assert is_secretariat(secretariat)
    officer_justice.is_active = False
    assert not units_for_user(officer_justice).exists()


def test_only_the_secretariat_may_import_units(client, officer_justice, secretariat):
    client.force_login(officer_justice)
    assert client.get(reverse("admin:units_unit_import")).status_code == 403
    client.force_login(secretariat)
    assert client.get(reverse("admin:units_unit_import")).status_code == 200


def test_unit_export_escapes_spreadsheet_formulae(client, secretariat):
    Unit.objects.filter(code="92-stp").update(short_name="=HYPERLINK(1)")
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:units_unit_export"),
        {"format": "0", "resource": "0", "unitresource_code": True, "unitresource_short_name": True},
    )
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert "92-stp," in body
    assert "=HYPERLINK" not in body


def test_admin_wording_overrides_are_active():
    from django.utils import translation

    with translation.override("vi"):
        assert translation.gettext("History") == "Lịch sử thay đổi"
        assert translation.gettext("Show counts") == "Hiện số lượng"
        assert translation.gettext("Action:") == "Thao tác:"
