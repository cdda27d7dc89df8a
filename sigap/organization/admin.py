import math

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from sigap.core.errors import DomainError
from sigap.core.geo import on_earth

from . import rolechanges
from .models import Category, RoleChange, StaffRole, Tupoksi, Unit, Wilayah


class WilayahForm(forms.ModelForm):
    """A region's boundary is what routing reads for every report: one that is not a polygon on Earth stopped
    routing (every report and the console answered 500), so it is refused here with the reason."""

    class Meta:
        model = Wilayah
        fields = "__all__"  # the admin's own field list and read-only fields apply

    def clean_geometry(self):
        geometry = self.cleaned_data.get("geometry")
        if geometry in (None, ""):
            return None
        refused = forms.ValidationError(
            _("Batas harus berupa GeoJSON Polygon atau MultiPolygon yang sah dengan koordinat di bumi (lon, lat).")
        )
        if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            raise refused
        from shapely.geometry import shape  # here: web processes that never edit a boundary leave shapely unloaded

        try:
            area = shape(geometry)
        except Exception:  # noqa: BLE001 - shapely's errors for a malformed GeoJSON are of several kinds
            raise refused from None
        if area.is_empty or not area.is_valid:
            raise refused
        west, south, east, north = area.bounds
        if not (on_earth(south, west) and on_earth(north, east)):
            raise refused
        return geometry

    def clean(self):
        cleaned = super().clean()
        for name, bound in (("inner_lat", 90), ("inner_lon", 180)):
            value = cleaned.get(name)
            if value is not None and not (math.isfinite(value) and -bound <= value <= bound):
                self.add_error(name, _("Koordinat di luar bumi."))
        return cleaned


@admin.register(Wilayah)
class WilayahAdmin(admin.ModelAdmin):
    form = WilayahForm
    list_display = ("code", "name", "level", "kind", "parent")
    list_filter = ("level", "kind")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    readonly_fields = ("updated_at",)

    def get_readonly_fields(self, request, obj=None):
        # a stored region's Kemendagri code and level are what routing, the unit tree and every figure by kota
        # key on (a unit lies in a kota by its region's code): corrected by loading the region list again
        if obj is not None:
            return (*self.readonly_fields, "code", "level")
        return self.readonly_fields


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "group",
        "kelurahan_verifies",
        "sensitive",
        "sla_hop_hours",
        "sla_done_days",
        "active",
    )
    list_filter = ("group", "sensitive", "kelurahan_verifies", "active")
    search_fields = ("code", "name", "name_en")


# A unit's place in the tree decides who sees what: a pimpinan sees every unit below theirs, the conflict-of-interest
# bar follows ancestors, a kota's figures follow its units' regions. Changed by a superuser only, and logged.
UNIT_SHAPE_FIELDS = ("parent", "kind", "wilayah", "external", "active")


def _role_described(role: StaffRole) -> dict:
    return {"account": role.user.get_username(), "role": role.role, "unit": role.unit.code}


