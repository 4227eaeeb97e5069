from django.contrib import admin

from tenant_apps.console.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is never edited, from the console or the site admin."""

    list_display = ("created_at", "actor_email", "action", "target_label")
    list_filter = ("action",)
    search_fields = ("actor_email", "action", "target_label")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
