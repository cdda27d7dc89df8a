from django.urls import path

from . import dashboard, performance, views

app_name = "officers"
urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("antrean/", views.queue_partial_view, name="queue_partial"),
    path("unduh/laporan.csv", views.export_view, {"fmt": "csv"}, name="export_csv"),
    path("unduh/laporan.xlsx", views.export_view, {"fmt": "xlsx"}, name="export_xlsx"),
    path("unduh/berikutnya/", views.export_next_view, name="export_next"),
    path("masuk/", views.ConsoleLoginView.as_view(), name="login"),
    path("keluar/", views.ConsoleLogoutView.as_view(), name="logout"),
    path("unit/cari/", views.unit_search_view, name="unit_search"),
    path("validasi/", views.validation_view, name="validation"),
    path("eskalasi/", views.escalations_view, name="escalations"),
    path("dasbor/", dashboard.dashboard_view, name="dashboard"),
    path("kinerja/", performance.performance_view, name="performance"),
    path("kinerja/unduh.csv", performance.performance_export_view, {"fmt": "csv"}, name="performance_csv"),
    path("kinerja/unduh.xlsx", performance.performance_export_view, {"fmt": "xlsx"}, name="performance_xlsx"),
    path("kinerja/unit/<str:code>/", performance.unit_performance_view, name="unit_performance"),
    path("dasbor/peta.json", dashboard.dashboard_map_view, name="dashboard_map"),
    path("dasbor/unduh.csv", dashboard.dashboard_export_view, {"fmt": "csv"}, name="dashboard_csv"),
    path("dasbor/unduh.xlsx", dashboard.dashboard_export_view, {"fmt": "xlsx"}, name="dashboard_xlsx"),
    path("laporan/<str:number>/", views.report_view, name="report"),
    path("laporan/<str:number>/panel/", views.report_panel_view, name="report_panel"),
    path("laporan/<str:number>/foto/<int:photo_id>/", views.photo_view, name="photo"),
    path("laporan/<str:number>/<slug:slug>/", views.report_action_view, name="report_action"),
]
