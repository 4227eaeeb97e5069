"""Finds the tenant of each request from its host and points the connection at its schema."""

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import set_urlconf

from tenants.models import Organization
from tenants.routing import is_public_host, normalize_host, router


def _error_page(template: str, status: int, **context) -> HttpResponse:
    context.setdefault("platform_name", settings.PLATFORM_NAME)
    context.setdefault("public_url", public_site_url())
    return HttpResponse(render_to_string(template, context), status=status)


def public_site_url(path: str = "/") -> str:
    return f"{settings.SITE_SCHEME}://{settings.BASE_DOMAIN}{settings.SITE_PORT}{path}"


class TenantRoutingMiddleware:
    """First middleware of the stack.

    Public hosts (the base domain and www.) get the public schema and URLconf without touching
    the database. Any other host must be a known domain of an active organization; unknown hosts
    get a 404 page (never the public site), suspended organizations a page that says so.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            return HttpResponse("ok", content_type="text/plain")
        host = normalize_host(request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", ""))
        if is_public_host(host):
            connection.set_schema_to_public()
            request.tenant = connection.tenant
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
        else:
            # Resolved on whatever schema the connection is on (a warm lookup runs no query; a
            # cold one reads public tables, which every search path includes). Switching to
            # public first would cost a SET search_path per request for nothing.
            organization = router.resolve(host)
            if organization is None or organization.status == Organization.Status.DELETING:
                connection.set_schema_to_public()
                return _error_page("tenants/unknown_host.html", 404, host=host)
            if organization.status == Organization.Status.SUSPENDED:
                connection.set_schema_to_public()
                return _error_page("tenants/suspended.html", 403, organization=organization)
            request.tenant = organization
            request.urlconf = settings.ROOT_URLCONF
            connection.set_tenant(organization)
        set_urlconf(request.urlconf)
        return self.get_response(request)
