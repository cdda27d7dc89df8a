"""Staff sign-in in the admin: API tokens, authenticator devices, the login form, and the user pages.

* API tokens: look and revoke (delete), never add or edit. A token is issued only by signing in
  (``POST /api/v1/officer/auth/token``) and belongs to that account for good: an admin who could add a
  token or move one could act as any officer, a privacy officer included, with the access log naming them.
* Authenticator (TOTP) devices: look and delete (a lost phone), never add, edit or see the secret; they are
  enrolled with ``sigap otp enroll USERNAME`` on the server, shown to their owner only.
* The admin login asks for the second factor (``sigap.officers.signin``).
* Users: setting an account's password in the admin is an access-log row and revokes the account's API
  tokens; an account holding the PPID role cannot be deleted here, and its sign-in fields (username, email,
  active, staff, superuser, groups, permissions) are read-only: its role is removed by two admins first
  (``sigap.organization.rolechanges``). Any change to those fields on a staff account is an access-log row
  (``staff_account_change``). Deactivating a PPID account by any path tells every privacy officer
  (``sigap.officers.seal``).
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from sigap.core.admin import ReadOnlyAdmin
from sigap.organization.models import StaffRole
from sigap.privacy.access_log import access_record

from .models import ApiToken
from .signin import AdminSignInForm, session_lacks_second_factor

admin.site.login_form = AdminSignInForm
admin.site.login_template = "admin/sigap_login.html"
_has_permission = admin.site.has_permission


def _has_permission_with_second_factor(request) -> bool:
    """An admin session that did not give the second factor at sign-in is sent back to the login."""
    return _has_permission(request) and not session_lacks_second_factor(request)


admin.site.has_permission = _has_permission_with_second_factor


def _may_touch_sign_in_of(request, obj) -> bool:
    """A superuser's authenticator and tokens are removed by a superuser only: deleting its authenticator shuts it
    out until someone on the server enrols another (found by a review)."""
    owner = getattr(obj, "user", None)
    return owner is None or not owner.is_superuser or request.user.is_superuser


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("user", "name", "otp_verified", "created_at", "expires_at", "last_used_at")
    fields = ("user", "name", "otp_verified", "created_at", "expires_at", "last_used_at")
    readonly_fields = fields
    search_fields = ("user__username",)

    def has_delete_permission(self, request, obj=None):
        if not _may_touch_sign_in_of(request, obj):
            return False
        return admin.ModelAdmin.has_delete_permission(self, request, obj)  # revoking is allowed

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("delete_selected", None)  # a bulk delete would skip the per-row refusal
        return actions


def _replace_totp_admin() -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if admin.site.is_registered(TOTPDevice):
        admin.site.unregister(TOTPDevice)

    @admin.register(TOTPDevice)
    class TOTPDeviceAdmin(ReadOnlyAdmin):
        list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
        fields = list_display
        readonly_fields = fields
        search_fields = ("user__username",)

        def has_delete_permission(self, request, obj=None):
            if not _may_touch_sign_in_of(request, obj):
                return False
            return admin.ModelAdmin.has_delete_permission(self, request, obj)

        def get_actions(self, request):
            actions = super().get_actions(request)
            if not request.user.is_superuser:
                actions.pop("delete_selected", None)
            return actions


_replace_totp_admin()

User = get_user_model()


def _holds_guarded_role(user) -> bool:
    """The PPID role is removed by two admins (``sigap.organization.rolechanges``), never by deleting the account."""
    return StaffRole.objects.filter(user=user, role=StaffRole.Role.PRIVACY_OFFICER).exists()


SIGN_IN_FIELDS = ("username", "email", "is_active", "is_staff", "is_superuser", "groups", "user_permissions")


def _is_staff_account(user) -> bool:
    return bool(user.is_staff or user.is_superuser or StaffRole.objects.filter(user=user).exists())


# What makes an account more than its roles: granted only by a superuser. Django's admin lets whoever may change
# accounts tick "superuser" or add any permission, their own account included (found by a review).
SUPERUSER_ONLY_FIELDS = ("is_superuser", "groups", "user_permissions")


class SigapUserAdmin(UserAdmin):
    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and _holds_guarded_role(obj):
            fields += tuple(f for f in SIGN_IN_FIELDS if f not in fields)
        if not request.user.is_superuser:
            fields += tuple(f for f in SUPERUSER_ONLY_FIELDS if f not in fields)
        return fields

    def has_change_permission(self, request, obj=None):
        """A superuser's account (its password too: ``user_change_password`` asks this) is changed by a superuser
        only; else an account admin could take it over."""
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser and any(f in form.changed_data for f in SUPERUSER_ONLY_FIELDS):
            raise PermissionError("only a superuser grants superuser, permissions or groups")  # read-only in the form
        changed = [f for f in SIGN_IN_FIELDS if f in form.changed_data] if change else []
        if changed:
            before = User.objects.get(pk=obj.pk)
            if _holds_guarded_role(before):  # read-only in the form; never through a bypass either
                raise PermissionError("a PPID account's sign-in fields change only after its role is removed")
            if _is_staff_account(before) or _is_staff_account(obj):
                detail = {f: getattr(obj, f) for f in ("is_active", "is_staff", "is_superuser") if f in changed}
                if "username" in changed:
                    detail["old_username"] = before.get_username()
                access_record(
                    actor=request.user,
                    action="staff_account_change",
                    account=obj.get_username(),
                    fields=changed,
                    **detail,
                )
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (_holds_guarded_role(obj) or (obj.is_superuser and not request.user.is_superuser)):
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        if _is_staff_account(obj):  # its roles go with it: logged as a role removal would be
            held = list(StaffRole.objects.filter(user=obj).values_list("role", "unit__code"))
            access_record(
                actor=request.user,
                action="staff_account_delete",
                account=obj.get_username(),
                roles=sorted({role for role, _unit in held}),
                units=sorted({unit for _role, unit in held}),
            )
        super().delete_model(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a bulk delete would skip the per-account refusal above
        return actions

    def user_change_password(self, request, id, form_url=""):
        before = User.objects.filter(pk=id).values_list("password", flat=True).first()
        response = super().user_change_password(request, id, form_url)
        after = User.objects.filter(pk=id).values_list("password", flat=True).first()
        if request.method == "POST" and before is not None and after != before:
            target = User.objects.get(pk=id)
            revoked, _ = ApiToken.objects.filter(user=target).delete()
            access_record(
                actor=request.user,
                action="staff_password_set",
                account=target.get_username(),
                roles=sorted(set(StaffRole.objects.filter(user=target).values_list("role", flat=True))),
                tokens_revoked=revoked,
            )
        return response


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, SigapUserAdmin)


class SigapGroupAdmin(GroupAdmin):
    """A group's permissions are its members': changed by a superuser only, as an account's own are."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


if admin.site.is_registered(Group):
    admin.site.unregister(Group)
admin.site.register(Group, SigapGroupAdmin)
