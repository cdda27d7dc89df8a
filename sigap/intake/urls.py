from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("operator/", views.operator_view, name="operator"),
    path("operator/lokasi/", views.location_fields_view, name="location_fields"),
    path("operator/lokasi/alamat/", views.place_suggest_view, name="place_suggest"),
]
