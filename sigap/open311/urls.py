"""GeoReport v2 routes (mount under ``open311/v2/``). ``requests.<fmt>`` here answers GET only; the
project's URLconf puts ``sigap.config.open311_dispatch`` in front of it so POST reaches ``post.py`` with intake's
filing function."""

from django.urls import re_path

from . import views

app_name = "open311"
F = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + F, views.discovery_view, name="discovery"),
    re_path(r"^services" + F, views.services_view, name="services"),
    re_path(r"^services/(?P<service_code>[^/]+?)" + F, views.service_definition_view, name="service"),
    re_path(r"^requests" + F, views.requests_view, name="requests"),
    re_path(r"^requests/(?P<service_request_id>[^/]+?)" + F, views.request_view, name="request"),
    re_path(r"^tokens/(?P<token_id>[^/]+?)" + F, views.token_view, name="token"),
    re_path(r"^media/(?P<number>[A-Za-z0-9]{1,64})/(?P<photo_id>[0-9]{1,18})\.jpg$", views.media_view, name="media"),
    re_path(r"^(?P<rest>.*)$", views.not_found_view),
]
