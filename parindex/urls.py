from django.contrib import admin
from django.urls import include, path

from units.views import SetPasswordDoneView, SetPasswordView

urlpatterns = [
    path("quan-tri/nghiep-vu/", include("scoring.backoffice.urls")),
    path("quan-tri/", admin.site.urls),
    # One-time set-password links issued by the secretariat (units.services.password_link_send).
    path("tai-khoan/dat-mat-khau/xong/", SetPasswordDoneView.as_view(), name="account_set_password_done"),
    path("tai-khoan/dat-mat-khau/<uidb64>/<token>/", SetPasswordView.as_view(), name="account_set_password"),
    path("", include("scoring.urls")),
]
