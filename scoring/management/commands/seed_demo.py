"""Seed the demo ("dữ liệu minh họa"): idempotent, a second run changes nothing."""

from django.core.management.base import BaseCommand, CommandError

from scoring import demo


class Command(BaseCommand):
    help = "Tạo dữ liệu minh họa (Cần Thơ 2017, 2018) và tài khoản minh họa; chạy lại không thay đổi gì."

    def handle(self, *args, **options):
        try:
            created = demo.seed()
        except demo.DemoError as exc:
            raise CommandError(str(exc)) from exc
        accounts = demo.demo_accounts()
        if created:
            self.stdout.write("Đã tạo dữ liệu minh họa: " + "; ".join(created) + ".")
        else:
            self.stdout.write("Dữ liệu minh họa đã có sẵn; không thay đổi gì.")
        if accounts:
            self.stdout.write("")
            self.stdout.write(
                "Tài khoản minh họa (mật khẩu sinh ngẫu nhiên cho bản cài đặt này, chỉ in MỘT lần):"
            )
            for username, password in accounts:
                self.stdout.write(f"  {username:<12} {password}")
            self.stdout.write("Đổi mật khẩu: python manage.py changepassword <tên đăng nhập>")
        else:
            self.stdout.write(
                "Tài khoản minh họa đã có (mật khẩu đã in ở lần chạy đầu; đặt lại bằng changepassword)."
            )
