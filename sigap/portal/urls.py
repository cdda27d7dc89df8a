from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("lapor/", views.report_view, name="report"),
    path("lapor/terkirim/", views.report_done_view, name="report_done"),
    path("lapor/wilayah/", views.region_view, name="region"),
    path("lapor/serupa/", views.similar_view, name="similar"),
    path("lapor/serupa/<str:number>/", views.similar_follow_view, name="similar_follow"),
    path("lapor/cek-foto/", views.photo_check_view, name="photo_check"),
    path("lapor/cek-alamat/", views.address_check_view, name="address_check"),
    path("lacak/", views.track_view, name="track"),
    path("lacak/lupakan/", views.track_forget_view, name="track_forget"),
    path("lacak/laporan/<str:number>/", views.journey_view, name="journey"),
    path("lacak/laporan/<str:number>/foto/<int:photo_id>/", views.journey_photo_view, name="journey_photo"),
    path("lacak/laporan/<str:number>/<str:action>/", views.journey_action_view, name="journey_action"),
    path("lacak/<str:code>/", views.track_code_view, name="track_code"),
    path("publik/", views.public_list_view, name="public"),
    path("publik/peta.json", views.public_map_json_view, name="public_map_json"),
    path("publik/<str:number>/", views.public_detail_view, name="public_detail"),
    path("publik/<str:number>/foto/<int:photo_id>/", views.public_photo_view, name="public_photo"),
    path("statistik/", views.statistics_view, name="statistics"),
    path("statistik/kinerja/", views.performance_view, name="performance"),
    path("wilayah/kota.json", views.kota_outlines_json_view, name="kota_outlines"),
    path("wilayah/<str:code>/batas.json", views.boundary_json_view, name="boundary"),
]
