"""Property-based: random text, numbers and ids posted to every back-office form, and random public URLs, never
give a server error, and a refused post changes nothing.

Each example runs in a transaction rolled back afterwards, so examples do not see each other's data. The
examples are derandomised: the same inputs every run, so CI is repeatable. A server error would surface as an
exception from the test client (it re-raises what the view raised) or as a status 500.
"""

from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.models import (
    AppraiserAssignment,
    Assessment,
    Band,
    Correction,
    DeadlineExtension,
    EvidenceDocument,
    Period,
    PeriodGroup,
    ScoreEntry,
    WorkflowEvent,
)

pytestmark = pytest.mark.django_db
EXAMPLES = 60
PUBLIC_EXAMPLES = 300
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "²",
    "１２",
    "١٢",
    "1e999",
    "1E+2",
    "-1",
    "-0",
    "0,125",
    "1,5",
    "1.5",
    "999999999",
    "1_0",
    "NaN",
    "Infinity",
    "31/02/2026",
    "10/01/2018",
    "2026-13-45",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x")',
    "x" * 6000,
    "ㅤ",
    "..",
    "../../etc/passwd",
    "Tiếng Việt có dấu",
]
nasty = st.sampled_from(NASTY)
values = st.one_of(
    nasty,
    nasty,  # twice: the known traps come up as often as everything else together
    st.text(max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=None).map(str),
)


@dataclass
class Form:
    name: str
    url: callable
    user: str
    fields: list[str]
    formset: str | None = None
    rows: int = 0
    row_fields: list[str] = field(default_factory=list)
    buttons: list[str] = field(default_factory=list)


def snapshot():
    """What any accepted post would change."""
    return (
        ScoreEntry.history.count(),
        Assessment.history.count(),
        Period.history.count(),
        WorkflowEvent.objects.count(),
        EvidenceDocument.objects.count(),
        AppraiserAssignment.objects.count(),
        DeadlineExtension.objects.count(),
        Band.objects.count(),
        PeriodGroup.objects.count(),
        Correction.objects.count(),
    )


def post_randomly(client, form: Form, data, buttons):
    with transaction.atomic():
        before = snapshot()
        payload = dict(zip(form.fields, data["fields"], strict=False))
        if form.formset:
            payload[f"{form.formset}-TOTAL_FORMS"] = data["total"]
            payload[f"{form.formset}-INITIAL_FORMS"] = data["total"]
            for index in range(form.rows):
                for name, value in zip(form.row_fields, data["rows"][index], strict=False):
                    payload[f"{form.formset}-{index}-{name}"] = value
        if buttons:
            payload[buttons] = "1"
        response = client.post(form.url(), payload)
        assert response.status_code != 500
        if response.status_code != 302:  # refused: nothing changed
            assert snapshot() == before, form.name
        transaction.set_rollback(True)


def form_data(form: Form):
    return st.fixed_dictionaries(
        {
            "fields": st.lists(values, min_size=len(form.fields), max_size=len(form.fields)),
            "total": st.one_of(st.just(str(form.rows)), values),
            "rows": st.lists(
                st.lists(values, min_size=len(form.row_fields), max_size=len(form.row_fields)),
                min_size=form.rows,
                max_size=form.rows,
            ),
        }
    )


def _period(scenario):
    return scenario["period"]


@pytest.fixture
def scenario(returned, open_period, secretariat, appraiser, leader_justice):
    """A period with an assessment returned for explanation, the personas and the URLs of every form."""
    return {
        "period": open_period,
        "returned": returned,
        "users": {"secretariat": secretariat, "appraiser": appraiser, "leader": leader_justice},
    }


