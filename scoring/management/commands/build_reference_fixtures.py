"""Rebuild the JSON fixtures in fixtures/ from the reference data.

The sources are verbatim copies of ../shared/data files kept in fixtures/sources/ (a test checks they still
match shared/data). The committed fixtures are this command's output; after the shared data changes, copy the
files again, run this command and review the diff. Provenance of every file is in fixtures/README.md.
"""

import csv
import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from scoring.framework_integrity import DeclaredDomain, check_integrity
from scoring.framework_io import FrameworkFileError, parse_nodes, read_table
from scoring.national_io import REQUIRED_HEADERS, Province, parse_national_table
from scoring.spreadsheets import read_table as read_upload

# Codes of the national list of administrative units (Quyết định 124/2004/QĐ-TTg), as of 2017, and the six
# socio-economic regions used by the PAR Index reports. Not part of shared/data: see fixtures/README.md.
PROVINCES_2017 = [
    ("01", "Hà Nội", "dbsh", True),
    ("02", "Hà Giang", "tdmnpb", False),
    ("04", "Cao Bằng", "tdmnpb", False),
    ("06", "Bắc Kạn", "tdmnpb", False),
    ("08", "Tuyên Quang", "tdmnpb", False),
    ("10", "Lào Cai", "tdmnpb", False),
    ("11", "Điện Biên", "tdmnpb", False),
    ("12", "Lai Châu", "tdmnpb", False),
    ("14", "Sơn La", "tdmnpb", False),
    ("15", "Yên Bái", "tdmnpb", False),
    ("17", "Hòa Bình", "tdmnpb", False),
    ("19", "Thái Nguyên", "tdmnpb", False),
    ("20", "Lạng Sơn", "tdmnpb", False),
    ("22", "Quảng Ninh", "dbsh", False),
    ("24", "Bắc Giang", "tdmnpb", False),
    ("25", "Phú Thọ", "tdmnpb", False),
    ("26", "Vĩnh Phúc", "dbsh", False),
    ("27", "Bắc Ninh", "dbsh", False),
    ("30", "Hải Dương", "dbsh", False),
    ("31", "Hải Phòng", "dbsh", True),
    ("33", "Hưng Yên", "dbsh", False),
    ("34", "Thái Bình", "dbsh", False),
    ("35", "Hà Nam", "dbsh", False),
    ("36", "Nam Định", "dbsh", False),
    ("37", "Ninh Bình", "dbsh", False),
    ("38", "Thanh Hóa", "btbdhmt", False),
    ("40", "Nghệ An", "btbdhmt", False),
    ("42", "Hà Tĩnh", "btbdhmt", False),
    ("44", "Quảng Bình", "btbdhmt", False),
    ("45", "Quảng Trị", "btbdhmt", False),
    ("46", "Thừa Thiên Huế", "btbdhmt", False),
    ("48", "Đà Nẵng", "btbdhmt", True),
    ("49", "Quảng Nam", "btbdhmt", False),
    ("51", "Quảng Ngãi", "btbdhmt", False),
    ("52", "Bình Định", "btbdhmt", False),
    ("54", "Phú Yên", "btbdhmt", False),
    ("56", "Khánh Hòa", "btbdhmt", False),
    ("58", "Ninh Thuận", "btbdhmt", False),
    ("60", "Bình Thuận", "btbdhmt", False),
    ("62", "Kon Tum", "tn", False),
    ("64", "Gia Lai", "tn", False),
    ("66", "Đắk Lắk", "tn", False),
    ("67", "Đắk Nông", "tn", False),
    ("68", "Lâm Đồng", "tn", False),
    ("70", "Bình Phước", "dnb", False),
    ("72", "Tây Ninh", "dnb", False),
    ("74", "Bình Dương", "dnb", False),
    ("75", "Đồng Nai", "dnb", False),
    ("77", "Bà Rịa - Vũng Tàu", "dnb", False),
    ("79", "TP. Hồ Chí Minh", "dnb", True),
    ("80", "Long An", "dbscl", False),
    ("82", "Tiền Giang", "dbscl", False),
    ("83", "Bến Tre", "dbscl", False),
    ("84", "Trà Vinh", "dbscl", False),
    ("86", "Vĩnh Long", "dbscl", False),
    ("87", "Đồng Tháp", "dbscl", False),
    ("89", "An Giang", "dbscl", False),
    ("91", "Kiên Giang", "dbscl", False),
    ("92", "Cần Thơ", "dbscl", True),
    ("93", "Hậu Giang", "dbscl", False),
    ("94", "Sóc Trăng", "dbscl", False),
    ("95", "Bạc Liêu", "dbscl", False),
    ("96", "Cà Mau", "dbscl", False),
]
REGIONS = {
    "tdmnpb": "Trung du và miền núi phía Bắc",
    "dbsh": "Đồng bằng sông Hồng",
    "btbdhmt": "Bắc Trung Bộ và duyên hải miền Trung",
    "tn": "Tây Nguyên",
    "dnb": "Đông Nam Bộ",
    "dbscl": "Đồng bằng sông Cửu Long",
}
# The 2025 merger (Nghị quyết 202/2025/QH15, in force from 1 July 2025): 63 provinces became 34. Each merged
# province continues one of the old ones (its name and code kept here) and names the others as predecessors,
# which cease on that day. General knowledge, not part of shared/data: see fixtures/README.md.
MERGER_2025_DAY = "2025-07-01"
MERGERS_2025 = {
    "08": ["02"],  # Tuyên Quang ← Hà Giang
    "10": ["15"],  # Lào Cai ← Yên Bái
    "19": ["06"],  # Thái Nguyên ← Bắc Kạn
    "25": ["26", "17"],  # Phú Thọ ← Vĩnh Phúc, Hòa Bình
    "27": ["24"],  # Bắc Ninh ← Bắc Giang
    "33": ["34"],  # Hưng Yên ← Thái Bình
    "31": ["30"],  # Hải Phòng ← Hải Dương
    "37": ["35", "36"],  # Ninh Bình ← Hà Nam, Nam Định
    "45": ["44"],  # Quảng Trị ← Quảng Bình
    "48": ["49"],  # Đà Nẵng ← Quảng Nam
    "51": ["62"],  # Quảng Ngãi ← Kon Tum
    "64": ["52"],  # Gia Lai ← Bình Định
    "56": ["58"],  # Khánh Hòa ← Ninh Thuận
    "68": ["67", "60"],  # Lâm Đồng ← Đắk Nông, Bình Thuận
    "66": ["54"],  # Đắk Lắk ← Phú Yên
    "79": ["74", "77"],  # Hồ Chí Minh ← Bình Dương, Bà Rịa - Vũng Tàu
    "75": ["70"],  # Đồng Nai ← Bình Phước
    "72": ["80"],  # Tây Ninh ← Long An
    "92": ["93", "94"],  # Cần Thơ ← Hậu Giang, Sóc Trăng
    "86": ["83", "84"],  # Vĩnh Long ← Bến Tre, Trà Vinh
    "87": ["82"],  # Đồng Tháp ← Tiền Giang
    "96": ["95"],  # Cà Mau ← Bạc Liêu
    "89": ["91"],  # An Giang ← Kiên Giang
}
# Centrally-run cities from 2025: the five of 2017 and Huế (from 1 January 2025).
CITIES_2025 = ["01", "31", "46", "48", "79", "92"]
# PAR INDEX 2017 as published (shared/data/README.md): the means the import must reproduce.
NATIONAL_2017_MEANS = {
    "appraisal": Decimal("46.76"),
    "impact_8_1": Decimal("11.66"),
    "survey": Decimal("16.44"),
    "impact_8_2": Decimal("2.87"),
    "index": Decimal("77.72"),
}
NATIONAL_2017_SOURCE = (
    "Bộ Nội vụ, Báo cáo Chỉ số cải cách hành chính năm 2017 của các bộ, cơ quan ngang bộ, Ủy ban nhân dân các "
    "tỉnh, thành phố trực thuộc Trung ương (công bố năm 2018); bảng 63 tỉnh, thành phố trong "
    "shared/data/par-index-2017-provinces.csv."
)
# Cần Thơ's districts with their administrative unit codes (QĐ 124/2004/QĐ-TTg and later amendments).
DISTRICT_CODES = {
    "Quận Ninh Kiều": "916",
    "Quận Ô Môn": "917",
    "Quận Bình Thủy": "918",
    "Quận Cái Răng": "919",
    "Quận Thốt Nốt": "923",
    "Huyện Vĩnh Thạnh": "924",
    "Huyện Cờ Đỏ": "925",
    "Huyện Phong Điền": "926",
    "Huyện Thới Lai": "927",
}
# Departments have no national code: parindex codes them "92-" plus the usual abbreviation.
DEPARTMENT_CODES = {
    "Sở Khoa học và Công nghệ": "skhcn",
    "Sở Công Thương": "sct",
    "Sở Văn hóa, Thể thao và Du lịch": "svhttdl",
    "Văn phòng Ủy ban nhân dân thành phố": "vpubnd",
    "Sở Giáo dục và Đào tạo": "sgddt",
    "Sở Thông tin và Truyền thông": "stttt",
    "Sở Xây dựng": "sxd",
    "Sở Nội vụ": "snv",
    "Thanh tra thành phố": "tttp",
    "Sở Tư pháp": "stp",
    "Sở Kế hoạch và Đầu tư": "skhdt",
    "Ban Dân tộc": "bdt",
    "Sở Y tế": "syt",
    "Sở Tài nguyên và Môi trường": "stnmt",
    "Sở Tài chính": "stc",
    "Sở Ngoại vụ": "sngv",
    "Sở Nông nghiệp và Phát triển nông thôn": "snnptnt",
    "Sở Lao động - Thương binh và Xã hội": "sldtbxh",
    "Sở Giao thông vận tải": "sgtvt",
    "Ban Quản lý các Khu chế xuất và Công nghiệp": "bqlkcx",
}
# Cần Thơ's departments were reorganised in February 2025 (shared/data/published-facts.md). Of that
# reorganisation parindex models one merger, on the national pattern of 2025 (Sở Kế hoạch và Đầu tư and Sở Tài
# chính consolidated into a new Sở Tài chính; e.g. Quảng Ngãi's 2025 budget resolution for its newly formed
# departments): (code, name, in force from, predecessors), the predecessors ceasing that day. Cần Thơ's own
# decision and its exact date are not verified (fixtures/README.md); 01/03/2025 is the day the new departments
# of most provinces started work.
CANTHO_MERGERS_2025 = [("92-stc-2025", "Sở Tài chính", "2025-03-01", ["92-skhdt", "92-stc"])]
# From 1 July 2025 local government has two tiers (published-facts.md): no more districts, so no district groups.
DISTRICTS_END = "2025-07-01"
# The two named ranking groups of the districts: urban districts (quận) and rural districts (huyện), from the
# names in cantho-units-2017.csv.
CANTHO_DISTRICT_BLOCKS = [
    ("cantho-khoi-quan", "Khối quận (thành phố Cần Thơ)", "Quận "),
    ("cantho-khoi-huyen", "Khối huyện (thành phố Cần Thơ)", "Huyện "),
]
# The official per-domain summary of Quyết định 2948/QĐ-BNV (DOMAIN.md): criteria, sub-criteria, max points.
QD2948_DECLARED = [
    ("1", 6, 6, "10"),
    ("2", 4, 6, "10"),
    ("3", 5, 16, "14.5"),
    ("4", 4, 10, "11"),
    ("5", 9, 16, "16"),
    ("6", 3, 6, "7"),
    ("7", 5, 18, "16"),
    ("8", 2, 3, "15.5"),
]
QD2948_CODE = "qd2948-tinh"
# Why points are usually lost on the nodes where Cần Thơ lost points in 2017 (cantho-2017-losses.csv): parindex's
# proposal from the published causes, not an official classification; the secretariat edits it in the admin.
# Process: late reports and tasks, outdated postings (fixed by the next deadline). Structural: staffing
# structure, job positions, discipline, internal financial rules, online-service uptake, investment.
QD2948_LOSS_KINDS = {
    "1.2": "process",
    "1.6": "process",
    "3.2.3": "process",
    "4.1.2": "structural",
    "5.1.2": "structural",
    "5.5.2": "structural",
    "6.2.3": "structural",
    "7.2.1": "structural",
    "7.2.2": "structural",
    "7.3.1": "structural",
    "8.2.2": "structural",
}
LOSS_KIND_NOTE = "Loại nguyên nhân mất điểm: đề xuất của parindex từ nguyên nhân đã công bố, chưa phải phân loại chính thức."
AGENCY_NOTE = (
    "Cơ quan tham mưu: theo phân tích Chỉ số CCHC năm 2017 của Sở Nội vụ thành phố Cần Thơ (tháng 5/2018), "
    "là cơ quan bài phân tích nêu cho lĩnh vực của mục."
)
DOMAIN_AGENCY_NOTE = (
    "Cơ quan tham mưu của lĩnh vực: theo phân tích Chỉ số CCHC năm 2017 của Sở Nội vụ thành phố Cần Thơ "
    "(tháng 5/2018); các mục con chưa có cơ quan riêng dùng cơ quan của lĩnh vực."
)


