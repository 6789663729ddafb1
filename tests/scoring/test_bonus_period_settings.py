"""Caps on bonus and deduction points in the secretariat's period settings: set in setup, with history,
validated, refused once the period is open or for anyone but the secretariat."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import services
from scoring.backoffice.period_forms import PeriodSettingsForm
from scoring.formatting import decimal_places
from scoring.models import Period

pytestmark = pytest.mark.django_db


def settings_url(period):
    return reverse("backoffice:period_settings", args=[period.pk])


def post_data(period, **caps):
    return {
        "title": period.title,
        "self_assessment_deadline": "",
        "appraisal_deadline": "",
        "explanation_deadline": "",
        "final_appraisal_deadline": "",
        "note": "",
        "bonus_cap": "",
        "deduction_cap": "",
        "_settings": "1",
        **caps,
    }


@pytest.fixture
def setup_period(demo):
    return Period.objects.create(code="thu-muc-thuong", year=2031, title="Thử mức điểm thưởng")


def test_the_secretariat_sets_the_caps_in_setup_with_history(client, secretariat, setup_period):
    client.force_login(secretariat)
    page = client.get(settings_url(setup_period)).content.decode()
    assert "Điểm thưởng tối đa" in page
    assert "Điểm trừ tối đa" in page
    response = client.post(
        settings_url(setup_period), post_data(setup_period, bonus_cap="3", deduction_cap="2,5")
    )
    assert response.status_code == 302
    setup_period.refresh_from_db()
    assert (setup_period.bonus_cap, setup_period.deduction_cap) == (D("3"), D("2.5"))
    latest = setup_period.history.first()
    assert (latest.bonus_cap, latest.deduction_cap, latest.history_user) == (D("3"), D("2.5"), secretariat)
    page = client.get(settings_url(setup_period)).content.decode()
    assert 'value="2,5"' in page  # shown the way it is typed
    client.post(settings_url(setup_period), post_data(setup_period, bonus_cap="", deduction_cap="2,5"))
    setup_period.refresh_from_db()
    assert setup_period.bonus_cap is None  # empty: no cap beyond the nodes' maxima


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "Mức tối đa không được âm"),
        ("101", "vượt điểm tối đa 100"),
        ("1,234", "có quá 2 chữ số thập phân"),
        ("ba", "không phải là số"),
    ],
)
def test_bad_caps_are_refused_next_to_their_field_and_change_nothing(
    client, secretariat, setup_period, value, message
):
    client.force_login(secretariat)
    response = client.post(settings_url(setup_period), post_data(setup_period, deduction_cap=value))
    assert response.status_code == 200
    assert message in response.content.decode()
    setup_period.refresh_from_db()
    assert setup_period.deduction_cap is None


def test_caps_are_fixed_once_the_period_is_open(client, secretariat, open_period):
    client.force_login(secretariat)
    data = post_data(open_period, bonus_cap="3")
    for field in ("self_assessment_deadline", "appraisal_deadline", "explanation_deadline"):
        value = getattr(open_period, field)
        data[field] = value.strftime("%d/%m/%Y") if value else ""
    final = open_period.final_appraisal_deadline
    data["final_appraisal_deadline"] = final.strftime("%d/%m/%Y") if final else ""
    response = client.post(settings_url(open_period), data)
    assert response.status_code == 200
    assert "Chỉ đổi điểm thưởng, điểm trừ tối đa khi kỳ đánh giá đang thiết lập" in response.content.decode()
    open_period.refresh_from_db()
    assert open_period.bonus_cap is None


def test_only_the_secretariat_reaches_the_caps(client, officer_justice, setup_period):
    client.force_login(officer_justice)
    assert client.post(settings_url(setup_period), post_data(setup_period, bonus_cap="3")).status_code == 404
    client.logout()
    assert client.post(settings_url(setup_period), post_data(setup_period, bonus_cap="3")).status_code == 302
    setup_period.refresh_from_db()
    assert setup_period.bonus_cap is None


def test_the_service_refuses_caps_outside_0_to_100_whoever_calls_it(secretariat, setup_period):
    for bad, message in (
        (D("-0.5"), "không được âm"),
        (D("100.01"), "vượt 100 điểm"),
        (D("NaN"), "phải là số"),
    ):
        with pytest.raises(ValidationError, match=message):
            services.period_update(
                period=setup_period,
                acting_user=secretariat,
                title=setup_period.title,
                deadlines={},
                caps={"bonus_cap": bad},
            )
    setup_period.refresh_from_db()
    assert setup_period.bonus_cap is None


def test_a_period_made_from_last_years_keeps_its_caps(secretariat, setup_period):
    setup_period.bonus_cap, setup_period.deduction_cap = D("3"), D("4")
    setup_period.save()
    copy = services.period_create_from_previous(
        acting_user=secretariat, previous=setup_period, code="thu-muc-thuong-2", year=2032, title="Năm sau"
    )
    assert (copy.bonus_cap, copy.deduction_cap) == (D("3"), D("4"))


FORM_SETTINGS = settings(
    max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@FORM_SETTINGS
@given(text=st.text(max_size=12) | st.from_regex(r"-?[0-9]{1,4}([.,][0-9]{0,4})?", fullmatch=True))
def test_any_typed_cap_is_a_value_from_0_to_100_with_2_places_or_a_vietnamese_message(text):
    form = PeriodSettingsForm({"title": "Kỳ", "note": "", "bonus_cap": text, "deduction_cap": ""})
    if form.is_valid():
        value = form.cleaned_data["bonus_cap"]
        assert value is None or (D(0) <= value <= D(100) and decimal_places(value) <= 2)
        assert form.caps() == {"bonus_cap": value, "deduction_cap": None}
    else:
        errors = form.errors["bonus_cap"]
        assert errors
        assert all(any(ch in error for ch in "ăâđêôơưàáạảãèéẹẻẽ") for error in errors), errors
