from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from shared_apps.accounts.models import User
from tenants.admin import platform_admin


class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["name"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    filter_horizontal = ["groups"]


class PublicUserAdmin(UserAdmin):
    def has_delete_permission(self, request, obj=None):
        # Deleting through the ORM from the public schema would also collect rows of
        # tenant-only tables (members, tokens) that do not exist here; public accounts are
        # deactivated instead.
        return False


# The same model is the members of a tenant (default admin site, tenant hosts) and the public
# accounts (platform admin, public host); each site reads its own schema's table.
admin.site.register(User, UserAdmin)
platform_admin.register(User, PublicUserAdmin)
platform_admin.register(EmailAddress, EmailAddressAdmin)