def province_full_name(short: str, central: bool) -> str:
    if short.startswith("TP. "):
        return "Thành phố " + short.removeprefix("TP. ")
    return ("Thành phố " if central else "Tỉnh ") + short


class Command(BaseCommand):
    help = "Dựng lại các tệp fixtures/*.json từ dữ liệu tham chiếu trong ../shared/data."

    def add_arguments(self, parser):
        parser.add_argument("--data", default=str(Path(settings.BASE_DIR) / "fixtures" / "sources"))
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "fixtures"))

    def handle(self, *args, data, out, **options):
        data_dir, out_dir = Path(data), Path(out)
        if not data_dir.is_dir():
            raise CommandError(f"Không thấy thư mục dữ liệu tham chiếu: {data_dir}")
        self._write(out_dir / "units_provinces.json", self._provinces(data_dir))
        self._write(out_dir / "national_par_index_2017.json", self._national_2017(data_dir))
        self._write(out_dir / "units_cantho_2017.json", self._cantho(data_dir))
        self._write(out_dir / "units_cantho_2025.json", self._cantho_2025())
        self._write(out_dir / "framework_qd2948_provincial.json", self._framework(data_dir))

    def _write(self, path: Path, objects: list[dict]):
        path.write_text(json.dumps(objects, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        self.stdout.write(f"{path.name}: {len(objects)} đối tượng")

    def _provinces(self, data_dir: Path) -> list[dict]:
        with open(data_dir / "par-index-2017-provinces.csv", encoding="utf-8") as handle:
            ranked = {row["province"] for row in csv.DictReader(handle)}
        names = {short for _, short, _, _ in PROVINCES_2017}
        if ranked != names or len(PROVINCES_2017) != 63:
            raise CommandError(f"Danh sách tỉnh không khớp bảng xếp hạng 2017: {sorted(ranked ^ names)}")
        absorbed = {code for codes in MERGERS_2025.values() for code in codes}
        objects = [
            {
                "model": "units.unit",
                "fields": {
                    "code": code,
                    "name": province_full_name(short, central),
                    "short_name": short,
                    "kind": "province",
                    "parent": None,
                    "valid_from": None,
                    "valid_to": MERGER_2025_DAY if code in absorbed else None,
                    "predecessors": [[p] for p in MERGERS_2025.get(code, [])],
                },
            }
            for code, short, _, central in PROVINCES_2017
        ]
        # Predecessors are natural keys of units listed above them: put every absorbed province first.
        objects.sort(key=lambda item: item["fields"]["code"] not in absorbed)
        # (code, name, members, in use from, in use until): the groups of the 63 provinces end with the merger.
        groups = [
            (
                "vn-63-tinh-2017",
                "63 tỉnh, thành phố trực thuộc Trung ương (2017)",
                [p[0] for p in PROVINCES_2017],
                None,
                MERGER_2025_DAY,
            ),
            (
                "vn-tp-truc-thuoc-tw-2017",
                "5 thành phố trực thuộc Trung ương",
                [p[0] for p in PROVINCES_2017 if p[3]],
                None,
                "2025-01-01",
            ),
        ]
        groups += [
            (
                "vn-34-tinh-2025",
                "34 tỉnh, thành phố trực thuộc Trung ương (từ 01/07/2025)",
                [p[0] for p in PROVINCES_2017 if p[0] not in absorbed],
                MERGER_2025_DAY,
                None,
            ),
            (
                "vn-tp-truc-thuoc-tw-2025",
                "6 thành phố trực thuộc Trung ương (từ 2025)",
                CITIES_2025,
                "2025-01-01",
                None,
            ),
        ]
        for region_code, region_name in REGIONS.items():
            members = [p[0] for p in PROVINCES_2017 if p[2] == region_code]
            groups.append((f"vung-{region_code}", f"Vùng {region_name}", members, None, MERGER_2025_DAY))
        for code, name, members, valid_from, valid_to in groups:
            objects.append(
                {
                    "model": "units.unitgroup",
                    "fields": {
                        "code": code,
                        "name": name,
                        "description": "Nhóm xếp hạng theo bảng PAR INDEX cấp tỉnh.",
                        "members": [[m] for m in members],
                        "valid_from": valid_from,
                        "valid_to": valid_to,
                    },
                }
            )
        return objects

    def _national_2017(self, data_dir: Path) -> list[dict]:
        """PAR INDEX 2017, checked as an import checks it: ranks recomputed (ties shared) and means equal to
        the published ones."""
        provinces = [
            Province(pk=number, code=code, name=province_full_name(short, central), short_name=short)
            for number, (code, short, _, central) in enumerate(PROVINCES_2017, start=1)
        ]
        path = data_dir / "par-index-2017-provinces.csv"
        table = read_upload(path.read_bytes(), path.name, required=REQUIRED_HEADERS)
        parsed = parse_national_table(
            table, year=2017, provinces=provinces, published_means=NATIONAL_2017_MEANS
        )
        if not parsed.ok:
            raise CommandError("Bảng PAR INDEX 2017 không qua kiểm tra: " + " ".join(parsed.errors))
        objects = [
            {
                "model": "scoring.nationalyear",
                "fields": {
                    "year": 2017,
                    "title": "Chỉ số cải cách hành chính cấp tỉnh năm 2017 (PAR INDEX 2017)",
                    "source": NATIONAL_2017_SOURCE,
                    **{f"mean_{key}": str(value) for key, value in NATIONAL_2017_MEANS.items()},
                    "imported_at": None,
                    "imported_by": None,
                },
            }
        ]
        names = {"appraisal": "appraisal_points", "survey": "survey_points"}
        for row in parsed.rows:
            objects.append(
                {
                    "model": "scoring.nationalrow",
                    "fields": {
                        "national_year": [2017],
                        "unit": [row.province.code],
                        "published_name": row.published_name,
                        **{names.get(key, key): str(value) for key, value in row.values.items()},
                        "published_rank": row.rank,
                    },
                }
            )
        return objects

    def _cantho(self, data_dir: Path) -> list[dict]:
        with open(data_dir / "cantho-units-2017.csv", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        objects, departments, districts = [], [], []
        merged = {code: day for _, _, day, codes in CANTHO_MERGERS_2025 for code in codes}
        for row in rows:
            name = row["name_vi"]
            if row["kind"] == "department":
                code = "92-" + DEPARTMENT_CODES[name]
                departments.append(code)
            else:
                code = DISTRICT_CODES[name]
                districts.append(code)
            objects.append(
                {
                    "model": "units.unit",
                    "fields": {
                        "code": code,
                        "name": name,
                        "short_name": "",
                        "kind": row["kind"],
                        "parent": ["92"],
                        "valid_from": None,
                        "valid_to": merged.get(code),
                        "predecessors": [],
                    },
                }
            )
        if len(departments) != 20 or len(districts) != 9:
            raise CommandError("cantho-units-2017.csv phải có 20 sở, ngành và 9 quận, huyện.")
        for code, name, members in (
            ("cantho-tinh", "Thành phố Cần Thơ (Chỉ số CCHC cấp tỉnh)", ["92"]),
            ("cantho-so-2017", "Sở, ban, ngành thành phố Cần Thơ (2017)", departments),
            ("cantho-huyen-2017", "Quận, huyện thành phố Cần Thơ (2017)", districts),
        ):
            objects.append(
                {
                    "model": "units.unitgroup",
                    "fields": {
                        "code": code,
                        "name": name,
                        "description": "Đơn vị được xếp hạng Chỉ số CCHC của thành phố Cần Thơ.",
                        "members": [[m] for m in members],
                    },
                }
            )
        names = {DISTRICT_CODES[row["name_vi"]]: row["name_vi"] for row in rows if row["kind"] == "district"}
        for code, name, prefix in CANTHO_DISTRICT_BLOCKS:
            objects.append(
                {
                    "model": "units.unitgroup",
                    "fields": {
                        "code": code,
                        "name": name,
                        "description": "Nhóm xếp hạng riêng trong Chỉ số CCHC các quận, huyện của thành phố Cần "
                        "Thơ, theo loại đơn vị trong tên (cantho-units-2017.csv); thôi dùng khi bỏ cấp huyện "
                        "(01/07/2025).",
                        "members": [[c] for c in districts if names[c].startswith(prefix)],
                        "valid_from": None,
                        "valid_to": DISTRICTS_END,
                    },
                }
            )
        return objects

    def _cantho_2025(self) -> list[dict]:
        """The merged departments of Cần Thơ's 2025 reorganisation (see CANTHO_MERGERS_2025)."""
        return [
            {
                "model": "units.unit",
                "fields": {
                    "code": code,
                    "name": name,
                    "short_name": "",
                    "kind": "department",
                    "parent": ["92"],
                    "valid_from": day,
                    "valid_to": None,
                    "predecessors": [[p] for p in predecessors],
                },
            }
            for code, name, day, predecessors in CANTHO_MERGERS_2025
        ]

    def _framework(self, data_dir: Path) -> list[dict]:
        path = data_dir / "framework-qd2948-provincial.csv"
        try:
            specs = parse_nodes(read_table(path.read_bytes(), path.name))
        except FrameworkFileError as exc:
            raise CommandError("\n".join(exc.problems)) from exc
        agencies, domain_agencies = self._agencies(data_dir, {spec.code for spec in specs})
        declared = [DeclaredDomain(c, tc, tctp, Decimal(m)) for c, tc, tctp, m in QD2948_DECLARED]
        report = check_integrity(specs, declared)
        if not report.ok:
            raise CommandError("\n".join(report.problems))
        objects = [
            {
                "model": "scoring.framework",
                "fields": {
                    "code": QD2948_CODE,
                    "title": "Bộ tiêu chí Chỉ số cải cách hành chính cấp tỉnh (2017–2019)",
                    "decision_number": "2948/QĐ-BNV",
                    "decision_date": "2017-12-28",
                    "aliases": "2498/QĐ-BNV",
                    "unit_kinds": ["province"],
                    "status": "active",
                    "version": 1,
                    "previous_version": None,
                    "source_note": (
                        "Tên lĩnh vực, số tiêu chí, số tiêu chí thành phần và điểm tối đa của 8 lĩnh vực là số liệu "
                        f"chính thức; {len(specs) - report.unverified_count} mục đã đối chiếu với các bài phân tích "
                        "đã công bố; các mục còn lại được dựng lại sao cho khớp mọi tổng đã công bố và được đánh dấu "
                        "chưa đối chiếu văn bản gốc cho đến khi nhập văn bản chính thức."
                    ),
                    "is_demo": False,
                    "created_at": "2017-12-28T00:00:00+07:00",
                    "updated_at": "2017-12-28T00:00:00+07:00",
                },
            }
        ]
        for code, tc, tctp, max_points in QD2948_DECLARED:
            objects.append(
                {
                    "model": "scoring.domainsummary",
                    "fields": {
                        "framework": [QD2948_CODE],
                        "domain_code": code,
                        "criteria_count": tc,
                        "subcriteria_count": tctp,
                        "max_points": max_points,
                    },
                }
            )
        for spec in specs:
            objects.append(
                {
                    "model": "scoring.frameworknode",
                    "fields": {
                        "framework": [QD2948_CODE],
                        "code": spec.code,
                        "level": spec.level,
                        "parent": [QD2948_CODE, spec.parent_code] if spec.parent_code else None,
                        "domain": [QD2948_CODE, spec.code.split(".")[0]] if spec.level != "domain" else None,
                        "order": spec.order,
                        "name": spec.name,
                        "max_points": str(spec.max_points),
                        "method": spec.method,
                        "is_scorable": spec.is_scorable,
                        "guidance": spec.guidance,
                        "evidence_requirement": spec.evidence_requirement,
                        "advising_agency": agencies.get(spec.code)
                        or domain_agencies.get(spec.code)
                        or spec.advising_agency,
                        "loss_kind": QD2948_LOSS_KINDS.get(spec.code, ""),
                        "verified": spec.verified,
                        "source_note": self._node_note(spec, agencies, domain_agencies),
                    },
                }
            )
        return objects

    def _agencies(self, data_dir: Path, node_codes: set[str]) -> tuple[dict[str, str], dict[str, str]]:
        """The advising agency of each node Cần Thơ lost points on in 2017, and of each domain the analysis
        names one for (the same agency on every lost node of the domain, or the build fails)."""
        with open(data_dir / "cantho-2017-losses.csv", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        unknown = sorted({row["code"] for row in rows} - node_codes)
        if unknown:
            raise CommandError(
                f"cantho-2017-losses.csv nêu mục không có trong bộ tiêu chí: {', '.join(unknown)}"
            )
        agencies = {
            row["code"]: row["advising_agency"].strip() for row in rows if row["advising_agency"].strip()
        }
        domains: dict[str, set[str]] = {}
        for row in rows:
            domains.setdefault(row["code"].split(".")[0], set()).add(row["advising_agency"].strip())
        mixed = sorted(code for code, names in domains.items() if len(names) > 1)
        if mixed:
            raise CommandError(f"Lĩnh vực có nhiều cơ quan tham mưu khác nhau: {', '.join(mixed)}")
        return agencies, {code: names.pop() for code, names in domains.items() if next(iter(names))}

    @staticmethod
    def _node_note(spec, agencies: dict[str, str], domain_agencies: dict[str, str]) -> str:
        notes = [spec.note] if spec.note else []
        if spec.code in agencies:
            notes.append(AGENCY_NOTE)
        elif spec.code in domain_agencies:
            notes.append(DOMAIN_AGENCY_NOTE)
        if spec.code in QD2948_LOSS_KINDS:
            notes.append(LOSS_KIND_NOTE)
        if len(notes) < 2:
            return spec.note
        return " ".join(note if note.endswith(".") else note + "." for note in notes)
