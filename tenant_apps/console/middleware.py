"""Shows times in the site's own time zone (from its branding settings)."""

import zoneinfo

from django.utils import timezone

from tenants.context import current_organization


class SiteTimezoneMiddleware:
    """Goes after tenants.middleware.TenantRoutingMiddleware in MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if current_organization() is None:
            return self.get_response(request)
        from tenant_apps.console.branding import site_settings

        try:
            timezone.activate(zoneinfo.ZoneInfo(site_settings().timezone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
