"""Every third-party screen of the back office reads in Vietnamese.

Walks the Django admin as a superuser (every registered model: list, search, bad filter, add, change, delete,
history), django-simple-history's record views, django-import-export's import, confirm and export pages, the
login/logout/password screens and forms posted with errors, and looks for English in what the user reads.
The translations live in locale/vi/LC_MESSAGES (django.po, djangojs.po) and the select2 messages in
static/admin/js/vendor/select2/i18n/vi.js.
"""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from simple_history.admin import SimpleHistoryAdmin

from units.models import Unit

pytestmark = pytest.mark.django_db

# Matched as whole words, case-sensitive, in the visible text of every page.
# fmt: off
ENGLISH = [
    # Django admin
    "Please correct", "History", "Action", "Add another", "Save and", "Delete", "Filter", "Search", "Select",
    "results", "selected", "Log out", "Log in", "View site", "Change password", "Home", "Go", "Yes", "No",
    "Unknown", "None", "Show all", "Clear all filters", "Date/time", "Error", "Model name", "Add link",
    "Recent actions", "Welcome", "Toggle", "Sidebar", "Breadcrumbs", "Start typing", "Forbidden",
    # django.contrib.auth and the permission lists
    "Can add", "Can change", "Can delete", "Can view", "historical", "Historical", "superuser", "admin",
    "Password", "Password-based authentication", "Enabled", "Disabled", "Raw passwords", "If disabled",
    "Reset password", "Sessions", "log entry",
    # django-simple-history
    "View history", "Changed by", "Change reason", "Changes", "Changed", "Created", "Deleted", "Revert",
    "Object", "Comment", "entry", "entries", "Scoring",
    "draft", "finalised", "setup", "published",  # stored codes instead of the statuses' names
    # django-import-export
    "Import", "Export", "Submit", "Confirm import", "Preview", "New", "Skipped", "Update", "Errors", "Row",
    "Line number", "File to import", "Format", "Resource", "Select all", "This importer", "This exporter",
    "Some rows failed", "Value could not be parsed", "matching query does not exist", "Import finished",
    "Short Name", "Valid From", "UnitResource",
]
# fmt: on
_ALTERNATIVES = "|".join(map(re.escape, sorted(ENGLISH, key=len, reverse=True)))
PHRASES = re.compile(rf"(?<!\w)(?:{_ALTERNATIVES})(?!\w)")

VALID_CSV = (
    "code,name,short_name,kind,parent,valid_from,valid_to\n92-thu-nghiem,Đơn vị thử nghiệm,,department,,,\n"
)
INVALID_CSV = "code,name,kind,parent,valid_from\n92-x,Đơn vị X,department,khong-co,32/13/2020\n"


class VisibleText(HTMLParser):
    """The interface a user reads: element text (not scripts or styles), titles, placeholders, ARIA labels,
    image alternatives, the captions of buttons and of an inline's "add another"/"remove" links. The values of
    fields (text areas, read-only values) are the project's data, not interface, and are left out."""

    ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._divs, self._skipping = [], 0, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._divs += tag == "div"
        if self._skipping is None:
            if tag in ("script", "style", "template", "textarea"):
                self._skipping = (tag, None)
            elif tag == "div" and "readonly" in (attrs.get("class") or "").split():
                self._skipping = ("div", self._divs)
        if self._skipping:
            return
        self.parts.extend(attrs[name] for name in self.ATTRIBUTES if attrs.get(name))
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
            self.parts.append(attrs["value"])
        if attrs.get("data-inline-formset"):
            options = json.loads(attrs["data-inline-formset"])["options"]
            self.parts.extend([options["addText"], options["deleteText"]])

    def handle_endtag(self, tag):
        if self._skipping and tag == self._skipping[0] and self._skipping[1] in (None, self._divs):
            self._skipping = None
        self._divs -= tag == "div"

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.parts)


def csv_file(content: str):
    return SimpleUploadedFile("don-vi.csv", content.encode(), content_type="text/csv")


