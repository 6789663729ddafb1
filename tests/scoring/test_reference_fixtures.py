"""Every shipped fixture loads and keeps its invariants."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from scoring.models import DomainSummary, Framework, FrameworkNode, FrameworkStatus
from scoring.services import framework_integrity
from units.models import Unit, UnitGroup

pytestmark = pytest.mark.django_db


def test_the_2948_framework_matches_the_official_summary(reference):
    framework = Framework.objects.get(code="qd2948-tinh")
    assert framework.decision_number == "2948/QĐ-BNV"
    assert "2498/QĐ-BNV" in framework.aliases
    nodes = FrameworkNode.objects.filter(framework=framework)
    assert nodes.filter(level="domain").count() == 8
    assert nodes.filter(level="criterion").count() == 38
    assert nodes.filter(level="subcriterion").count() == 81
    assert nodes.filter(is_scorable=True).count() == 89
    assert sum(n.max_points for n in nodes.filter(level="domain")) == Decimal("100")
    assert DomainSummary.objects.filter(framework=framework).count() == 8
    report = framework_integrity(framework=framework)
    assert report.ok, report.problems
    assert nodes.filter(verified=True).count() == 21
    assert set(nodes.filter(verified=True, level="subcriterion").values_list("code", flat=True)) >= {
        "3.2.3",
        "4.1.2",
        "5.1.2",
        "5.5.2",
        "6.2.3",
        "7.2.1",
        "7.2.2",
        "7.3.1",
        "8.2.2",
    }


def test_units_and_groups_of_2017(reference):
    assert Unit.objects.filter(kind="province").count() == 63
    cantho = Unit.objects.get(code="92")
    assert cantho.children.filter(kind="department", valid_from__isnull=True).count() == 20
    assert cantho.children.filter(kind="district").count() == 9
    cities = UnitGroup.objects.get(code="vn-tp-truc-thuoc-tw-2017")
    assert set(cities.members.values_list("short_name", flat=True)) == {
        "Hà Nội",
        "TP. Hồ Chí Minh",
        "Hải Phòng",
        "Đà Nẵng",
        "Cần Thơ",
    }
    regions = UnitGroup.objects.filter(code__startswith="vung-")
    assert regions.count() == 6
    members = [code for group in regions for code in group.members.values_list("code", flat=True)]
    assert len(members) == len(set(members)) == 63  # every province in exactly one region
    assert UnitGroup.objects.get(code="vung-dbscl").members.filter(code="92").exists()


def test_loading_reference_data_twice_changes_nothing(reference):
    framework = Framework.objects.get(code="qd2948-tinh")
    Framework.objects.filter(pk=framework.pk).update(status=FrameworkStatus.FROZEN)
    Unit.objects.filter(code="92-stp").update(short_name="STP")
    before = (Unit.objects.count(), UnitGroup.objects.count(), FrameworkNode.objects.count())
    assert before[0] == 93  # 63 provinces, Cần Thơ's 29 units of 2017 and 1 merged in 2025
    call_command("load_reference", verbosity=0)
    assert (Unit.objects.count(), UnitGroup.objects.count(), FrameworkNode.objects.count()) == before
    assert Framework.objects.get(pk=framework.pk).status == FrameworkStatus.FROZEN
    assert Unit.objects.get(code="92-stp").short_name == "STP"


SOURCES = [
    "framework-qd2948-provincial.csv",
    "cantho-units-2017.csv",
    "par-index-2017-provinces.csv",
    "cantho-2017-losses.csv",
]


def test_the_committed_fixtures_are_what_the_builder_makes(tmp_path, settings):
    """fixtures/ must be reproducible from the sources (provenance)."""
    from pathlib import Path

    call_command("build_reference_fixtures", out=str(tmp_path), verbosity=0)
    built = sorted(tmp_path.glob("*.json"))
    assert len(built) == 5
    for path in built:
        committed = Path(settings.BASE_DIR) / "fixtures" / path.name
        assert path.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), path.name


@pytest.mark.parametrize("name", SOURCES)
def test_sources_are_verbatim_copies_of_shared_data(settings, name):
    from pathlib import Path

    shared = Path(settings.BASE_DIR).parent / "shared" / "data" / name
    if not shared.exists():
        pytest.skip("../shared/data is not beside this checkout (it is in CI and in the work area)")
    assert (Path(settings.BASE_DIR) / "fixtures" / "sources" / name).read_bytes() == shared.read_bytes()


def test_the_builder_refuses_a_missing_data_folder(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Không thấy thư mục"):
        call_command("build_reference_fixtures", data=str(tmp_path / "none"), out=str(tmp_path), verbosity=0)


def test_the_district_blocks_and_the_2025_merger_of_cantho(reference):
    quan = UnitGroup.objects.get(code="cantho-khoi-quan")
    huyen = UnitGroup.objects.get(code="cantho-khoi-huyen")
    assert set(quan.members.values_list("code", flat=True)) == {"916", "917", "918", "919", "923"}
    assert set(huyen.members.values_list("code", flat=True)) == {"924", "925", "926", "927"}
    assert str(quan.valid_to) == str(huyen.valid_to) == "2025-07-01"
    merged = Unit.objects.get(code="92-stc-2025")
    assert merged.name == "Sở Tài chính"
    assert set(merged.predecessors.values_list("code", flat=True)) == {"92-skhdt", "92-stc"}
    assert {str(u.valid_to) for u in merged.predecessors.all()} == {str(merged.valid_from)} == {"2025-03-01"}
