from django.contrib import admin

from .models import Kategori, StaffRole, Tupoksi, Unit, Wilayah


@admin.register(Wilayah)
class WilayahAdmin(admin.ModelAdmin):
    list_display = ("kode", "nama", "tingkat", "jenis", "parent")
    list_filter = ("tingkat", "jenis")
    search_fields = ("kode", "nama")
    raw_id_fields = ("parent",)
    readonly_fields = ("updated_at",)


@admin.register(Kategori)
class KategoriAdmin(admin.ModelAdmin):
    list_display = ("kode", "nama", "grup", "verifikasi_kelurahan", "sensitif", "sla_jam_koordinasi", "sla_hari_selesai", "aktif")
    list_filter = ("grup", "sensitif", "verifikasi_kelurahan", "aktif")
    search_fields = ("kode", "nama", "name_en")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("kode", "nama", "jenis", "parent", "wilayah", "external", "aktif")
    list_filter = ("jenis", "external", "aktif")
    search_fields = ("kode", "nama")
    raw_id_fields = ("parent", "wilayah")


@admin.register(Tupoksi)
class TupoksiAdmin(admin.ModelAdmin):
    list_display = ("kategori", "wilayah", "unit", "verifikasi_kelurahan")
    list_filter = ("kategori", "verifikasi_kelurahan")
    search_fields = ("kategori__kode", "unit__kode", "unit__nama", "wilayah__nama", "wilayah__kode")
    raw_id_fields = ("wilayah", "unit")


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit")
    list_filter = ("role",)
    search_fields = ("user__username", "unit__kode", "unit__nama")
    raw_id_fields = ("user", "unit")