def walk(client, user):
    """Yield (page, response) for every back-office screen drawn by Django, simple-history or import-export."""

    def get(page, url):
        return page, client.get(url, follow=True)

    def post(page, url, data):
        return page, client.post(url, data, follow=True)

    yield get("trang chủ quản trị", reverse("admin:index"))
    for app_label in sorted({model._meta.app_label for model in admin.site._registry}):
        yield get(f"phân hệ {app_label}", reverse("admin:app_list", args=[app_label]))

    for model, model_admin in admin.site._registry.items():
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        changelist = reverse(f"admin:{info}_changelist")
        yield get(f"{info}: danh sách", changelist)
        yield get(f"{info}: tìm kiếm", changelist + "?q=x")
        yield get(f"{info}: bộ lọc sai", changelist + "?khong_co_truong=1")
        yield get(f"{info}: thêm", reverse(f"admin:{info}_add"))
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        yield get(f"{info}: sửa", reverse(f"admin:{info}_change", args=[obj.pk]))
        yield get(f"{info}: xóa", reverse(f"admin:{info}_delete", args=[obj.pk]))
        yield get(f"{info}: lịch sử", reverse(f"admin:{info}_history", args=[obj.pk]))
        # Accounts and memberships have no revert page (it would write outside the services): 404 by design.
        if isinstance(model_admin, SimpleHistoryAdmin) and info not in ("auth_user", "units_membership"):
            record = obj.history.order_by("history_id").last()
            url = reverse(f"admin:{info}_simple_history", args=[obj.pk, record.history_id])
            yield get(f"{info}: bản ghi lịch sử", url)

    # Forms with errors and the bulk actions.
    units = reverse("admin:units_unit_changelist")
    yield post("thêm đơn vị (biểu mẫu trống)", reverse("admin:units_unit_add"), {})
    yield post("thao tác chưa chọn mục", units, {"action": "delete_selected"})
    unit = Unit.objects.order_by("pk").first()
    yield post("xóa các mục đã chọn", units, {"action": "delete_selected", "_selected_action": [unit.pk]})

    # django-import-export.
    import_url, export_url = reverse("admin:units_unit_import"), reverse("admin:units_unit_export")
    yield get("nhập đơn vị", import_url)
    yield post("nhập đơn vị (thiếu tệp)", import_url, {"format": "0"})
    bad_file = SimpleUploadedFile("don-vi.csv", b"\x00\xff\xfe", content_type="text/csv")
    yield post("nhập đơn vị (tệp hỏng)", import_url, {"format": "0", "import_file": bad_file})
    yield post("nhập đơn vị (dữ liệu sai)", import_url, {"format": "0", "import_file": csv_file(INVALID_CSV)})
    page, confirm = post(
        "nhập đơn vị (xác nhận)", import_url, {"format": "0", "import_file": csv_file(VALID_CSV)}
    )
    yield page, confirm
    form = confirm.context["confirm_form"]
    yield post("nhập đơn vị (hoàn tất)", reverse("admin:units_unit_process_import"), form.initial)
    imported = Unit.objects.get(code="92-thu-nghiem")
    yield get("lịch sử đơn vị vừa nhập", reverse("admin:units_unit_history", args=[imported.pk]))
    yield get("xuất đơn vị", export_url)
    yield post("xuất đơn vị (không chọn trường)", export_url, {"format": "0"})

    # Accounts.
    yield get("đổi mật khẩu", reverse("admin:password_change"))
    yield post("đổi mật khẩu (biểu mẫu trống)", reverse("admin:password_change"), {})
    yield get("đã đổi mật khẩu", reverse("admin:password_change_done"))
    yield get("đặt mật khẩu cho người dùng", reverse("admin:auth_user_password_change", args=[user.pk]))
    yield post("đăng xuất", reverse("admin:logout"), {})
    yield get("đăng nhập", reverse("admin:login"))
    yield post("đăng nhập (sai mật khẩu)", reverse("admin:login"), {"username": "quantri", "password": "sai"})


