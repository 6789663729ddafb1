"""Framework files, property-based: whatever bytes arrive, the only failure is FrameworkFileError, a refusal
changes nothing, and whatever is accepted is sound (finite points in the column's range, positional codes,
parents equal to the sum of their children, text that exports and reads back unchanged)."""

import csv
import datetime
import io
import itertools
import unicodedata
from decimal import Decimal

import openpyxl
import pytest
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from scoring import services
from scoring.codes import CODE_PATTERN, parent_of
from scoring.framework_columns import COLUMN_NAMES, EXPORT_COLUMNS, REQUIRED_COLUMNS, TEXT_LIMIT, TEXT_LIMITS
from scoring.framework_io import FrameworkFileError, NodeSpec, parse_nodes, read_table, to_csv, to_xlsx
from scoring.models import DomainSummary, Framework, FrameworkNode, FrameworkStatus
from scoring.selectors import framework_specs
from tests.framework_files import _actor

PARSING = settings(max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck))
STORING = settings(max_examples=50, deadline=None, database=None, suppress_health_check=list(HealthCheck))
CODES = itertools.count(1)

# ---------------------------------------------------------------- strategies

NASTY_NUMBERS = [
    "1e999",
    "1E5",
    "999999999",
    "100000000",
    "99999999.9999",
    "99999999,99999",
    "１",
    "²",
    "٣",
    "1_0",
    "1 0",
    "-1",
    "0",
    "0,0",
    "nan",
    "inf",
    "Infinity",
    "0.00001",
    "1,50000",
    " 2 ",
    "+3",
    "1.000.000",
    "\x00",
    "1\x00",
    "",
]
NASTY_TEXT = [
    "\x00",
    "a\x00b",
    "=1+1",
    "@x",
    "x" * 5001,
    "ư" * 256,
    "\u0301a",
    ",",
    '"',
    "a\r\nb",
    "\x07",
    "\ufeff",
]

points = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("11000000"), places=4)
names = st.text(alphabet=st.characters(categories=["L", "Nd", "Zs", "Mn"]), min_size=1, max_size=12)
nasty = st.one_of(
    st.sampled_from(NASTY_NUMBERS + NASTY_TEXT),
    st.text(max_size=20),
    st.text(alphabet=st.characters(categories=["Nd", "No", "Cc", "Zs", "Mn"]), max_size=6),
)


def spelled(value: Decimal, comma: bool) -> str:
    text = format(value.normalize(), "f")
    return text.replace(".", ",") if comma else text


@st.composite
def trees(draw):
    """A well-formed framework as rows of column → text (domains, criteria, sometimes sub-criteria)."""
    method = draw(st.sampled_from(["appraisal", "Thẩm định", "survey", "điều tra xã hội học", "XHH"]))
    comma = draw(st.booleans())
    rows = []

    def add(level, code, value):
        rows.append(
            {
                "level": level,
                "code": code,
                "parent": parent_of(code) or "",
                "name_vi": draw(names.filter(str.strip)),
                "max_points": spelled(value, comma),
                "method": method,
                "verified": draw(st.sampled_from(["yes", "no", "có", "Không", "", "x", "chưa"])),
                "note": draw(st.sampled_from(["", "nguồn", " ghi chú "])),
                "guidance": draw(st.sampled_from(["", "100 %: 1 điểm; dưới 80 %: 0 điểm."])),
                "evidence_requirement": draw(st.sampled_from(["", "Báo cáo (số hiệu, ngày ban hành)."])),
                "advising_agency": draw(st.sampled_from(["", "Sở Nội vụ", "Sở Tư pháp"])),
            }
        )

    for d in range(1, draw(st.integers(1, 3)) + 1):
        domain_at, domain_total = len(rows), Decimal(0)
        add(draw(st.sampled_from(["domain", "Lĩnh vực"])), str(d), Decimal(1))
        for c in range(1, draw(st.integers(1, 3)) + 1):
            subs = draw(st.lists(points, max_size=3))
            total = sum(subs, Decimal(0)) or draw(points)
            domain_total += total
            add(draw(st.sampled_from(["criterion", "TIÊU CHÍ", "tc"])), f"{d}.{c}", total)
            for s, value in enumerate(subs, start=1):
                add(draw(st.sampled_from(["subcriterion", "tiêu chí thành phần"])), f"{d}.{c}.{s}", value)
        rows[domain_at]["max_points"] = spelled(domain_total, comma)
    return rows


