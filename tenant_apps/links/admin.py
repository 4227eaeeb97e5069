from django.contrib import admin

from tenant_apps.links import services
from tenant_apps.links.models import Bookmark, Click, LinkSettings, ShortLink, Tag


@admin.register(ShortLink)
class ShortLinkAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "target_url",
        "click_count",
        "is_enabled",
        "redirect_type",
        "created_at",
    ]
    list_filter = ["is_enabled", "redirect_type", "is_custom_alias"]
    search_fields = ["code", "title", "target_url"]
    readonly_fields = ["click_count", "created_at", "updated_at", "password"]
    autocomplete_fields = ["tags"]
    raw_id_fields = ["created_by"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.forget_link(obj.code)  # the redirect cache must not serve the old target

    def delete_model(self, request, obj):
        services.forget_link(obj.code)
        super().delete_model(request, obj)


@admin.register(Click)
class ClickAdmin(admin.ModelAdmin):
    list_display = ["link", "clicked_at", "referrer_host", "browser", "os", "device"]
    list_filter = ["device", "browser"]
    list_select_related = ["link"]
    raw_id_fields = ["link"]


@admin.register(Bookmark)
class BookmarkAdmin(admin.ModelAdmin):
    list_display = ["title", "url", "owner", "is_shared", "is_unread", "is_archived", "created_at"]
    list_filter = ["is_shared", "is_unread", "is_archived"]
    search_fields = ["title", "url", "description"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    autocomplete_fields = ["tags"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(LinkSettings)
class LinkSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "default_redirect_type", "members_may_create_links"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        from django.core.cache import cache

        cache.delete("links:settings")