# What some pages must say, so that the walk cannot pass by landing somewhere else (a login page, say).
EXPECTED = {
    "thêm đơn vị (biểu mẫu trống)": "Vui lòng sửa lỗi bên dưới.",
    "scoring_assessment: lịch sử": "Người thay đổi",
    "scoring_period: lịch sử": "Thiết lập",
    "scoring_period: bản ghi lịch sử": "Xem Chỉ số CCHC",  # read-only: no revert (SIMPLE_HISTORY_REVERT_DISABLED)
    "nhập đơn vị (dữ liệu sai)": "Không có đơn vị mã “khong-co”.",
    "nhập đơn vị (xác nhận)": "Xác nhận nhập dữ liệu",
    "nhập đơn vị (hoàn tất)": "Đã nhập xong dữ liệu đơn vị: thêm mới 1",
    "lịch sử đơn vị vừa nhập": "Thêm mới qua chức năng nhập dữ liệu",
    "xuất đơn vị": "Tên viết tắt",
    "auth_group: thêm": "Chấm điểm chỉ số CCHC | lịch sử bản đánh giá | Được xem lịch sử bản đánh giá",
    "đặt mật khẩu cho người dùng": "Nếu tắt, mật khẩu hiện tại của người dùng này sẽ bị xóa.",
    "đăng nhập (sai mật khẩu)": "Vui lòng nhập đúng tên đăng nhập và mật khẩu",
}


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_back_office_screens_have_no_english(client, django_user_model, fast_passwords):
    user = django_user_model.objects.create_superuser("quantri", "quantri@example.org", "mat-khau-kha-dai-9")
    client.force_login(user)
    found, texts = {}, {}  # (page, English phrase): the line it was first seen in
    for page, response in walk(client, user):
        assert response.status_code in (200, 403), page  # 403: add/delete on the read-only lists
        text = texts[page] = visible_text(response.content.decode())
        for match in PHRASES.finditer(text):
            start, end = text.rfind("\n", 0, match.start()) + 1, text.find("\n", match.end())
            found.setdefault((page, match[0]), text[start : end if end >= 0 else None][:120])
    assert not found, "English on the back office:\n" + "\n".join(
        f"{page}: «{phrase}» in «{line}»" for (page, phrase), line in found.items()
    )
    assert len(texts) > 120
    for page, expected in EXPECTED.items():
        assert expected in texts[page], page


def test_admin_javascript_catalog_is_vietnamese(client, django_user_model, fast_passwords):
    client.force_login(django_user_model.objects.create_superuser("quantri", "", "mat-khau-kha-dai-9"))
    response = client.get(reverse("admin:jsi18n"))
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", response.content.decode(), re.S)[1])
    expected = {
        "Today": "Hôm nay",
        "Now": "Bây giờ",
        "Choose a time": "Chọn giờ",
        "Choose a Date": "Chọn ngày",
        "Available %s": "%s có thể chọn",
        "Chosen %s": "%s đã chọn",
        "Choose all %s": "Chọn tất cả %s",
        "Remove all %s": "Bỏ tất cả %s",
        "Monday": "Thứ Hai",
        "%(sel)s of %(cnt)s selected": ["Đã chọn %(sel)s/%(cnt)s"],
    }
    assert {msgid: catalog.get(msgid) for msgid in expected} == expected
    assert (
        "nút “Thực hiện”"
        in catalog[
            "You have selected an action, and you haven’t made any changes on individual fields. You’re probably "
            "looking for the Go button rather than the Save button."
        ]
    )


def test_select2_messages_are_vietnamese():
    path = Path(finders.find("admin/js/vendor/select2/i18n/vi.js"))
    assert (
        path == settings.BASE_DIR / "static/admin/js/vendor/select2/i18n/vi.js"
    )  # the project's, not Django's
    ours = path.read_text(encoding="utf-8")
    assert re.search(r'errorLoading: function \(\) \{\s*return "Không tải được kết quả', ours)
    english = Path(finders.find("admin/js/vendor/select2/i18n/en.js", find_all=True)[-1]).read_text(
        encoding="utf-8"
    )
    for message in re.findall(r"(\w+):function", english):
        assert re.search(rf"\b{message}: function", ours), message


def _po_entries(path):
    """(msgctxt, msgid, msgid_plural, msgstr) of a .po file, enough of the format for the files we write."""
    entries, entry, key = [], {}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        match = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[0\])?) "(.*)"$', line)
        if match:
            key = match[1]
            entry[key] = match[2]
        elif line.startswith('"') and key:
            entry[key] += line[1:-1]
        elif not line.strip() and entry:
            entries.append({k: json.loads(f'"{v}"') for k, v in entry.items()})
            entry, key = {}, None
    return [e for e in entries if e["msgid"]]


def test_compiled_catalog_matches_the_po_file():
    """django.mo is committed: it must hold every translation of django.po."""
    entries = _po_entries(settings.BASE_DIR / "locale/vi/LC_MESSAGES/django.po")
    assert len(entries) > 400
    with translation.override("vi"):
        for entry in entries:
            if "msgid_plural" in entry:
                got = translation.ngettext(entry["msgid"], entry["msgid_plural"], 2)
                assert got == entry["msgstr[0]"], entry["msgid"]
            elif "msgctxt" in entry:
                assert translation.pgettext(entry["msgctxt"], entry["msgid"]) == entry["msgstr"]
            else:
                assert translation.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]