def header_name(draw, column):
    name = draw(st.sampled_from(COLUMN_NAMES[column]))
    name = draw(st.sampled_from([name, name.upper(), name.title(), f"  {name} "]))
    return unicodedata.normalize(draw(st.sampled_from(["NFC", "NFD"])), name)


@st.composite
def tables(draw):
    """Rows of text cells: a tree in a random column layout, then a few random injuries."""
    rows = draw(trees())
    columns = REQUIRED_COLUMNS + [
        c for c in EXPORT_COLUMNS if c not in REQUIRED_COLUMNS and draw(st.booleans())
    ]
    if draw(st.integers(0, 9)) == 0:
        columns.remove(draw(st.sampled_from(REQUIRED_COLUMNS)))
    columns = draw(st.permutations(columns))
    header = [header_name(draw, column) for column in columns]
    if draw(st.integers(0, 9)) == 0:
        header.append(header_name(draw, draw(st.sampled_from(columns))))  # a column named twice
    if draw(st.integers(0, 4)) == 0:
        header.insert(draw(st.integers(0, len(header))), draw(st.sampled_from(["STT", "", "Ghi chú khác"])))
    table = [header] + [[row.get(_column_of(name), "") for name in header] for row in rows]
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 1, 2, 3]))):
        _injure(draw, table)
    return table


def _column_of(name):
    folded = " ".join(unicodedata.normalize("NFC", name).casefold().split())
    return next((c for c, names in COLUMN_NAMES.items() if folded in names), None)


def _injure(draw, table):
    if not table:
        return
    header_too = len(table) == 1 or draw(st.integers(0, 9)) == 0
    row = draw(st.integers(0 if header_too else 1, len(table) - 1))
    kind = draw(st.sampled_from(["cell", "cell", "extra", "cut", "drop", "swap"]))
    if kind == "cell" and table[row]:
        table[row][draw(st.integers(0, len(table[row]) - 1))] = draw(nasty)
    elif kind == "extra":
        table[row].extend(draw(st.lists(nasty, min_size=1, max_size=3)))
    elif kind == "cut":
        del table[row][draw(st.integers(0, len(table[row]))) :]
    elif kind == "drop":
        del table[row]
    elif kind == "swap":
        other = draw(st.integers(0, len(table) - 1))
        table[row], table[other] = table[other], table[row]


@st.composite
def csv_files(draw):
    table = draw(tables())
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=200))
    if draw(st.integers(0, 5)) == 0:  # written by hand: no quoting at all
        text = "\n".join(",".join(row) for row in table)
    else:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=draw(st.sampled_from([",", ";"]))).writerows(table)
        text = buffer.getvalue()
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig"])))


xlsx_values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.booleans(),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(2100, 1, 1)),
    nasty,
)


