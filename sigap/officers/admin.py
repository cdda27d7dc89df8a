from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "created_at", "last_used_at")
    fields = ("user", "name", "created_at", "last_used_at")
    readonly_fields = ("created_at", "last_used_at")

    def has_add_permission(self, request):
        return False  # tokens are issued by POST /api/v1/officer/auth/token and shown once
