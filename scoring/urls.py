from django.urls import path

from scoring import gap_views, views

app_name = "scoring"

urlpatterns = [
    path("", views.home, name="home"),
    path("ky-danh-gia/<slug:period_code>/", views.period_detail, name="period"),
    path("ky-danh-gia/<slug:period_code>/phuong-phap/", views.period_method, name="period_method"),
    path("ky-danh-gia/<slug:period_code>/xep-hang/<slug:group_code>/", views.ranking, name="ranking"),
    path("ky-danh-gia/<slug:period_code>/don-vi/<slug:unit_code>/", views.scorecard, name="scorecard"),
    path(
        "ky-danh-gia/<slug:period_code>/don-vi/<slug:unit_code>/phan-tich/",
        gap_views.gap_analysis,
        name="gap_analysis",
    ),
    path(
        "ky-danh-gia/<slug:period_code>/don-vi/<slug:unit_code>/phan-tich/bao-cao.xlsx",
        gap_views.gap_workbook,
        name="gap_workbook",
    ),
    # PDF downloads (scoring.pdf)
    path(
        "ky-danh-gia/<slug:period_code>/don-vi/<slug:unit_code>/ban-in.pdf",
        views.scorecard_pdf,
        name="scorecard_pdf",
    ),
    path(
        "ky-danh-gia/<slug:period_code>/xep-hang/<slug:group_code>/ban-in.pdf",
        views.ranking_pdf,
        name="ranking_pdf",
    ),
    path("don-vi/<slug:unit_code>/", views.unit_page, name="unit"),
    path("toan-quoc/", views.national_list, name="national_list"),
    path("toan-quoc/<int:year>/", views.national_table, name="national_table"),
    path("bo-tieu-chi/", views.framework_list, name="frameworks"),
    path("bo-tieu-chi/<slug:framework_code>/", views.framework_detail, name="framework"),
    path("du-lieu-mo/", views.open_data, name="open_data"),
    path("tim-kiem/", views.search, name="search"),
    path("tai-lieu-kiem-chung/<int:pk>/tai-ve/", views.evidence_download, name="evidence_download"),
]