def _unit_shape(unit: Unit) -> dict:
    return {
        "parent": unit.parent.code if unit.parent_id else None,
        "kind": unit.kind,
        "wilayah": unit.wilayah.code if unit.wilayah_id else None,
        "external": unit.external,
        "active": unit.active,
    }


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "wilayah", "external", "active")
    list_filter = ("kind", "external", "active")
    search_fields = ("code", "name")
    raw_id_fields = ("parent", "wilayah")

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and not request.user.is_superuser:
            fields += tuple(f for f in UNIT_SHAPE_FIELDS if f not in fields)
        return fields

    def save_model(self, request, obj, form, change):
        moved = [f for f in UNIT_SHAPE_FIELDS if f in form.changed_data] if change else []
        if moved and not request.user.is_superuser:  # read-only in the form; never through a bypass either
            raise PermissionError("only a superuser changes a unit's place in the unit tree")
        if moved:
            before, after = _unit_shape(Unit.objects.get(pk=obj.pk)), _unit_shape(obj)
            detail = {f: [before[f], after[f]] for f in moved if before[f] != after[f]}
            if detail:
                rolechanges.admin_change_record(request.user, "unit_change", unit=obj.code, **detail)
        elif not change:
            rolechanges.admin_change_record(request.user, "unit_add", unit=obj.code, **_unit_shape(obj))
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        # its staff roles go with it (cascade): each is a role removed, as in the roles' own admin
        for role in StaffRole.objects.filter(unit=obj).select_related("user", "unit"):
            rolechanges.admin_change_record(
                request.user, "staff_role_remove", **_role_described(role), because="unit_delete"
            )
        rolechanges.admin_change_record(request.user, "unit_delete", unit=obj.code, **_unit_shape(obj))
        super().delete_model(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # each deletion is logged, one by one
        return actions


@admin.register(Tupoksi)
class TupoksiAdmin(admin.ModelAdmin):
    list_display = ("category", "wilayah", "unit", "kelurahan_verifies")
    list_filter = ("category", "kelurahan_verifies")
    search_fields = ("category__code", "unit__code", "unit__name", "wilayah__name", "wilayah__code")
    raw_id_fields = ("wilayah", "unit")


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    """Roles are added or deleted, never edited (an edit would move a role to another account or unit).

    The privacy-officer (PPID) role is not here at all: it is granted and removed through "PPID role
    changes", which take a second admin.
    """

    list_display = ("user", "role", "unit")
    list_filter = ("role",)
    search_fields = ("user__username", "unit__code", "unit__name")
    raw_id_fields = ("user", "unit")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.role in rolechanges.GUARDED_ROLES:
            return False
        if obj is not None and obj.user_id == request.user.pk and not request.user.is_superuser:
            return False  # nobody but a superuser removes a role of their own
        return super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        acting = request.user

        class NotOwnAccount(form):
            def clean_user(self):
                user = self.cleaned_data.get("user")
                if user is not None and user.pk == acting.pk and not acting.is_superuser:
                    raise forms.ValidationError(
                        _("Peran untuk akun Anda sendiri diberikan oleh admin lain (superuser)."), code="own_account"
                    )
                return user

        return NotOwnAccount

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a bulk delete would skip the per-row refusal above
        return actions

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            kwargs["choices"] = [
                (v, label) for v, label in StaffRole.Role.choices if v not in rolechanges.GUARDED_ROLES
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change or obj.role in rolechanges.GUARDED_ROLES:  # unreachable through the form; never through a bypass
            raise PermissionError("guarded or existing staff roles are not written from the admin")
        if obj.user_id == request.user.pk and not request.user.is_superuser:
            raise PermissionError("a role of one's own is given by a superuser")
        super().save_model(request, obj, form, change)
        rolechanges.admin_change_record(request.user, "staff_role_grant", **_role_described(obj))

    def delete_model(self, request, obj):
        detail = _role_described(obj)
        super().delete_model(request, obj)
        rolechanges.admin_change_record(request.user, "staff_role_remove", **detail)


class RoleChangeForm(forms.ModelForm):
    class Meta:
        model = RoleChange
        fields = ("user", "unit", "role", "kind", "reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            (v, label) for v, label in StaffRole.Role.choices if v in rolechanges.GUARDED_ROLES
        ]

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                rolechanges.role_change_check(
                    user=data["user"],
                    unit=data["unit"],
                    role=data["role"],
                    kind=data["kind"],
                    reason=data.get("reason", ""),
                )
            except DomainError as exc:
                raise forms.ValidationError(f"{exc.message_id} / {exc.message_en}", code=exc.code) from None
        return data


@admin.register(RoleChange)
class RoleChangeAdmin(admin.ModelAdmin):
    """Ask for a PPID grant or removal here; a different admin approves or rejects it with the list's actions."""

    form = RoleChangeForm
    list_display = (
        "id",
        "kind",
        "user",
        "role",
        "unit",
        "state",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
    )
    list_filter = ("state", "kind")
    raw_id_fields = ("user", "unit")
    readonly_fields = ("state", "requested_by", "requested_at", "decided_by", "decided_at")
    actions = ("approve", "reject")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_decide_permission(self, request):
        return request.user.has_perm("organization.add_rolechange")

    def save_model(self, request, obj, form, change):
        created = rolechanges.role_change_request(
            actor=request.user, user=obj.user, unit=obj.unit, role=obj.role, kind=obj.kind, reason=obj.reason
        )
        obj.pk = created.pk
        obj.state, obj.requested_by, obj.requested_at = created.state, created.requested_by, created.requested_at

    def _decide(self, request, queryset, approve: bool) -> None:
        for change in queryset.order_by("pk"):
            try:
                rolechanges.role_change_decide(actor=request.user, change_id=change.pk, approve=approve)
            except DomainError as exc:
                self.message_user(request, f"#{change.pk}: {exc.message_id} / {exc.message_en}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"#{change.pk}: {'disetujui / approved' if approve else 'ditolak / rejected'}",
                    messages.SUCCESS,
                )

    @admin.action(description="Setujui (admin kedua) / Approve (second admin)", permissions=["decide"])
    def approve(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(description="Tolak / Reject", permissions=["decide"])
    def reject(self, request, queryset):
        self._decide(request, queryset, False)
