from django.contrib import admin

from tenant_apps.notifications.models import Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "recipient", "delivery", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind", "delivery"]
    search_fields = ["title", "recipient__email"]
    raw_id_fields = ["recipient", "actor"]
    date_hierarchy = "created_at"


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "delivery", "updated_at"]
    list_filter = ["kind", "delivery"]
    raw_id_fields = ["user"]
