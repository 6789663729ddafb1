"""Shared fixtures: reference data, the demo, the named personas of ARCHITECTURE.md and scenario fixtures.

Personas: the officer and the leader of Sở Tư pháp, an officer of Sở Y tế, an appraiser, the secretariat, and
anonymous visitors (the plain `client`). Scenarios are built through the services, as users would through the
screens: the demo's current period open for self-assessment, an assessment submitted, a period under
appraisal, an assessment returned for explanation, a period in final appraisal. Test modules never import
each other; what several need lives here.
"""

from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

from scoring import services
from scoring.models import Assessment, Period
from tests.scenarios import PASSWORD, advance, appraise_all, make_user, self_values

FAST_HASHERS = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
FAST_HASHERS.enable()  # test accounts only; a fast hasher keeps logins and account creation cheap


@pytest.fixture(autouse=True)
def _test_storage(tmp_path, settings):
    """Uploads go to a temporary folder; static files need no collectstatic manifest in tests."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, tmp_path_factory):
    """Load the reference data and seed the demo once; each test then runs in a rolled-back transaction."""
    from django.db import connections

    from scoring import demo as demo_module

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media")):
        call_command("load_reference", verbosity=0)
        users, _ = demo_module.demo_accounts()
        demo_module.seed(actor=users["sonoivu"], accounts=users)
        for user in users.values():  # the demo's accounts log in with a known password in tests
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        # Transactional tests (serialized_rollback=True) restore this seeded state, not an empty database.
        for alias in connections:
            connections[alias]._test_serialized_contents = connections[
                alias
            ].creation.serialize_db_to_string()


@pytest.fixture
def reference(db):
    """Units, unit groups and the QĐ 2948/QĐ-BNV framework, as `make run` loads them (loaded per session)."""


@pytest.fixture
def demo(reference):
    """The whole demo: Cần Thơ 2017 periods published, the current year's period in self-assessment."""


# ---------------------------------------------------------------- personas


@pytest.fixture
def secretariat(demo):
    from units.scope import SECRETARIAT_GROUP

    return make_user("sonoivu-test", SECRETARIAT_GROUP)


@pytest.fixture
def officer_justice(demo):
    """An officer of Sở Tư pháp."""
    from scoring.roles import OFFICER_GROUP

    return make_user("canbo-stp-test", OFFICER_GROUP, unit_code="92-stp")


@pytest.fixture
def leader_justice(demo):
    """The leader of Sở Tư pháp (submits and withdraws)."""
    from scoring.roles import OFFICER_GROUP

    return make_user("lanhdao-stp-test", OFFICER_GROUP, unit_code="92-stp", role="leader")


@pytest.fixture
def officer_health(demo):
    """An officer of Sở Y tế."""
    from scoring.roles import OFFICER_GROUP

    return make_user("canbo-syt-test", OFFICER_GROUP, unit_code="92-syt")


@pytest.fixture
def appraiser(open_period, secretariat):
    """An appraiser assigned to every unit of the current period."""
    from scoring.roles import APPRAISER_GROUP

    user = make_user("thamdinh-test", APPRAISER_GROUP)
    services.appraisers_assign(period=open_period, acting_user=secretariat, appraiser=user)
    return user


# ---------------------------------------------------------------- scenarios


@pytest.fixture
def open_period(demo):
    """The demo's current-year department period, open for self-assessment (deadline in 14 days)."""
    from scoring import demo_current, policy

    return Period.objects.get(code=demo_current.current_code(policy.today().year))


@pytest.fixture
def justice(open_period):
    """Sở Tư pháp's assessment in the current period (a draft, partly filled)."""
    return Assessment.objects.get(period=open_period, unit__code="92-stp")


@pytest.fixture
def health(open_period):
    """Sở Y tế's assessment in the current period (submitted by the demo's leader)."""
    return Assessment.objects.get(period=open_period, unit__code="92-syt")


@pytest.fixture
def submitted(justice, leader_justice):
    """Sở Tư pháp's self-assessment filled and submitted by its leader."""
    values, versions = self_values(justice)
    services.self_assessment_submit(
        assessment=justice, acting_user=leader_justice, values=values, versions=versions
    )
    justice.refresh_from_db()
    return justice


@pytest.fixture
def under_appraisal(submitted, appraiser, secretariat, open_period):
    """The current period in appraisal: Sở Tư pháp submitted, the others locked as not submitted on time."""
    advance(open_period, secretariat)
    submitted.refresh_from_db()
    return submitted


@pytest.fixture
def returned(under_appraisal, appraiser, secretariat, open_period):
    """Sở Tư pháp's assessment appraised in round 1 (1.2 lowered with a request) and returned; the period in
    explanation."""
    appraise_all(
        under_appraisal,
        appraiser,
        changes={
            "1.2": {
                "points": D("1"),
                "reason": "Thiếu báo cáo quý IV",
                "explanation_request": "Gửi báo cáo quý IV",
            }
        },
    )
    services.appraisal_return(
        assessment=under_appraisal, acting_user=appraiser, note="Đề nghị giải trình 1.2"
    )
    advance(open_period, secretariat)
    under_appraisal.refresh_from_db()
    return under_appraisal
