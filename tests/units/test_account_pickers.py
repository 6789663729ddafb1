"""The user and unit pickers (admin autocomplete) work for the secretariat and offer what the form accepts."""

import pytest
from django.urls import reverse

from units import services

pytestmark = pytest.mark.django_db
AUTOCOMPLETE = reverse("admin:autocomplete")


def picker(client, app_label, model_name, field_name, term=""):
    response = client.get(
        AUTOCOMPLETE,
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200, response.content[:500]
    return {row["text"] for row in response.json()["results"]}


def test_membership_user_picker_works_for_the_secretariat(client, secretariat, officer_justice, appraiser):
    client.force_login(secretariat)
    found = picker(client, "units", "membership", "user", "canbo")
    assert officer_justice.username in found
    everyone = picker(client, "units", "membership", "user")
    # Only accounts with the unit role; never the secretariat itself or an appraiser.
    assert appraiser.username not in everyone
    assert secretariat.username not in everyone


def test_unit_picker_works_for_the_secretariat(client, secretariat):
    client.force_login(secretariat)
    assert "Sở Tư pháp" in picker(client, "units", "membership", "unit", "tư pháp")


def test_the_assignment_form_offers_only_active_appraisers(client, secretariat, officer_justice, appraiser):
    from django.urls import reverse

    from scoring import policy
    from scoring.models import Period

    period = Period.objects.get(code=f"{policy.today().year}-so")
    url = reverse("backoffice:assignments", args=[period.pk])
    client.force_login(secretariat)
    html = client.get(url).content.decode()
    options = html.split('name="appraiser"')[1].split("</select>")[0]
    assert f"({appraiser.username})" in options
    assert f"({officer_justice.username})" not in options
    assert f"({secretariat.username})" not in options
    services.account_deactivate(users=[appraiser], acting_user=secretariat)
    html = client.get(url).content.decode()
    assert f"({appraiser.username})" not in html.split('name="appraiser"')[1].split("</select>")[0]


def test_superusers_are_not_offered_to_the_secretariat(client, secretariat, superuser):
    client.force_login(secretariat)
    assert superuser.username not in picker(client, "units", "membership", "user", "quantri")


@pytest.mark.parametrize("persona", ["officer_justice", "appraiser"])
def test_other_roles_get_no_user_picker(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(
        AUTOCOMPLETE, {"app_label": "units", "model_name": "membership", "field_name": "user", "term": ""}
    )
    assert response.status_code == 403


def test_picker_ignores_made_up_parameters(client, secretariat):
    client.force_login(secretariat)
    for params in [
        {"app_label": "units", "model_name": "membership", "field_name": "khong-co"},
        {"app_label": "khong", "model_name": "co", "field_name": "user"},
        {"app_label": "units", "model_name": "membership", "field_name": "role"},
    ]:
        assert client.get(AUTOCOMPLETE, {**params, "term": "a"}).status_code == 403
