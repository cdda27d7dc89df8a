from django.contrib import admin
from django.urls import include, path

from sigap.core.admin import bound_counts, guard_lookups
from sigap.core.views import healthz_view

from .api import api

handler500 = "sigap.core.outage.server_error_view"  # a database outage met in a middleware is a 503

admin.site.site_header = "Sigap — administrasi"
admin.site.site_title = "Sigap"
guard_lookups(admin.site)  # a list page is filtered only by what it offers (sigap.core.admin)
bound_counts(admin.site)  # and counts its rows up to a bound, never a whole table

urlpatterns = [
    path("healthz", healthz_view, name="healthz"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("channels/", include("sigap.intake.channels.urls")),
    path("open311/v2/", include("sigap.config.open311_dispatch")),
    path("petugas/", include("sigap.officers.urls")),
    path("petugas/", include("sigap.intake.urls")),
    path("", include("sigap.portal.urls")),
]
