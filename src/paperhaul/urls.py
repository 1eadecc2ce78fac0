from django.contrib import admin
from django.urls import include, path

from paperhaul.api.main import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("paperhaul.notify.urls")),
    path("", include("paperhaul.web.urls")),
]

handler404 = "paperhaul.web.views.errors.not_found"
handler500 = "paperhaul.web.views.errors.server_error"
handler403 = "paperhaul.web.views.errors.forbidden"
handler400 = "paperhaul.web.views.errors.bad_request"