@st.composite
def xlsx_files(draw):
    table = draw(tables())
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    noisy = draw(st.booleans())  # then about one cell in twenty holds anything a sheet can hold
    for r, row in enumerate(table, start=1):
        for c, text in enumerate(row, start=1):
            value = draw(st.sampled_from([text, _as_number(text), text])) if r > 1 else text
            if noisy and draw(st.integers(0, 19)) == 0:
                value = draw(xlsx_values)
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            sheet.cell(row=r, column=c, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _as_number(text):
    """What Excel makes of a cell typed as a number."""
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return text
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


uploads = st.one_of(
    st.tuples(csv_files(), st.just("khung.csv")),
    st.tuples(xlsx_files(), st.just("khung.xlsx")),
    st.tuples(st.binary(max_size=100), st.sampled_from(["khung.xlsx", "khung.CSV", "khung.txt"])),
)

# ---------------------------------------------------------------- what "sound" means


def assert_sound(specs: list[NodeSpec]):
    by_code = {spec.code: spec for spec in specs}
    assert len(by_code) == len(specs)
    for spec in specs:
        value = spec.max_points
        assert isinstance(value, Decimal)
        assert value.is_finite()
        assert Decimal(0) < value < Decimal(10) ** 8
        assert value.as_tuple().exponent >= -4
        assert CODE_PATTERN.fullmatch(spec.code)
        assert spec.parent_code == parent_of(spec.code)
        assert spec.method in {"appraisal", "survey", "mixed"}
        for column, text in _texts(spec).items():
            assert "\x00" not in text
            assert text == text.strip()
            assert unicodedata.is_normalized("NFC", text)
            assert len(text) <= TEXT_LIMITS.get(column, TEXT_LIMIT)
    for code, parent in by_code.items():
        children = [spec.max_points for spec in specs if spec.parent_code == code]
        if children:
            assert sum(children, Decimal(0)) == parent.max_points


def _texts(spec):
    return {
        "name_vi": spec.name,
        "note": spec.note,
        "guidance": spec.guidance,
        "evidence_requirement": spec.evidence_requirement,
        "advising_agency": spec.advising_agency,
    }


def essentials(specs):
    return [
        (s.level, s.code, s.parent_code, s.name, s.max_points, s.method, s.verified, *_texts(s).values())
        for s in specs
    ]


def parse_or_refuse(content, filename):
    try:
        return parse_nodes(read_table(content, filename))
    except FrameworkFileError as exc:
        problems = exc.problems
    event("refused")
    assert problems
    assert all(isinstance(problem, str) and problem for problem in problems)
    return None


# ---------------------------------------------------------------- parsing


@PARSING
@given(content=csv_files())
def test_any_csv_file_is_refused_cleanly_or_accepted_sound_and_round_trips(content):
    specs = parse_or_refuse(content, "f.csv")
    if specs is None:
        return
    event("accepted")
    assert_sound(specs)
    assert essentials(parse_nodes(read_table(to_csv(specs), "f.csv"))) == essentials(specs)


@PARSING
@given(content=xlsx_files())
def test_any_xlsx_file_is_refused_cleanly_or_accepted_sound_and_round_trips(content):
    specs = parse_or_refuse(content, "f.xlsx")
    if specs is None:
        return
    event("accepted")
    assert_sound(specs)
    assert essentials(parse_nodes(read_table(to_xlsx(specs), "f.xlsx"))) == essentials(specs)


# ---------------------------------------------------------------- storing


def counts():
    return Framework.objects.count(), FrameworkNode.objects.count()


@pytest.fixture
def active(db):
    """An active framework whose declared summary is one domain of 2 points."""
    framework = services.framework_import(
        acting_user=_actor(),
        content=b"level,code,parent,name_vi,max_points,method,verified,note\n"
        b"domain,1,,A,2,appraisal,no,\ncriterion,1.1,1,B,2,appraisal,no,\n",
        filename="f.csv",
        defaults={"code": "dang-ap-dung", "title": "Đang áp dụng"},
    )
    DomainSummary.objects.create(
        framework=framework, domain_code="1", criteria_count=1, subcriteria_count=0, max_points=Decimal(2)
    )
    services.framework_activate(acting_user=_actor(), framework=framework)
    framework.refresh_from_db()
    return framework


def stored(framework):
    return essentials(framework_specs(framework))


def assert_stored_sound(framework):
    specs = framework_specs(framework)
    assert_sound(specs)
    serializers.serialize("json", FrameworkNode.objects.filter(framework=framework))  # dumpdata's path


@STORING
@given(upload=uploads, replace=st.sampled_from([False, False, False, True]))
def test_the_import_service_refuses_whole_or_stores_a_sound_tree(active, upload, replace):
    content, filename = upload
    before, active_before = counts(), stored(active)
    code = f"thuoc-tinh-{next(CODES)}"
    try:
        framework = services.framework_import(
            acting_user=_actor(),
            content=content,
            filename=filename,
            framework=active if replace else None,
            defaults=None if replace else {"code": code, "title": "Thử"},
        )
    except FrameworkFileError:
        event("refused")
        assert counts() == before
        assert stored(active) == active_before
        return
    event("accepted, replacing" if replace else "accepted, new")
    assert_stored_sound(framework)
    if replace:
        assert services.framework_integrity(framework=framework).ok
        assert Framework.objects.get(pk=active.pk).status == FrameworkStatus.ACTIVE
    else:
        assert Framework.objects.get(code=code).status == FrameworkStatus.DRAFT


@STORING
@given(upload=uploads, replace=st.sampled_from([False, False, False, True]))
def test_the_import_page_never_fails_and_a_refusal_changes_nothing(
    client, secretariat, active, upload, replace
):
    client.force_login(secretariat)
    content, filename = upload
    before, active_before = counts(), stored(active)
    code = f"trang-nhap-{next(CODES)}"
    if replace:
        url, data = reverse("admin:scoring_framework_import_into", args=[active.pk]), {}
    else:
        url, data = reverse("admin:scoring_framework_import"), {"code": code, "title": "Thử"}
    response = client.post(url, {**data, "file": SimpleUploadedFile(filename, content)})
    assert response.status_code in (200, 302)
    event(f"status {response.status_code}")
    if response.status_code == 200:
        assert counts() == before
        assert stored(active) == active_before
    elif replace:
        assert_stored_sound(active)
        assert services.framework_integrity(framework=active).ok
    else:
        assert_stored_sound(Framework.objects.get(code=code))
