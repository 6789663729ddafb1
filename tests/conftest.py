"""Shared fixtures: reference data, the demo, and the named personas of ARCHITECTURE.md."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from units.models import Membership, Unit


@pytest.fixture(autouse=True)
def _test_storage(tmp_path, settings):
    """Uploads go to a temporary folder; static files need no collectstatic manifest in tests."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference data and seed the demo once; each test then runs in a rolled-back transaction."""
    from django.db import connections

    from scoring import demo as demo_module

    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)
        demo_module.seed()
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
    """The whole demo (Cần Thơ 2017 periods published, 2018 in self-assessment) and its roles."""


def _staff(username, *, group=None, unit_code=None):
    user = get_user_model().objects.create_user(
        username=username, password="irrelevant-in-tests", is_staff=True
    )
    if group is not None:
        user.groups.add(group)
    if unit_code is not None:
        Membership.objects.create(user=user, unit=Unit.objects.get(code=unit_code), role="officer")
    return user


@pytest.fixture
def secretariat(demo):
    from django.contrib.auth.models import Group

    from units.scope import SECRETARIAT_GROUP

    return _staff("sonoivu-test", group=Group.objects.get(name=SECRETARIAT_GROUP))


@pytest.fixture
def officer_justice(demo):
    """An officer of Sở Tư pháp."""
    from django.contrib.auth.models import Group

    from scoring.roles import OFFICER_GROUP

    return _staff("canbo-stp-test", group=Group.objects.get(name=OFFICER_GROUP), unit_code="92-stp")


@pytest.fixture
def officer_health(demo):
    """An officer of Sở Y tế."""
    from django.contrib.auth.models import Group

    from scoring.roles import OFFICER_GROUP

    return _staff("canbo-syt-test", group=Group.objects.get(name=OFFICER_GROUP), unit_code="92-syt")
