"""What the secretariat may not do with accounts, and who may not open the account pages at all."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from units import services
from units.models import Membership, Unit
from units.scope import OFFICER_GROUP, SECRETARIAT_GROUP

pytestmark = pytest.mark.django_db
User = get_user_model()

ADD_URL = reverse("admin:auth_user_add")
LIST_URL = reverse("admin:auth_user_changelist")
NO_MEMBERSHIPS = {
    "unit_memberships-TOTAL_FORMS": "0",
    "unit_memberships-INITIAL_FORMS": "0",
    "unit_memberships-MIN_NUM_FORMS": "0",
    "unit_memberships-MAX_NUM_FORMS": "1000",
}


def own_account_post(user, **changes):
    memberships = list(Membership.objects.filter(user=user))
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "email": user.email,
        "role": "secretariat",
        "is_active": "on",
        "unit_memberships-TOTAL_FORMS": str(len(memberships)),
        "unit_memberships-INITIAL_FORMS": str(len(memberships)),
        "unit_memberships-MIN_NUM_FORMS": "0",
        "unit_memberships-MAX_NUM_FORMS": "1000",
        "_save": "Lưu lại",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_posting_superuser_and_permissions_on_the_add_form_is_ignored(client, secretariat):
    client.force_login(secretariat)
    permission = Permission.objects.get(codename="delete_user")
    other_group = Group.objects.create(name="Nhóm tuỳ ý")
    response = client.post(
        ADD_URL,
        {
            "username": "leo-thang",
            "first_name": "Thử leo thang",
            "role": "secretariat",
            "is_superuser": "on",
            "is_staff": "",
            "user_permissions": [str(permission.pk)],
            "groups": [str(other_group.pk)],
            "password1": "Mat-khau-tu-dat-2026",
            "password2": "Mat-khau-tu-dat-2026",
            **NO_MEMBERSHIPS,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="leo-thang")
    assert not user.is_superuser
    assert not user.user_permissions.exists()
    assert list(user.groups.values_list("name", flat=True)) == [SECRETARIAT_GROUP]
    assert not user.has_usable_password()


def test_secretariat_cannot_open_or_change_a_superuser(client, secretariat, superuser):
    client.force_login(secretariat)
    urls = [
        reverse("admin:auth_user_change", args=[superuser.pk]),
        reverse("admin:auth_user_history", args=[superuser.pk]),
        reverse("admin:auth_user_password_link", args=[superuser.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Không tìm thấy trang" in response.content.decode()
    response = client.post(urls[0], own_account_post(superuser, role="unit", is_active=None, email="x@y.vn"))
    assert response.status_code == 404
    superuser.refresh_from_db()
    assert superuser.is_active
    assert superuser.is_superuser
    assert superuser.email == "quantri@example.gov.vn"
    response = client.get(reverse("admin:auth_user_password_change", args=[superuser.pk]))
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.content.decode()
    assert superuser.username not in client.get(LIST_URL).content.decode()
    response = client.post(
        LIST_URL, {"action": "deactivate_selected", "_selected_action": [str(superuser.pk)]}
    )
    superuser.refresh_from_db()
    assert superuser.is_active
    with pytest.raises(PermissionDenied, match="quản trị hệ thống"):
        services.account_deactivate(users=[superuser], acting_user=secretariat)
    with pytest.raises(PermissionDenied):
        services.password_link_send(user=superuser, acting_user=secretariat, base_url="http://x")


def test_secretariat_cannot_change_its_own_role_active_flag_or_units(client, secretariat):
    client.force_login(secretariat)
    url = reverse("admin:auth_user_change", args=[secretariat.pk])
    html = client.get(url).content.decode()
    assert "Bạn không tự đổi vai trò hay trạng thái của chính mình" in html
    response = client.post(
        url,
        own_account_post(
            secretariat,
            role="appraiser",
            is_active=None,
            first_name="Tự sửa tên",
            **{
                "unit_memberships-TOTAL_FORMS": "1",
                "unit_memberships-0-unit": str(Unit.objects.get(code="92-stp").pk),
                "unit_memberships-0-role": "leader",
            },
        ),
    )
    assert response.status_code == 302
    secretariat.refresh_from_db()
    assert secretariat.first_name == "Tự sửa tên"  # the name is one's own to fix
    assert secretariat.is_active
    assert list(secretariat.groups.values_list("name", flat=True)) == [SECRETARIAT_GROUP]
    assert not secretariat.unit_memberships.exists()

    response = client.post(
        LIST_URL, {"action": "deactivate_selected", "_selected_action": [str(secretariat.pk)]}, follow=True
    )
    assert "Bạn không tự ngừng hoạt động tài khoản của chính mình." in response.content.decode()
    secretariat.refresh_from_db()
    assert secretariat.is_active

    for change in [{"role": "unit"}, {"is_active": False}]:
        arguments = {
            "username": secretariat.username,
            "first_name": secretariat.first_name,
            "last_name": "",
            "email": "",
            "role": "secretariat",
            "is_active": True,
            **change,
        }
        with pytest.raises(PermissionDenied, match="chính mình"):
            services.account_update(user=secretariat, acting_user=secretariat, **arguments)
    justice = Unit.objects.get(code="92-stp")
    with pytest.raises(PermissionDenied):
        services.membership_save(acting_user=secretariat, user=secretariat, unit=justice, role="officer")


def test_secretariat_cannot_set_passwords_directly(client, secretariat, officer_justice):
    client.force_login(secretariat)
    url = reverse("admin:auth_user_password_change", args=[officer_justice.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": "Mat-khau-moi-2026!", "password2": "Mat-khau-moi-2026!"})
    assert response.status_code == 403
    assert "Cấp liên kết đặt mật khẩu" in response.content.decode()
    officer_justice.refresh_from_db()
    assert not officer_justice.check_password("Mat-khau-moi-2026!")


def test_secretariat_cannot_open_groups_or_delete_accounts(client, secretariat, officer_justice):
    client.force_login(secretariat)
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_user_delete", args=[officer_justice.pk])).status_code == 403
    assert "delete_selected" not in client.get(LIST_URL).content.decode()


@pytest.mark.parametrize("persona", ["officer_justice", "appraiser"])
def test_officers_and_appraisers_cannot_open_the_account_pages(client, request, persona, secretariat):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    for url in [
        LIST_URL,
        ADD_URL,
        reverse("admin:auth_user_change", args=[secretariat.pk]),
        reverse("admin:auth_user_change", args=[user.pk]),
        reverse("admin:auth_user_history", args=[secretariat.pk]),
        reverse("admin:auth_user_password_link", args=[secretariat.pk]),
        reverse("admin:units_membership_changelist"),
    ]:
        response = client.get(url)
        assert response.status_code in (403, 404), url
        html = response.content.decode()
        assert "Không có quyền truy cập" in html or "Không tìm thấy trang" in html, url
        assert "403 Forbidden" not in html
    response = client.post(ADD_URL, {"username": "x", "role": "secretariat", **NO_MEMBERSHIPS})
    assert response.status_code == 403
    assert not User.objects.filter(username="x").exists()
    with pytest.raises(PermissionDenied, match="Chỉ Sở Nội vụ"):
        services.account_create(acting_user=user, username="y", role="secretariat", base_url="http://x")


def test_anonymous_visitors_are_sent_to_login(client, demo):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert "/quan-tri/login/" in response["Location"]


def test_refusals_change_nothing(secretariat, officer_justice):
    """A service refusal (here: a unit role without units) leaves the account and its history as they were."""
    from django.core.exceptions import ValidationError

    before = (officer_justice.history.count(), Membership.history.count(), Membership.objects.count())
    with pytest.raises(ValidationError):
        services.account_update(
            user=officer_justice,
            acting_user=secretariat,
            username="doi-ten",
            first_name="Đổi tên",
            last_name="",
            email="",
            role="unit",
            is_active=True,
            memberships=[],
        )
    officer_justice.refresh_from_db()
    assert officer_justice.username == "canbo-stp-test"
    assert list(officer_justice.groups.values_list("name", flat=True)) == [OFFICER_GROUP]
    assert before == (officer_justice.history.count(), Membership.history.count(), Membership.objects.count())
