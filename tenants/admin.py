from django.contrib import admin

from tenants.models import Domain, Organization


class PlatformAdminSite(admin.AdminSite):
    """Django's admin on the public host, for platform staff. Tenant hosts use the default
    admin.site, which must only ever hold models of tenant schemas."""

    site_header = "Platform administration"
    site_title = "Platform admin"
    index_title = "Organizations, domains and accounts"


platform_admin = PlatformAdminSite(name="platform_admin")


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    fields = ["domain", "is_primary", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Organization, site=platform_admin)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "schema_name", "status", "plan", "owner", "created_at"]
    list_filter = ["status", "plan"]
    search_fields = ["name", "schema_name", "owner__email"]
    readonly_fields = ["schema_name", "created_at"]
    inlines = [DomainInline]

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(schema_name="public").select_related("owner")

    def has_add_permission(self, request):
        # Organizations are made by signup or `manage.py create_organization`, which make the
        # schema too; a bare row from the admin would route to nothing.
        return False


@admin.register(Domain, site=platform_admin)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "tenant", "is_primary", "created_at"]
    search_fields = ["domain", "tenant__name"]
    list_select_related = ["tenant"]
