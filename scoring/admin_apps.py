"""Django's admin with parindex's site, installed in place of django.contrib.admin.

The site lives here, outside the scoring.admin package, because that package registers models on the site
and must not be imported while the site itself is being built.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class ParindexAdminSite(admin.AdminSite):
    """Vietnamese titles, and each role's work queue on the index page."""

    site_header = "Quản trị Chỉ số cải cách hành chính"
    site_title = "Chỉ số CCHC"
    index_title = "Bảng điều khiển"
    # The work pages are wide tables (claims beside decisions): the whole screen goes to them.
    enable_nav_sidebar = False

    def index(self, request, extra_context=None):
        from scoring.selectors import work_queues

        return super().index(request, {"queues": work_queues(request.user), **(extra_context or {})})


class ParindexAdminConfig(AdminConfig):
    default_site = "scoring.admin_apps.ParindexAdminSite"
