"""Seed the demo ("dữ liệu minh họa"): idempotent, a second run changes nothing."""

from django.core.management.base import BaseCommand, CommandError

from scoring import demo

ROLES = {
    "sonoivu": "Sở Nội vụ (tổ chức kỳ đánh giá, quản lý tài khoản)",
    "thamdinh": "thẩm định viên",
    "canbo.stp": "cán bộ đầu mối Sở Tư pháp",
    "lanhdao.stp": "lãnh đạo Sở Tư pháp",
    "canbo.syt": "cán bộ đầu mối Sở Y tế",
    "lanhdao.syt": "lãnh đạo Sở Y tế",
}


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu minh họa (Cần Thơ 2017 đã công bố, một kỳ đang tự đánh giá của năm hiện tại) và các tài "
        "khoản minh họa; chạy lại không thay đổi gì."
    )

    def handle(self, *args, **options):
        try:
            users, passwords = demo.demo_accounts()
            created = demo.seed(actor=users["sonoivu"], accounts=users)
        except demo.DemoError as exc:
            raise CommandError(str(exc)) from exc
        if created:
            self.stdout.write("Đã tạo dữ liệu minh họa: " + "; ".join(created) + ".")
        else:
            self.stdout.write("Dữ liệu minh họa đã có sẵn; không thay đổi gì.")
        if passwords:
            self.stdout.write("")
            self.stdout.write(
                "Tài khoản minh họa (mật khẩu sinh ngẫu nhiên cho bản cài đặt này, chỉ in MỘT lần):"
            )
            for username, password in passwords:
                self.stdout.write(f"  {username:<12} {password}   {ROLES.get(username, '')}")
            self.stdout.write(
                "Quên mật khẩu: Sở Nội vụ gửi liên kết đặt lại ở trang Tài khoản người dùng, hoặc chạy"
            )
            self.stdout.write("  python manage.py changepassword <tên đăng nhập>")
        else:
            self.stdout.write("Tài khoản minh họa đã có (mật khẩu đã in ở lần chạy đầu).")
