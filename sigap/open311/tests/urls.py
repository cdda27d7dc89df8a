"""The project's URLconf with Open311 mounted (for tests before config/urls.py includes it)."""

from django.urls import include, path

from sigap.config.urls import urlpatterns as project_urlpatterns

_mounted = any(str(p.pattern) == "open311/v2/" for p in project_urlpatterns)
urlpatterns = ([] if _mounted else [path("open311/v2/", include("sigap.config.open311_dispatch"))]) + list(
    project_urlpatterns
)
