"""One-time set-password links: e-mailed after commit, shown once without e-mail, good for one use only."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from units import services
from units.models import Unit
from units.services import MembershipRow

pytestmark = pytest.mark.django_db
PASSWORD = "Cai-dat-mat-khau-2026"


def create(secretariat, email=""):
    return services.account_create(
        acting_user=secretariat,
        username="lethib.syt",
        first_name="Lê Thị Bình",
        email=email,
        role="unit",
        memberships=[MembershipRow(unit=Unit.objects.get(code="92-syt"), role="leader")],
        base_url="http://testserver/",
    )


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


def test_the_link_is_emailed_after_commit_and_works_once(
    client, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        user, link = create(secretariat, email="binh@syt.cantho.gov.vn")
        assert mailoutbox == []  # never inside the transaction
    for callback in callbacks:
        callback()
    assert link.emailed_to == "binh@syt.cantho.gov.vn"
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["binh@syt.cantho.gov.vn"]
    assert "Đặt mật khẩu" in mail.subject
    assert link.url in mail.body
    assert "một lần" in mail.body

    response = client.get(path_of(link.url))
    assert response.status_code == 302
    form_url = response["Location"]
    assert form_url.endswith("/nhap-mat-khau/")
    page = client.get(form_url).content.decode()
    assert "Mật khẩu mới" in page
    assert "Nhập lại mật khẩu mới" in page
    assert "lethib.syt" in page

    response = client.post(form_url, {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 200
    refused = response.content.decode()
    assert "Mật khẩu quá ngắn: cần ít nhất 10 ký tự." in refused
    assert "Mật khẩu không được chỉ gồm chữ số." in refused
    assert "This password" not in refused
    response = client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD + "x"})
    assert "Hai mật khẩu không khớp nhau." in response.content.decode()
    user.refresh_from_db()
    assert not user.has_usable_password()

    response = client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_set_password_done")
    assert "Mật khẩu đã được đặt" in client.get(response["Location"]).content.decode()
    assert client.login(username="lethib.syt", password=PASSWORD)
    client.logout()

    reused = client.get(path_of(link.url), follow=True)
    assert reused.status_code == 200
    assert "Liên kết đặt mật khẩu không hợp lệ, đã hết hạn hoặc đã được dùng." in reused.content.decode()
    rows = list(user.history.order_by("history_id"))
    assert [(row.history_change_reason, row.history_user) for row in rows] == [
        ("Tạo tài khoản", secretariat),
        ("Đặt mật khẩu qua liên kết", user),
    ]


def test_a_link_for_an_account_without_email_is_not_sent(
    secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _user, link = create(secretariat)
    assert link.emailed_to == ""
    assert "/tai-khoan/dat-mat-khau/" in link.url
    assert mailoutbox == []


def test_the_secretariat_issues_a_new_link_from_the_account_page(
    client, secretariat, officer_justice, mailoutbox, django_capture_on_commit_callbacks
):
    officer_justice.email = "canbo@stp.cantho.gov.vn"
    officer_justice.set_password("Mat-khau-cu-2026")
    officer_justice.save()
    client.force_login(secretariat)
    change_page = client.get(reverse("admin:auth_user_change", args=[officer_justice.pk])).content.decode()
    link_url = reverse("admin:auth_user_password_link", args=[officer_justice.pk])
    assert link_url in change_page
    confirm = client.get(link_url).content.decode()
    assert "canbo@stp.cantho.gov.vn" in confirm
    assert "một lần" in confirm
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link_url, follow=True)
    assert "Đã gửi liên kết đặt mật khẩu tới canbo@stp.cantho.gov.vn" in response.content.decode()
    assert len(mailoutbox) == 1
    officer_justice.refresh_from_db()
    assert officer_justice.check_password("Mat-khau-cu-2026")  # the old password works until the link is used
    issued = officer_justice.history.latest()
    assert (issued.history_change_reason, issued.history_user) == ("Cấp liên kết đặt mật khẩu", secretariat)

    url = re.search(r"http://testserver(/tai-khoan/dat-mat-khau/\S+/)", mailoutbox[0].body).group(1)
    form_url = client.get(url)["Location"]
    client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    officer_justice.refresh_from_db()
    assert officer_justice.check_password(PASSWORD)


def test_a_deactivated_account_gets_no_link_and_its_old_link_dies(client, secretariat):
    user, link = create(secretariat)
    services.account_deactivate(users=[user], acting_user=secretariat)
    page = client.get(path_of(link.url), follow=True).content.decode()
    assert "Liên kết đặt mật khẩu không hợp lệ" in page
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="ngừng hoạt động"):
        services.password_link_send(user=user, acting_user=secretariat, base_url="http://testserver/")


def test_a_forged_token_is_refused(client, secretariat):
    user, link = create(secretariat)
    forged = path_of(link.url).rsplit("/", 2)[0] + "/abc-123/"
    page = client.get(forged, follow=True).content.decode()
    assert "Liên kết đặt mật khẩu không hợp lệ" in page
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.password_set(user=user, acting_user=user, token="abc-123", password=PASSWORD)
    assert not get_user_model().objects.get(pk=user.pk).has_usable_password()
