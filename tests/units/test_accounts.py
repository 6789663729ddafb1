"""The secretariat manages accounts without superuser rights: create, list, edit, deactivate, with history."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from units.models import Membership, Unit
from units.scope import APPRAISER_GROUP, OFFICER_GROUP, SECRETARIAT_GROUP

pytestmark = pytest.mark.django_db
User = get_user_model()

ADD_URL = reverse("admin:auth_user_add")
LIST_URL = reverse("admin:auth_user_changelist")


def membership_management(total=1, initial=0):
    return {
        "unit_memberships-TOTAL_FORMS": str(total),
        "unit_memberships-INITIAL_FORMS": str(initial),
        "unit_memberships-MIN_NUM_FORMS": "0",
        "unit_memberships-MAX_NUM_FORMS": "1000",
    }


def add_officer_post(unit, **extra):
    data = {
        "username": "nguyenvanan.stp",
        "first_name": "Nguyễn Văn An",
        "email": "",
        "role": "unit",
        **membership_management(),
        "unit_memberships-0-unit": str(unit.pk),
        "unit_memberships-0-role": "officer",
        "_save": "Lưu lại",
    }
    data.update(extra)
    return data


def change_post(user, **changes):
    """The change form as the secretariat sees it, with the account's current values and memberships."""
    memberships = list(Membership.objects.filter(user=user).order_by("pk"))
    role = {SECRETARIAT_GROUP: "secretariat", OFFICER_GROUP: "unit", APPRAISER_GROUP: "appraiser"}
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "email": user.email,
        "role": next(role[g.name] for g in user.groups.all() if g.name in role),
        **membership_management(total=len(memberships), initial=len(memberships)),
        "_save": "Lưu lại",
    }
    if user.is_active:
        data["is_active"] = "on"
    for index, membership in enumerate(memberships):
        data[f"unit_memberships-{index}-id"] = str(membership.pk)
        data[f"unit_memberships-{index}-user"] = str(user.pk)
        data[f"unit_memberships-{index}-unit"] = str(membership.unit_id)
        data[f"unit_memberships-{index}-role"] = membership.role
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_secretariat_opens_the_user_pages_in_vietnamese(client, secretariat, officer_justice):
    client.force_login(secretariat)
    for url in [LIST_URL, ADD_URL, reverse("admin:auth_user_change", args=[officer_justice.pk])]:
        response = client.get(url)
        assert response.status_code == 200, url
    html = client.get(LIST_URL).content.decode()
    for heading in [
        "Họ và tên",
        "Tên đăng nhập",
        "Email",
        "Vai trò",
        "Đơn vị",
        "Đăng nhập cuối",
        "Hoạt động",
    ]:
        assert heading in html
    assert "Theo trạng thái" in html
    assert "Đã ngừng hoạt động" in html


