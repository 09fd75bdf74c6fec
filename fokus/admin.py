"""Django admin, for platform superusers only; federations use the app's own pages."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from fokus.models import AccessLogEntry, Agency, Federation, Membership, Municipality, Project, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "federation", "is_active", "is_superuser"]
    list_filter = ["federation", "is_active", "is_superuser"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "phone", "federation"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["email", "full_name", "federation", "password1", "password2"]}),
    ]


admin.site.register(Federation)
admin.site.register(Municipality, list_display=["name", "code", "federation"])
admin.site.register(Agency, list_display=["name", "kind", "federation"])
admin.site.register(Project, list_display=["name", "federation", "start_date", "end_date"])


@admin.register(AccessLogEntry)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_label"]
    list_filter = ["action", "federation"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _superusers_only(request) -> bool:
    # Federation staff work in the app's own, tenant-scoped pages; the Django admin sees
    # every tenant and is for platform superusers alone.
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superusers_only
