"""Request gates every tenant page passes: switched-off apps answer 404 on pages and API alike
(decided by URL namespace), read-only sites refuse changes, and NUL characters are refused."""

from django.http import Http404, JsonResponse
from django.shortcuts import render

from core.api import error_body
from core.errors import ApplicationError
from shared_apps.billing import entitlements
from tenants.context import current_organization
from tenants.models import Feature

FEATURE_KEYS = {feature.value for feature in Feature}


def feature_of_namespace(namespace: str) -> str | None:
    """ "forum" and "forum-api" both belong to the forum feature."""
    key = namespace.removesuffix("-api")
    return key if key in FEATURE_KEYS else None


class FeatureGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        organization = current_organization()
        match = request.resolver_match
        if organization is None or match is None or not match.namespaces:
            return None
        feature = feature_of_namespace(match.namespaces[0])
        if feature and not (
            organization.has_feature(feature)
            and entitlements.feature_allowed(organization, feature)
        ):
            raise Http404("This app is switched off on this site.")
        return None


class ReadOnlyMiddleware:
    """An organization unpaid beyond its grace period can be read but not changed. Billing's
    pages (to pay) and logging in or out stay open."""

    ALWAYS_OPEN = ("billing", "billing-api")
    OPEN_URL_NAMES = ("account_login", "account_logout", "account_reauthenticate")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        organization = current_organization()
        if organization is None or not entitlements.is_read_only(organization):
            return None
        match = request.resolver_match
        if match and (
            (match.namespaces and match.namespaces[0] in self.ALWAYS_OPEN)
            or match.url_name in self.OPEN_URL_NAMES
        ):
            return None
        message = "This site is read-only until its subscription is paid."
        if request.path.startswith("/api/"):
            return JsonResponse(error_body("read_only", message), status=402)
        return render(request, "errors/read_only.html", {"message": message}, status=402)


class RejectNullCharactersMiddleware:
    """A NUL character in a query parameter is refused with a 400 naming the parameter.

    PostgreSQL cannot store or compare text containing NUL, so a `?tag=a%00b` that reaches a
    filter would otherwise end as a 500. Form and serializer fields already refuse NUL in bodies
    (Django's and DRF's ProhibitNullCharactersValidator); query parameters are read by hand in
    many list views, so they are checked once here instead of in each of them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad = sorted(
            {name for name, value in request.GET.lists() if "\x00" in name + "".join(value)}
        )
        if bad:
            message = "Null characters are not allowed."
            if request.path.startswith("/api/"):
                fields = {name.replace("\x00", "\\x00"): [message] for name in bad}
                return JsonResponse(error_body("invalid", message, fields), status=400)
            return render(request, "errors/400.html", status=400)
        return self.get_response(request)


HEADINGS = {
    402: "Your plan does not include this",
    403: "You cannot do this here",
    409: "This could not be done",
}


class ApplicationErrorMiddleware:
    """An ApplicationError that a page view lets escape becomes a page with its status and
    message (a 402 with the upgrade link for plan limits), never a 500. Views that can show the
    refusal next to a form still catch it themselves; API views already get the JSON shape from
    core.api.exception_handler."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ApplicationError):
            return None
        status = exception.status_code
        if request.path.startswith("/api/"):
            body = error_body(exception.code, exception.message, **exception.extra)
            return JsonResponse(body, status=status)
        context = {
            "status": status,
            "heading": HEADINGS.get(status, "This could not be done"),
            "message": exception.message,
            "upgrade_url": exception.extra.get("upgrade_url", ""),
        }
        return render(request, "errors/application_error.html", context, status=status)
