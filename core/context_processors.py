from django.conf import settings
from django.urls import NoReverseMatch, reverse

from shared_apps.billing import entitlements
from tenants.context import current_organization
from tenants.models import Feature

FEATURE_DESCRIPTIONS = {
    Feature.FORUM: "Discussions, questions and answers.",
    Feature.TASKS: "Projects and boards for the team.",
    Feature.STORE: "Our shop.",
    Feature.RECIPES: "Our shared cookbook and meal plans.",
    Feature.EVENTS: "Upcoming events and tickets.",
    Feature.LINKS: "Short links and shared bookmarks.",
}


def _site_nav(request, organization) -> list[dict]:
    items = []
    for feature in Feature:
        # Switched on but outside the plan answers 404 (FeatureGateMiddleware): no entry then.
        if not organization.has_feature(feature.value):
            continue
        if not entitlements.feature_allowed(organization, feature.value):
            continue
        try:
            url = reverse(f"{feature.value}:index")
        except NoReverseMatch:  # the app is not installed on this platform yet
            continue
        items.append(
            {
                "key": feature.value,
                "label": feature.label,
                "url": url,
                "description": FEATURE_DESCRIPTIONS[feature],
                "is_current": request.path.startswith(url),
            }
        )
    return items


# Functions that add to every tenant page's context (branding, notification counts...). Tenant
# apps register them from their AppConfig.ready(); core knows none of them.
_site_context_functions = []


def register_site_context(function):
    """Decorator: `function(request, organization) -> dict` merged into tenant pages' context."""
    _site_context_functions.append(function)
    return function


def site(request) -> dict:
    organization = current_organization()
    context = {
        "platform_name": settings.PLATFORM_NAME,
        "organization": organization,
        "is_public_site": organization is None,
        "site_base_template": "public/base.html" if organization is None else "tenant/base.html",
        "public_site_url": f"{settings.SITE_SCHEME}://{settings.BASE_DOMAIN}{settings.SITE_PORT}/",
    }
    if organization is not None:
        from tenant_apps.members.selectors import role_of

        context["site_nav"] = _site_nav(request, organization)
        user = getattr(request, "user", None)
        context["user_role"] = role_of(user) if user is not None else None
        context["site_read_only"] = entitlements.is_read_only(organization)
        for function in _site_context_functions:
            context.update(function(request, organization))
    return context
