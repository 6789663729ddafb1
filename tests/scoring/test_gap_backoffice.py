"""The gap analysis inside the back office, and the loss kind of framework nodes (editable, with history)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import services
from scoring.models import Assessment, FrameworkNode, FrameworkStatus, LossKind
from scoring.selectors import gap_analysis
from tests.scenarios import PASSWORD


def page_url(assessment) -> str:
    return f"/quan-tri/nghiep-vu/danh-gia/{assessment.pk}/phan-tich/"


@pytest.fixture
def justice_2017(demo):
    """Sở Tư pháp's published 2017 assessment."""
    return Assessment.objects.get(period__code="2017-so", unit__code="92-stp")


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


@pytest.mark.parametrize("persona", ["officer_justice", "leader_justice", "secretariat"])
def test_the_units_people_and_the_secretariat_see_its_gap_analysis(client, request, justice_2017, persona):
    login(client, request.getfixturevalue(persona))
    response = client.get(page_url(justice_2017))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Phân tích điểm bị mất: Sở Tư pháp" in html
    assert "Điểm bị mất qua thẩm định" in html
    assert "Bình quân nhóm" in html
    assert "/ky-danh-gia/2017-so/don-vi/92-stp/phan-tich/bao-cao.xlsx" in html


def test_an_officer_of_another_unit_gets_a_404(client, officer_health, justice_2017):
    login(client, officer_health)
    assert client.get(page_url(justice_2017)).status_code == 404


def test_an_appraiser_not_assigned_to_the_period_gets_a_404(client, appraiser, justice_2017):
    login(client, appraiser)  # assigned to the current period only
    assert client.get(page_url(justice_2017)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login(client, justice_2017):
    response = client.get(page_url(justice_2017))
    assert response.status_code == 302
    assert "/quan-tri/login/" in response["Location"]


def test_an_unpublished_assessment_has_no_gap_analysis_yet(client, officer_justice, justice):
    login(client, officer_justice)
    assert client.get(page_url(justice)).status_code == 404


def test_the_self_assessment_page_links_a_published_gap_analysis(
    client, officer_justice, justice_2017, justice
):
    login(client, officer_justice)
    assert (
        page_url(justice_2017)
        in client.get(f"/quan-tri/nghiep-vu/danh-gia/{justice_2017.pk}/tu-danh-gia/").content.decode()
    )
    assert (
        "phan-tich"
        not in client.get(f"/quan-tri/nghiep-vu/danh-gia/{justice.pk}/tu-danh-gia/").content.decode()
    )


def test_the_assessment_list_links_the_gap_analysis_of_published_ones(client, officer_justice, justice_2017):
    login(client, officer_justice)
    html = client.get("/quan-tri/scoring/assessment/").content.decode()
    assert page_url(justice_2017) in html


# ---------------------------------------------------------------- loss kind


@pytest.fixture
def node_333(demo):
    """Node 3.3.3 of the QĐ 2948 framework, frozen by the demo's 2017 period, unclassified."""
    node = FrameworkNode.objects.get(framework__code="qd2948-tinh", code="3.3.3")
    assert node.framework.status == FrameworkStatus.FROZEN
    assert node.loss_kind == ""
    return node


def test_the_secretariat_classifies_a_node_of_a_frozen_framework_with_history(secretariat, node_333):
    services.framework_node_classify(
        node=node_333, loss_kind=LossKind.PROCESS, acting_user=secretariat, reason="Hồ sơ trễ hạn"
    )
    node_333.refresh_from_db()
    assert node_333.loss_kind == LossKind.PROCESS
    record = node_333.history.latest()
    assert record.history_user == secretariat
    assert record.history_change_reason == "Hồ sơ trễ hạn"


def test_the_classification_reorders_the_gap_analysis_without_changing_scores(secretariat, demo):
    before = gap_analysis("2017-tinh", "92")
    node = FrameworkNode.objects.get(framework__code="qd2948-tinh", code="8.2.2")
    services.framework_node_classify(node=node, loss_kind=LossKind.PROCESS, acting_user=secretariat)
    after = gap_analysis("2017-tinh", "92")
    assert after["appraisal"][3]["code"] == "8.2.2"  # after the three process losses of more points
    assert after["totals"] == before["totals"]
    assert after["result"] == before["result"]


@pytest.mark.parametrize("persona", ["officer_justice", "appraiser"])
def test_only_the_secretariat_classifies_nodes(request, node_333, persona):
    with pytest.raises(PermissionDenied):
        services.framework_node_classify(
            node=node_333, loss_kind=LossKind.PROCESS, acting_user=request.getfixturevalue(persona)
        )


def test_an_unknown_loss_kind_is_refused(secretariat, node_333):
    with pytest.raises(ValidationError):
        services.framework_node_classify(node=node_333, loss_kind="later", acting_user=secretariat)


def test_the_admin_classifies_through_its_own_page(client, secretariat, node_333):
    login(client, secretariat)
    url = f"/quan-tri/scoring/frameworknode/{node_333.pk}/phan-loai/"
    assert (
        "Đổi phân loại"
        in client.get(f"/quan-tri/scoring/frameworknode/{node_333.pk}/change/").content.decode()
    )
    response = client.post(url, {"loss_kind": "structural", "reason": "Cần thời gian"})
    assert response.status_code == 302
    node_333.refresh_from_db()
    assert node_333.loss_kind == LossKind.STRUCTURAL
    assert client.post(url, {"loss_kind": "later"}).status_code == 200  # the form shows the error
    node_333.refresh_from_db()
    assert node_333.loss_kind == LossKind.STRUCTURAL


def test_the_classify_page_refuses_everyone_but_the_secretariat(client, officer_justice, node_333):
    url = f"/quan-tri/scoring/frameworknode/{node_333.pk}/phan-loai/"
    assert client.get(url).status_code == 302  # anonymous: to the login
    login(client, officer_justice)
    assert client.post(url, {"loss_kind": "process"}).status_code == 403
    node_333.refresh_from_db()
    assert node_333.loss_kind == ""


def test_a_new_framework_version_keeps_the_classification(secretariat, demo):
    framework = FrameworkNode.objects.get(framework__code="qd2948-tinh", code="1.2").framework
    copy = services.framework_new_version(framework=framework, code="qd2948-tinh-v2", acting_user=secretariat)
    assert copy.nodes.get(code="1.2").loss_kind == LossKind.PROCESS


# ---------------------------------------------------------------- property-based


FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(loss_kind=st.text(max_size=30), reason=st.text(max_size=150))
def test_any_posted_classification_is_saved_only_when_valid(client, secretariat, node_333, loss_kind, reason):
    login(client, secretariat)
    with transaction.atomic():
        response = client.post(
            f"/quan-tri/scoring/frameworknode/{node_333.pk}/phan-loai/",
            {"loss_kind": loss_kind, "reason": reason},
        )
        saved = FrameworkNode.objects.get(pk=node_333.pk).loss_kind
        valid = loss_kind in {"", *LossKind.values} and "\x00" not in reason and len(reason.strip()) <= 100
        assert response.status_code == (302 if valid else 200)
        assert saved == (loss_kind if valid else "")
        transaction.set_rollback(True)


@FUZZ
@given(query=st.dictionaries(st.sampled_from(["phien-ban", "format", "x"]), st.text(max_size=12), max_size=3))
def test_any_query_on_the_public_page_is_an_answer_or_a_404(client, demo, query):
    response = client.get("/ky-danh-gia/2017-tinh/don-vi/92/phan-tich/", query)
    assert response.status_code in (200, 404)
