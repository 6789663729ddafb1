"""Random input to the account forms (NUL bytes, over-long text, non-ASCII digits, made-up ids): never a
server error, and nothing changes when the form refuses."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from units.models import Membership, Unit

pytestmark = pytest.mark.django_db
User = get_user_model()

NASTY = st.sampled_from(
    ["\x00", "١٢٣", "৪৫", "𝟘𝟙", "Đ", "ấ", "'", '"', "<", ">", "&", " ", "\n", "@", ".", "-", "_"]
)
TEXT = st.one_of(
    st.text(max_size=40),
    st.lists(st.one_of(NASTY, st.characters()), max_size=30).map("".join),
    st.integers(min_value=151, max_value=400).map(lambda n: "a" * n),
    st.sampled_from(["", "nguyenvana", "a@b.vn", "canbo-stp-test", "CANBO-STP-TEST"]),
)
ID = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["", "0", "-1", "abc", "1.5", "١", "9" * 30, "\x00"]),
    TEXT,
)
FIELDS = [
    "username",
    "first_name",
    "email",
    "role",
    "is_active",
    "unit_memberships-TOTAL_FORMS",
    "unit_memberships-INITIAL_FORMS",
    "unit_memberships-0-unit",
    "unit_memberships-0-role",
    "unit_memberships-0-id",
    "unit_memberships-1-unit",
    "unit_memberships-1-role",
]


@st.composite
def posts(draw):
    """A valid appraiser account, with zero to four fields replaced by random text or made-up ids."""
    data = {
        "username": draw(st.from_regex(r"[a-z][a-z0-9._-]{2,20}", fullmatch=True)),
        "first_name": draw(st.text(max_size=30).filter(lambda text: "\x00" not in text)),
        "email": draw(st.sampled_from(["", "a@b.vn", "can.bo@stp.cantho.gov.vn"])),
        "role": "appraiser",
        "is_active": "on",
        "unit_memberships-TOTAL_FORMS": "0",
        "unit_memberships-INITIAL_FORMS": "0",
    }
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=4, unique=True)):
        data[name] = draw(ID if name.endswith(("unit", "-id")) else TEXT)
    return data


SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
    database=None,
)


def snapshot():
    return (
        sorted(
            User.objects.values_list("pk", "username", "first_name", "email", "is_active", "is_superuser")
        ),
        sorted(User.groups.through.objects.values_list("user_id", "group_id")),
        sorted(Membership.objects.values_list("user_id", "unit_id", "role")),
        User.history.count(),
        Membership.history.count(),
    )


def clean(data):
    data = {key: value for key, value in data.items() if value != ""}
    data.setdefault("unit_memberships-MIN_NUM_FORMS", "0")
    data.setdefault("unit_memberships-MAX_NUM_FORMS", "1000")
    return data


@SETTINGS
@given(data=posts())
def test_random_posts_to_the_add_form(client, secretariat, data):
    client.force_login(secretariat)
    before = snapshot()
    response = client.post(reverse("admin:auth_user_add"), clean(data))
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert snapshot() == before
    else:
        created = User.objects.latest("pk")
        assert created.is_staff
        assert not created.is_superuser
        assert "\x00" not in created.username


@SETTINGS
@given(data=posts(), target=st.one_of(st.just("officer"), ID))
def test_random_posts_to_the_change_form(client, secretariat, officer_justice, data, target):
    client.force_login(secretariat)
    pk = str(officer_justice.pk) if target == "officer" else target
    before = snapshot()
    if "/" in pk or not pk.strip() or "\x00" in pk:
        pk = "khong-co"
    response = client.post(f"/quan-tri/auth/user/{pk}/change/", clean(data))
    assert response.status_code in (200, 302, 404)
    if response.status_code != 302:
        assert snapshot() == before
    officer_justice.refresh_from_db()
    assert not officer_justice.is_superuser


def test_the_units_of_the_fixtures_exist():
    # The strategies post unit ids that mostly do not exist; make sure some do.
    assert Unit.objects.exists()
