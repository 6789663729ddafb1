"""Personas of the account pages beside those of tests/conftest.py: an appraiser and a superuser."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from units.scope import APPRAISER_GROUP


@pytest.fixture
def appraiser(demo):
    user = get_user_model().objects.create_user(
        "thamdinh-test", password="irrelevant-in-tests", is_staff=True, first_name="Trần Thị Thẩm"
    )
    user.groups.add(Group.objects.get(name=APPRAISER_GROUP))
    return user


@pytest.fixture
def superuser(demo):
    return get_user_model().objects.create_superuser("quantri-test", "quantri@example.gov.vn", "irrelevant-1")