def forms(scenario):
    period, returned = scenario["period"], scenario["returned"]
    draft = Assessment.objects.get(period=period, unit__code="92-syt")
    published = Period.objects.get(code="2017-tinh")
    sa_fields = ["version", "self_points", "declared_figures", "explanation", "document", "locator", "unlink"]
    return [
        Form(
            "tự đánh giá",
            lambda: reverse("backoffice:self_assessment", args=[draft.pk]),
            "secretariat",
            [],
            "tc",
            3,
            sa_fields,
            ["_save", "_submit"],
        ),
        Form(
            "tải tài liệu",
            lambda: reverse("backoffice:evidence_upload", args=[returned.pk]),
            "leader",
            ["title", "number", "issue_date", "issuer", "link", "node", "locator"],
        ),
        Form(
            "rút bản tự đánh giá",
            lambda: reverse("backoffice:withdraw", args=[returned.pk]),
            "leader",
            ["reason"],
        ),
        Form(
            "thẩm định",
            lambda: reverse("backoffice:appraisal", args=[draft.pk]),
            "appraiser",
            ["round", "note"],
            "tc",
            3,
            ["version", "points", "reason", "explanation_request", "not_applicable", "not_applicable_reason"],
            ["_save", "_proposals", "_return"],
        ),
        Form(
            "giải trình",
            lambda: reverse("backoffice:explanation", args=[returned.pk]),
            "leader",
            ["confirm_unanswered"],
            "tc",
            1,
            ["version", "response", "document", "locator"],
            ["_save", "_send"],
        ),
        Form(
            "tạo kỳ (sao chép)",
            lambda: reverse("backoffice:period_create"),
            "secretariat",
            ["sao-previous", "sao-code", "sao-year", "sao-title"],
            buttons=["_copy"],
        ),
        Form(
            "tạo kỳ mới",
            lambda: reverse("backoffice:period_create"),
            "secretariat",
            ["moi-code", "moi-year", "moi-title"],
            buttons=["_new"],
        ),
        Form(
            "thiết lập kỳ",
            lambda: reverse("backoffice:period_settings", args=[period.pk]),
            "secretariat",
            [
                "title",
                "self_assessment_deadline",
                "appraisal_deadline",
                "explanation_deadline",
                "final_appraisal_deadline",
                "note",
                "unit_group",
                "framework",
            ],
            "xl",
            2,
            ["name", "min_index", "DELETE"],
            ["_settings", "_bands", "_group"],
        ),
        Form(
            "chuyển giai đoạn",
            lambda: reverse("backoffice:period_advance", args=[period.pk]),
            "secretariat",
            ["expected_status", "reason", "confirm"],
        ),
        Form(
            "chốt kết quả",
            lambda: reverse("backoffice:period_finalise", args=[period.pk]),
            "secretariat",
            ["confirm"],
        ),
        Form(
            "công bố",
            lambda: reverse("backoffice:period_publish", args=[period.pk]),
            "secretariat",
            ["reason", "confirm"],
        ),
        Form(
            "điểm điều tra",
            lambda: reverse("backoffice:survey", args=[period.pk]),
            "secretariat",
            [
                *(f"d_{e.pk}" for e in draft.entries.filter(node__method="survey")),
                *(f"v_{e.pk}" for e in draft.entries.filter(node__method="survey")),
                "assessment",
                "node",
                "reason",
            ],
            buttons=["_grid", "_waive"],
        ),
        Form(
            "phân công",
            lambda: reverse("backoffice:assignments", args=[period.pk]),
            "secretariat",
            ["appraiser", "units", "domains"],
        ),
        Form(
            "gia hạn",
            lambda: reverse("backoffice:extensions", args=[period.pk]),
            "secretariat",
            ["unit", "phase", "deadline", "reason"],
        ),
        Form(
            "không xếp hạng",
            lambda: reverse("backoffice:exclusions", args=[period.pk]),
            "secretariat",
            ["assessment", "reason"],
        ),
        Form(
            "báo cáo tự đánh giá",
            lambda: reverse("backoffice:report_xlsx", args=[returned.pk]),
            "leader",
            ["difficulties", "proposals"],
        ),
        Form(
            "nhập tệp Excel",
            lambda: reverse("backoffice:offline_import", args=[returned.pk]),
            "leader",
            ["upload"],
        ),
        Form(
            "xác nhận tệp Excel",
            lambda: reverse("backoffice:offline_confirm", args=[returned.pk]),
            "leader",
            ["payload"],
        ),
        Form(
            "đính chính",
            lambda: reverse("backoffice:corrections", args=[published.pk]),
            "secretariat",
            ["reason", "entries", "confirm"],
            "dc",
            1,
            ["points", "reason"],
            ["_open", "_record", "_publish", "_cancel"],
        ),
    ]


FORM_NAMES = [
    "tự đánh giá",
    "tải tài liệu",
    "rút bản tự đánh giá",
    "thẩm định",
    "giải trình",
    "tạo kỳ (sao chép)",
    "tạo kỳ mới",
    "thiết lập kỳ",
    "chuyển giai đoạn",
    "chốt kết quả",
    "công bố",
    "điểm điều tra",
    "phân công",
    "gia hạn",
    "không xếp hạng",
    "báo cáo tự đánh giá",
    "nhập tệp Excel",
    "xác nhận tệp Excel",
    "đính chính",
]


@pytest.mark.parametrize("name", FORM_NAMES)
def test_random_posts_to_a_back_office_form_never_fail_and_refusals_change_nothing(client, scenario, name):
    form = next(f for f in forms(scenario) if f.name == name)
    client.force_login(scenario["users"][form.user])

    @SETTINGS
    @given(data=form_data(form), button=st.sampled_from(form.buttons or [""]))
    def check(data, button):
        post_randomly(client, form, data, button)

    check()


segments = st.one_of(
    st.sampled_from(["2017-so", "2017-tinh", "92", "92-stp", "cantho-so-2017", "qd2948-tinh"]), values
)


@settings(SETTINGS, max_examples=PUBLIC_EXAMPLES)
@given(
    kind=st.sampled_from(["ky-danh-gia", "xep-hang", "don-vi", "bo-tieu-chi"]),
    first=segments,
    second=segments,
    version=st.one_of(st.none(), values),
    fmt=st.sampled_from([None, "json", "xml", "²"]),
    query=st.one_of(st.none(), values),
)
def test_random_public_urls_never_fail(client, demo, kind, first, second, version, fmt, query):
    from urllib.parse import quote

    path = {
        "ky-danh-gia": f"/ky-danh-gia/{quote(first, safe='')}/",
        "xep-hang": f"/ky-danh-gia/{quote(first, safe='')}/xep-hang/{quote(second, safe='')}/",
        "don-vi": f"/ky-danh-gia/{quote(first, safe='')}/don-vi/{quote(second, safe='')}/",
        "bo-tieu-chi": f"/bo-tieu-chi/{quote(first, safe='')}/",
    }[kind]
    params = {k: v for k, v in {"phien-ban": version, "format": fmt, "q": query}.items() if v is not None}
    response = client.get(path, params)
    assert response.status_code in (200, 301, 404)
