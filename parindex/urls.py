from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Quản trị Chỉ số cải cách hành chính"
admin.site.site_title = "Chỉ số CCHC"
admin.site.index_title = "Bảng điều khiển"

urlpatterns = [
    path("quan-tri/", admin.site.urls),
    path("", include("scoring.urls")),
]
