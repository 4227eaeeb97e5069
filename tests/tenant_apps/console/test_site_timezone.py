import zoneinfo

from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from tenant_apps.console.branding import update_site_settings
from tenant_apps.console.middleware import SiteTimezoneMiddleware
from tenants.context import tenant_context


def test_pages_render_in_the_sites_time_zone(alpha, owner_of):
    seen = {}

    def view(request):
        seen["tz"] = timezone.get_current_timezone()
        return HttpResponse("ok")

    with tenant_context(alpha):
        update_site_settings(
            acting_user=owner_of(alpha),
            site_name="",
            tagline="",
            accent_color="",
            timezone="Asia/Tokyo",
            language="en",
            currency="JPY",
        )
        SiteTimezoneMiddleware(view)(RequestFactory().get("/"))
    assert seen["tz"] == zoneinfo.ZoneInfo("Asia/Tokyo")
    assert timezone.get_current_timezone_name() == "UTC"  # reset after the response
