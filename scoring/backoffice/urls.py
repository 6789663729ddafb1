"""Back-office pages, served inside the admin site (/quan-tri/nghiep-vu/…): same login, chrome, breadcrumbs."""

from django.contrib import admin
from django.urls import path

from scoring.backoffice import (
    correction_views,
    export_views,
    gap_views,
    import_views,
    period_views,
    views,
    work_views,
)

app_name = "backoffice"


def page(view):
    """Staff login, CSRF and the admin's never-cache headers, as for every admin page."""
    return admin.site.admin_view(view)


urlpatterns = [
    path("danh-gia/<int:pk>/tu-danh-gia/", page(views.self_assessment), name="self_assessment"),
    path("danh-gia/<int:pk>/tai-lieu/", page(views.evidence_upload), name="evidence_upload"),
    path("danh-gia/<int:pk>/rut/", page(views.withdraw), name="withdraw"),
    path("danh-gia/<int:pk>/tham-dinh/", page(views.appraisal), name="appraisal"),
    path("danh-gia/<int:pk>/bang-diem.xlsx", page(export_views.scorecard), name="scorecard_xlsx"),
    path("danh-gia/<int:pk>/bao-cao.xlsx", page(export_views.report), name="report_xlsx"),
    path(
        "danh-gia/<int:pk>/tu-danh-gia/tep.xlsx",
        page(export_views.offline_download),
        name="offline_download",
    ),
    path("danh-gia/<int:pk>/tu-danh-gia/nhap-tep/", page(export_views.offline_import), name="offline_import"),
    path(
        "danh-gia/<int:pk>/tu-danh-gia/nhap-tep/luu/",
        page(export_views.offline_confirm),
        name="offline_confirm",
    ),
    path("danh-gia/<int:pk>/giai-trinh/", page(views.explanation), name="explanation"),
    path("danh-gia/<int:pk>/phan-tich/", page(gap_views.gap_analysis), name="gap_analysis"),
    path("ky/tao/", page(period_views.period_create), name="period_create"),
    path("ky/<int:pk>/", page(period_views.period_dashboard), name="period"),
    path("ky/<int:pk>/thiet-lap/", page(period_views.period_settings), name="period_settings"),
    path("ky/<int:pk>/xep-hang.xlsx", page(export_views.period_ranking), name="ranking_xlsx"),
    path(
        "ky/<int:pk>/nhom/<int:group_pk>/bo/",
        page(period_views.period_group_remove),
        name="period_group_remove",
    ),
    path("ky/<int:pk>/chuyen-giai-doan/", page(period_views.period_advance), name="period_advance"),
    path("ky/<int:pk>/chot-ket-qua/", page(period_views.period_finalise), name="period_finalise"),
    path("ky/<int:pk>/cong-bo/", page(period_views.period_publish), name="period_publish"),
    path("ky/<int:pk>/tinh-lai/", page(period_views.period_recompute), name="period_recompute"),
    path("ky/<int:pk>/dieu-tra/", page(work_views.survey), name="survey"),
    path("ky/<int:pk>/dieu-tra/nhap-tep/", page(import_views.survey_import), name="survey_import"),
    path("toan-quoc/", page(import_views.national), name="national"),
    path("toan-quoc/<int:year>.xlsx", page(export_views.national_table), name="national_xlsx"),
    path("nhap-du-lieu/<int:import_pk>/xac-nhan/", page(import_views.import_confirm), name="import_confirm"),
    path("ky/<int:pk>/phan-cong/", page(work_views.assignments), name="assignments"),
    path(
        "ky/<int:pk>/phan-cong/<int:assignment_pk>/bo/",
        page(work_views.assignment_remove),
        name="assignment_remove",
    ),
    path("ky/<int:pk>/gia-han/", page(work_views.extensions), name="extensions"),
    path("ky/<int:pk>/khong-xep-hang/", page(work_views.exclusions), name="exclusions"),
    path(
        "ky/<int:pk>/khong-xep-hang/<int:assessment_pk>/xep-hang-lai/",
        page(work_views.inclusion),
        name="inclusion",
    ),
    path("ky/<int:pk>/dinh-chinh/", page(correction_views.corrections), name="corrections"),
]
