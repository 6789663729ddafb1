"""Ranks within a period's named groups and the comparison with the previous comparable period, frozen at
publication (issue 8)."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import calculator, demo, services
from scoring.backoffice.period_forms import RankingGroupsForm
from scoring.models import Framework, FrameworkNode, Period, PublishedUnit
from units.models import Unit, UnitGroup

pytestmark = pytest.mark.django_db

BANDS = [services.BandSpec(name, D(minimum)) for name, minimum in demo.BANDS_2017]


def units(*codes):
    found = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    for code in codes:
        if code not in found:
            found[code] = Unit.objects.create(code=code, name=f"Đơn vị {code}", kind="department")
    return [found[code] for code in codes]


def group(code, *unit_codes, **dates):
    unit_group = UnitGroup.objects.create(code=code, name=f"Nhóm {code}", **dates)
    unit_group.members.set(units(*unit_codes))
    return unit_group


def setup_period(actor, code, year, indexes, *, previous=None):
    unit_group = group(f"{code}-nhom", *indexes)
    framework = Framework.objects.get(code=demo.DEMO_FRAMEWORK_CODE)
    return services.period_create(
        acting_user=actor,
        code=code,
        year=year,
        title=f"Kỳ thử {code}",
        bands=BANDS,
        groups=[(unit_group, framework)],
        previous=previous,
    )


def publish(period, actor, indexes):
    framework = Framework.objects.get(code=demo.DEMO_FRAMEWORK_CODE)
    nodes = list(FrameworkNode.objects.filter(framework=framework, is_scorable=True).order_by("order"))
    services.historical_results_import(
        period=period,
        acting_user=actor,
        values_by_unit={
            code: demo._values_for_index(D(index), nodes, seed=code) for code, index in indexes.items()
        },
        reason="Kết quả thử.",
    )
    return period


def published(actor, code, year, indexes, *, previous=None):
    return publish(setup_period(actor, code, year, indexes, previous=previous), actor, indexes)


def row(period_code, unit_code):
    return PublishedUnit.objects.get(publication__period__code=period_code, unit_code=unit_code).row


# ---------------------------------------------------------------- named groups


def test_units_are_ranked_within_each_named_group_with_shared_ranks_for_ties(secretariat):
    indexes = {"t-a": "91.00", "t-b": "88.004", "t-c": "87.996", "t-d": "80.00", "t-e": "95.00"}
    period = setup_period(secretariat, "nhom-2030", 2030, indexes)
    north = group("thu-bac", "t-a", "t-b", "t-c")  # b and c tie at 88.00 as published
    south = group("thu-nam", "t-d", "t-e", "t-khac")  # t-khac takes no part in the period
    services.period_ranking_groups_set(period=period, acting_user=secretariat, groups=[north, south])
    publish(period, secretariat, indexes)
    assert row("nhom-2030", "t-a")["group_ranks"] == [
        {"code": "thu-bac", "name": "Nhóm thu-bac", "rank": 1, "size": 3}
    ]
    assert [g["rank"] for g in row("nhom-2030", "t-b")["group_ranks"]] == [2]
    assert [g["rank"] for g in row("nhom-2030", "t-c")["group_ranks"]] == [2]
    assert row("nhom-2030", "t-d")["group_ranks"] == [
        {"code": "thu-nam", "name": "Nhóm thu-nam", "rank": 2, "size": 2}
    ]
    assert (
        row("nhom-2030", "t-b")["rank"] == row("nhom-2030", "t-c")["rank"] == 3
    )  # overall: e, a, then b = c


def test_a_period_without_named_groups_publishes_empty_group_ranks(secretariat):
    published(secretariat, "khong-nhom", 2030, {"t-a": "90", "t-b": "80"})
    assert row("khong-nhom", "t-a")["group_ranks"] == []


def test_named_groups_are_refused_when_they_cannot_rank_anything(secretariat):
    period = setup_period(secretariat, "tu-choi", 2030, {"t-a": "90", "t-b": "80"})
    own = period.groups.get().unit_group
    with pytest.raises(ValidationError, match="nhóm đánh giá của kỳ"):
        services.period_ranking_groups_set(period=period, acting_user=secretariat, groups=[own])
    with pytest.raises(ValidationError, match="ít hơn 2 đơn vị"):
        services.period_ranking_groups_set(
            period=period, acting_user=secretariat, groups=[group("mot", "t-a", "t-x")]
        )
    old = group("cu", "t-a", "t-b", valid_to=datetime.date(2025, 7, 1))
    with pytest.raises(ValidationError, match="không dùng trong năm 2030"):
        services.period_ranking_groups_set(period=period, acting_user=secretariat, groups=[old])
    assert not period.ranking_groups.exists()


def test_named_groups_are_set_by_the_secretariat_only_before_publication_with_history(
    secretariat, officer_justice
):
    period = setup_period(secretariat, "lich-su", 2030, {"t-a": "90", "t-b": "80"})
    pair = group("cap", "t-a", "t-b")
    with pytest.raises(PermissionDenied):
        services.period_ranking_groups_set(period=period, acting_user=officer_justice, groups=[pair])
    services.period_ranking_groups_set(period=period, acting_user=secretariat, groups=[pair])
    latest = period.history.first()
    assert latest.history_user == secretariat
    assert [g.unitgroup_id for g in latest.ranking_groups.all()] == [pair.pk]
    assert "Nhóm cap" in latest.history_change_reason
    publish(period, secretariat, {"t-a": "90", "t-b": "80"})
    with pytest.raises(ValidationError, match="đã công bố"):
        services.period_ranking_groups_set(period=period, acting_user=secretariat, groups=[])


def test_the_settings_page_saves_named_groups_and_shows_refusals_on_the_field(client, secretariat):
    period = setup_period(secretariat, "trang", 2030, {"t-a": "90", "t-b": "80"})
    pair, lonely = group("cap", "t-a", "t-b"), group("le", "t-a", "t-z")
    client.force_login(secretariat)
    url = f"/quan-tri/nghiep-vu/ky/{period.pk}/thiet-lap/"
    page = client.get(url)
    assert "Nhóm xếp hạng riêng" in page.content.decode()
    response = client.post(url, {"_ranking": "1", "ranking_groups": [lonely.pk]})
    assert response.status_code == 200  # not offered: a group holding fewer than 2 of the period's units
    assert "không nằm trong các lựa chọn" in response.content.decode()
    response = client.post(url, {"_ranking": "1", "ranking_groups": [pair.pk]})
    assert response.status_code == 302
    assert list(Period.objects.get(pk=period.pk).ranking_groups.all()) == [pair]


def test_the_settings_page_is_refused_to_units(client, secretariat, officer_justice):
    period = setup_period(secretariat, "trang-cam", 2030, {"t-a": "90", "t-b": "80"})
    client.force_login(officer_justice)
    response = client.post(
        f"/quan-tri/nghiep-vu/ky/{period.pk}/thiet-lap/", {"_ranking": "1", "ranking_groups": []}
    )
    assert response.status_code in (403, 404)
    assert not Period.objects.get(pk=period.pk).history.filter(history_user=officer_justice).exists()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(max_size=12), max_size=4))
def test_the_named_groups_form_never_fails_on_any_input(secretariat, values):
    period = Period.objects.get(code="2018-huyen")
    form = RankingGroupsForm({"ranking_groups": values}, period=period)
    if form.is_valid():
        assert all(isinstance(g, UnitGroup) for g in form.cleaned_data["ranking_groups"])
    else:
        assert "ranking_groups" in form.errors


# ---------------------------------------------------------------- the previous comparable period


def test_a_unit_is_compared_with_the_same_code_in_the_declared_previous_period(secretariat):
    first = published(secretariat, "truoc", 2030, {"t-a": "80.00", "t-b": "85.00", "t-c": "70"})
    published(secretariat, "sau", 2031, {"t-a": "86.50", "t-b": "84.00", "t-c": "70"}, previous=first)
    a = row("sau", "t-a")
    assert (a["previous_period"], a["previous_year"], a["previous_match"]) == ("truoc", 2030, "code")
    assert D(a["previous_index"]) == D("80.00")
    assert a["previous_rank"] == 2
    assert a["previous_group_size"] == 3
    assert D(a["index_change"]) == D("6.50")
    assert a["rank_change"] == 1
    b = row("sau", "t-b")
    assert D(b["index_change"]) == D("-1.00")
    assert b["rank_change"] == -1
    assert row("sau", "t-c")["rank_change"] == 0
    assert D(row("sau", "t-c")["index_change"]) == 0


def test_without_a_declared_previous_the_latest_earlier_public_period_of_the_unit_is_used(secretariat):
    published(secretariat, "xa", 2028, {"t-a": "70", "t-b": "71"})
    published(secretariat, "gan", 2029, {"t-a": "75", "t-b": "76"})
    published(secretariat, "khac", 2029, {"t-q": "90", "t-r": "91"})  # newer-coded, but the unit is not in it
    setup_period(secretariat, "chua-cong-bo", 2030, {"t-a": "1", "t-b": "2"})  # not public: never compared
    published(secretariat, "nay", 2031, {"t-a": "80", "t-b": "70"})
    assert row("nay", "t-a")["previous_period"] == "gan"
    assert D(row("nay", "t-a")["index_change"]) == D("5")


def test_a_renamed_unit_is_compared_through_its_one_predecessor(secretariat):
    first = published(secretariat, "cu", 2030, {"t-old": "80", "t-b": "85"})
    (renamed,) = units("t-new")
    renamed.predecessors.set(units("t-old"))
    published(secretariat, "moi", 2031, {"t-new": "82", "t-b": "81"}, previous=first)
    new = row("moi", "t-new")
    assert new["previous_match"] == "lineage"
    assert new["previous_label"] == "so với Đơn vị t-old (tiền thân)"
    assert D(new["index_change"]) == D("2")
    assert new["rank_change"] == 1


def test_a_merged_unit_has_no_change_but_says_what_it_was_formed_from(secretariat):
    published(secretariat, "truoc-hop", 2030, {"t-x": "80", "t-y": "85", "t-b": "90"})
    (merged,) = units("t-xy")
    merged.predecessors.set(units("t-x", "t-y"))
    published(secretariat, "sau-hop", 2031, {"t-xy": "88", "t-b": "91"})
    xy = row("sau-hop", "t-xy")
    assert xy["previous_period"] == "truoc-hop"
    assert xy["previous_match"] == "merged"
    assert xy["previous_label"] == "hợp nhất từ Đơn vị t-x, Đơn vị t-y"
    assert xy["index_change"] is None
    assert xy["rank_change"] is None
    assert xy["previous_index"] is None


def test_a_unit_with_nothing_to_compare_gets_empty_keys(secretariat):
    first = published(secretariat, "dau", 2030, {"t-a": "80", "t-b": "85"})
    published(secretariat, "tiep", 2031, {"t-a": "82", "t-new": "81"}, previous=first)
    new = row("tiep", "t-new")
    assert new["previous_period"] is None
    assert new["previous_match"] is None
    assert new["previous_label"] == ""
    assert new["index_change"] is None
    assert new["rank_change"] is None


def test_the_year_on_year_arithmetic():
    assert calculator.year_on_year(D("83.53"), 9, D("80.00"), 16) == (D("3.53"), 7)
    assert calculator.year_on_year(D("70"), 5, None, None) == (None, None)
    assert calculator.year_on_year(None, None, D("70"), 5) == (None, None)