def test_secretariat_creates_lists_edits_and_deactivates_an_officer(
    client, secretariat, django_capture_on_commit_callbacks, mailoutbox
):
    justice, health = Unit.objects.get(code="92-stp"), Unit.objects.get(code="92-syt")
    client.force_login(secretariat)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ADD_URL, add_officer_post(justice, email="an@stp.cantho.gov.vn"))
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="nguyenvanan.stp")
    assert user.is_staff
    assert user.is_active
    assert not user.is_superuser
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [OFFICER_GROUP]
    assert list(user.unit_memberships.values_list("unit__code", "role")) == [("92-stp", "officer")]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["an@stp.cantho.gov.vn"]

    html = client.get(LIST_URL + "?q=nguyenvanan").content.decode()
    assert "nguyenvanan.stp" in html
    assert "Nguyễn Văn An" in html
    assert "Sở Tư pháp" in html
    assert "Cán bộ đơn vị" in html
    assert "Chưa đăng nhập" in html

    change_url = reverse("admin:auth_user_change", args=[user.pk])
    data = change_post(user, first_name="Nguyễn Văn Ân", email="an.nguyen@stp.cantho.gov.vn")
    data["unit_memberships-0-role"] = "leader"
    data["unit_memberships-TOTAL_FORMS"] = "2"
    data["unit_memberships-1-unit"] = str(health.pk)
    data["unit_memberships-1-role"] = "officer"
    response = client.post(change_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert (user.first_name, user.email) == ("Nguyễn Văn Ân", "an.nguyen@stp.cantho.gov.vn")
    assert set(user.unit_memberships.values_list("unit__code", "role")) == {
        ("92-stp", "leader"),
        ("92-syt", "officer"),
    }

    response = client.post(LIST_URL, {"action": "deactivate_selected", "_selected_action": [str(user.pk)]})
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert "nguyenvanan.stp" in client.get(LIST_URL + "?trang_thai=ngung-hoat-dong").content.decode()
    assert "nguyenvanan.stp" not in client.get(LIST_URL + "?trang_thai=dang-hoat-dong").content.decode()

    # Every change names the secretariat, with before and after.
    rows = list(user.history.order_by("history_date", "history_id"))
    assert [row.history_change_reason for row in rows] == [
        "Tạo tài khoản",
        "Sửa tài khoản",
        "Ngừng hoạt động tài khoản",
    ]
    assert {row.history_user for row in rows} == {secretariat}
    assert [list(row.groups.values_list("group__name", flat=True)) for row in rows] == [[OFFICER_GROUP]] * 3
    edit = {change.field: (change.old, change.new) for change in rows[1].diff_against(rows[0]).changes}
    assert edit == {
        "first_name": ("Nguyễn Văn An", "Nguyễn Văn Ân"),
        "email": ("an@stp.cantho.gov.vn", "an.nguyen@stp.cantho.gov.vn"),
    }
    assert {c.field: (c.old, c.new) for c in rows[2].diff_against(rows[1]).changes} == {
        "is_active": (True, False)
    }
    membership_rows = Membership.history.filter(user_id=user.pk).order_by("history_id")
    assert [(row.history_type, row.role, row.history_user) for row in membership_rows] == [
        ("+", "officer", secretariat),
        ("~", "leader", secretariat),
        ("+", "officer", secretariat),
    ]

    history_html = client.get(reverse("admin:auth_user_history", args=[user.pk])).content.decode()
    assert "Ngừng hoạt động tài khoản" in history_html
    assert "Nguyễn Văn An → Nguyễn Văn Ân" in history_html
    assert "Đang hoạt động:</strong> Có → Không" in history_html
    assert "Người thực hiện:" in history_html
    assert secretariat.username in history_html
    assert "Đơn vị công tác" in history_html
    assert "Cán bộ đầu mối → Lãnh đạo đơn vị" in history_html
    # The history page is linked from the account page.
    assert reverse("admin:auth_user_history", args=[user.pk]) in client.get(change_url).content.decode()


def test_a_deactivated_account_cannot_log_in(client, officer_justice, secretariat):
    from units import services

    officer_justice.set_password("Mat-khau-du-dai-2026")
    officer_justice.save()
    assert client.login(username=officer_justice.username, password="Mat-khau-du-dai-2026")
    services.account_deactivate(users=[officer_justice], acting_user=secretariat)
    # The open session ends at the next request, and a new login is refused.
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/quan-tri/login/" in response["Location"]
    assert not client.login(username=officer_justice.username, password="Mat-khau-du-dai-2026")
    client.logout()
    response = client.post(
        reverse("admin:login"), {"username": officer_justice.username, "password": "Mat-khau-du-dai-2026"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_new_account_without_email_shows_its_link_once(client, secretariat):
    client.force_login(secretariat)
    data = add_officer_post(Unit.objects.get(code="92-stp"))
    response = client.post(ADD_URL, data, follow=True)
    html = response.content.decode()
    assert "chưa có email" in html
    assert "/tai-khoan/dat-mat-khau/" in html
    user = User.objects.get(username="nguyenvanan.stp")
    again = client.get(reverse("admin:auth_user_change", args=[user.pk])).content.decode()
    assert "/tai-khoan/dat-mat-khau/" not in again


def test_the_role_decides_the_units(client, secretariat):
    client.force_login(secretariat)
    justice = Unit.objects.get(code="92-stp")
    without_unit = add_officer_post(justice)
    del without_unit["unit_memberships-0-unit"]
    response = client.post(ADD_URL, without_unit)
    assert response.status_code == 200
    assert "cần ít nhất một đơn vị công tác" in response.content.decode()
    response = client.post(ADD_URL, add_officer_post(justice, role="appraiser"))
    assert response.status_code == 200
    assert (
        "Chỉ tài khoản cán bộ đầu mối hoặc lãnh đạo đơn vị mới có đơn vị công tác"
        in response.content.decode()
    )
    assert not User.objects.filter(username="nguyenvanan.stp").exists()

    appraiser_post = add_officer_post(justice, role="appraiser", username="tranthithu.td")
    del appraiser_post["unit_memberships-0-unit"]
    assert client.post(ADD_URL, appraiser_post).status_code == 302
    created = User.objects.get(username="tranthithu.td")
    assert list(created.groups.values_list("name", flat=True)) == [APPRAISER_GROUP]
    assert not created.unit_memberships.exists()


def test_usernames_are_unique_whatever_the_case(client, secretariat, officer_justice):
    client.force_login(secretariat)
    data = add_officer_post(Unit.objects.get(code="92-stp"), username=officer_justice.username.upper())
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "Tên đăng nhập đã được dùng cho một tài khoản khác." in response.content.decode()


def test_secretariat_sets_memberships_on_the_membership_page_with_history(
    client, secretariat, officer_justice, appraiser
):
    client.force_login(secretariat)
    health = Unit.objects.get(code="92-syt")
    add_url = reverse("admin:units_membership_add")
    response = client.post(add_url, {"user": officer_justice.pk, "unit": health.pk, "role": "leader"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=officer_justice, unit=health)
    assert membership.history.get().history_user == secretariat

    response = client.post(add_url, {"user": appraiser.pk, "unit": health.pk, "role": "officer"})
    assert response.status_code == 200
    assert not Membership.objects.filter(user=appraiser).exists()

    response = client.post(reverse("admin:units_membership_delete", args=[membership.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert [
        row.history_type for row in Membership.history.filter(id=membership.pk).order_by("history_id")
    ] == [
        "+",
        "-",
    ]
    assert Membership.history.filter(id=membership.pk, history_type="-").get().history_user == secretariat
    page = client.get(
        reverse("admin:units_membership_history", args=[officer_justice.unit_memberships.get().pk])
    )
    assert page.status_code == 200


def test_the_secretariat_holds_exactly_the_account_permissions_it_needs(secretariat):
    group = Group.objects.get(name=SECRETARIAT_GROUP)
    auth_codes = set(
        group.permissions.filter(content_type__app_label="auth").values_list("codename", flat=True)
    )
    assert auth_codes == {"view_user", "add_user", "change_user"}
    assert not Permission.objects.filter(group__name=OFFICER_GROUP, content_type__app_label="auth").exists()
    assert not Permission.objects.filter(group__name=APPRAISER_GROUP, content_type__app_label="auth").exists()


def test_group_names_live_in_units_and_scoring_reexports_them():
    import ast
    from pathlib import Path

    from scoring import roles
    from units import scope

    assert (roles.SECRETARIAT_GROUP, roles.OFFICER_GROUP, roles.APPRAISER_GROUP) == (
        scope.SECRETARIAT_GROUP,
        scope.OFFICER_GROUP,
        scope.APPRAISER_GROUP,
    )
    units_dir = Path(scope.__file__).parent
    for path in units_dir.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(name == "scoring" or name.startswith("scoring.") for name in names), path


def test_logging_in_writes_no_account_history(client, officer_justice):
    officer_justice.set_password("Mat-khau-du-dai-2026")
    officer_justice.save()
    before = officer_justice.history.count()
    assert client.login(username=officer_justice.username, password="Mat-khau-du-dai-2026")
    officer_justice.refresh_from_db()
    assert officer_justice.last_login is not None
    assert officer_justice.history.count() == before


def test_superusers_keep_djangos_full_user_admin(client, superuser, officer_justice):
    client.force_login(superuser)
    change = client.get(reverse("admin:auth_user_change", args=[officer_justice.pk])).content.decode()
    for field in ["id_is_superuser", "id_user_permissions", "id_groups", "id_last_name"]:
        assert field in change
    assert (
        client.get(reverse("admin:auth_user_password_change", args=[officer_justice.pk])).status_code == 200
    )
    response = client.post(
        ADD_URL,
        {
            "username": "quantri-2",
            "usable_password": "true",
            "password1": "Mat-khau-quan-tri-2026",
            "password2": "Mat-khau-quan-tri-2026",
            **membership_management(total=0),
        },
    )
    assert response.status_code == 302
    created = User.objects.get(username="quantri-2")
    assert created.check_password("Mat-khau-quan-tri-2026")
    assert created.history.get().history_user == superuser
