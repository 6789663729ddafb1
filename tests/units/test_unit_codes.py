"""Unit and unit-group codes appear in public URLs: only slugs are accepted."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from units.models import Unit, UnitGroup

pytestmark = pytest.mark.django_db
# The unit page lists its members (read-only); its formset still needs its management form.
MEMBERS = {"memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"}


@pytest.mark.parametrize("code", ["92 stp", "sở-tư-pháp", "92/stp", "a.b", "١٢٣", ""])
def test_the_unit_form_refuses_a_code_that_is_not_a_slug(client, secretariat, code):
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:units_unit_add"),
        {"code": code, "name": "Đơn vị thử", "kind": "department", **MEMBERS},
    )
    assert response.status_code == 200
    html = response.content.decode()
    if code:
        assert "Mã chỉ được gồm chữ cái không dấu" in html
    assert not Unit.objects.filter(name="Đơn vị thử").exists()


def test_the_unit_form_accepts_a_slug(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:units_unit_add"),
        {"code": "92-so-moi_2025", "name": "Đơn vị thử", "kind": "department", **MEMBERS},
    )
    assert response.status_code == 302
    assert Unit.objects.filter(code="92-so-moi_2025").exists()


def test_unit_group_codes_are_slugs_too():
    with pytest.raises(ValidationError) as refused:
        UnitGroup(code="nhóm sở", name="Thử").full_clean()
    assert "Mã chỉ được gồm chữ cái không dấu" in str(refused.value)


def test_every_shipped_unit_and_group_code_is_a_slug(reference):
    for path in sorted(Path(settings.BASE_DIR, "fixtures").glob("units_*.json")):
        for row in json.loads(path.read_text(encoding="utf-8")):
            model = Unit if row["model"] == "units.unit" else UnitGroup
            model._meta.get_field("code").run_validators(row["fields"]["code"])
    for obj in [*Unit.objects.all(), *UnitGroup.objects.all()]:
        obj._meta.get_field("code").run_validators(obj.code)
