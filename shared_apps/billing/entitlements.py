"""What an organization's plan allows: the one place apps ask "may this tenant use X / add
one more Y?". A refusal raises core.errors.PaymentRequired (HTTP 402 on the API, a message with
an upgrade link on pages).

Resources counted against limits: "members", "products", "events_per_month", "short_links",
"storage_bytes", "custom_domains". A limit of None means unlimited.

Entitlements follow the subscription's real state: trialing and active subscriptions give their
plan; past due gives its plan, and once past due beyond BILLING_GRACE_DAYS the site is
read-only; cancelled, unpaid or never-paid subscriptions fall back to Free. The state is cached
per organization (no query on a tenant request once warm) and invalidated by every change.
"""

import datetime
import logging

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone

from core.cache import UNAVAILABLE_ERRORS
from core.errors import PaymentRequired
from tenants.models import Feature

logger = logging.getLogger(__name__)

ALL_APPS = frozenset(feature.value for feature in Feature)

# Seed values of the Plan rows (data migration), and the fall-back if a row is missing.
DEFAULT_PLANS: dict[str, dict] = {
    "free": {
        "apps": frozenset({"forum", "tasks", "recipes", "links", "events", "store"}),
        "limits": {
            "members": 25,
            "products": 10,
            "events_per_month": 3,
            "short_links": 100,
            "storage_bytes": 500 * 1024**2,
            "custom_domains": 0,
        },
    },
    "pro": {
        "apps": ALL_APPS,
        "limits": {
            "members": 500,
            "products": 500,
            "events_per_month": 50,
            "short_links": 10_000,
            "storage_bytes": 20 * 1024**3,
            "custom_domains": 1,
        },
    },
    "business": {
        "apps": ALL_APPS,
        "limits": {
            "members": None,
            "products": None,
            "events_per_month": None,
            "short_links": None,
            "storage_bytes": 200 * 1024**3,
            "custom_domains": 10,
        },
    },
}

UPGRADE_URL = "/billing/"
_CACHE_SECONDS = 300
# Statuses that keep the subscribed plan; anything else is Free.
_PAID_STATUSES = {"trialing", "active", "past_due"}


def _cache():
    return caches["platform"]


def _cache_key(organization) -> str:
    return f"billing:state:{organization.pk}"


def invalidate(organization) -> None:
    """Forget the cached state (billing services call this after every change). With Redis
    unreachable nothing can be forgotten; an entry that survives the outage lives at most
    _CACHE_SECONDS."""
    try:
        _cache().delete(_cache_key(organization))
    except UNAVAILABLE_ERRORS:
        logger.warning("Cache unavailable: billing state of %s not invalidated", organization.pk)


def invalidate_all() -> None:
    """Forget every organization's cached state (a plan was edited: organizations on it may have
    no billing account at all, as everyone starts on Free). One cache call for all of them."""
    from tenants.models import Organization

    keys = [
        _cache_key(organization)
        for organization in Organization.objects.only("pk").exclude(schema_name="public")
    ]
    try:
        _cache().delete_many(keys)
    except UNAVAILABLE_ERRORS:
        logger.warning("Cache unavailable: billing states not invalidated after a plan change")


def _plan_state(plan) -> dict:
    if plan is None:
        seed = DEFAULT_PLANS["free"]
        return {"plan": "free", "apps": sorted(seed["apps"]), "limits": dict(seed["limits"])}
    return {"plan": plan.key, "apps": list(plan.apps or []), "limits": plan.limits()}


def _compute_state(organization) -> dict:
    from shared_apps.billing.models import BillingAccount, Plan

    account = (
        BillingAccount.objects.select_related("plan")
        .filter(organization_id=organization.pk)
        .first()
    )
    plan = None
    status = "none"
    past_due_since = None
    if account is not None:
        status = account.status
        if account.plan is not None and (account.is_offline or status in _PAID_STATUSES):
            plan = account.plan
        if status in ("past_due", "unpaid") and account.past_due_since:
            past_due_since = account.past_due_since.timestamp()
    if plan is None:
        plan = Plan.objects.filter(key="free").first()
    state = _plan_state(plan)
    state["status"] = status
    state["past_due_since"] = past_due_since
    return state


def billing_state(organization) -> dict:
    """{"plan", "apps", "limits", "status", "past_due_since"}; cached."""
    key = _cache_key(organization)
    try:
        state = _cache().get(key)
    except UNAVAILABLE_ERRORS:
        # The platform cache is plain RedisCache (routing must see outages): every page asks
        # for this state, so an outage reads it from the database instead of failing the page.
        logger.warning("Cache unavailable: billing state of %s read from the database", key)
        return _compute_state(organization)
    if state is None:
        state = _compute_state(organization)
        try:
            _cache().set(key, state, _CACHE_SECONDS)
        except UNAVAILABLE_ERRORS:
            logger.warning("Cache unavailable: billing state of %s not cached", key)
    return state


def plan_key(organization) -> str:
    return billing_state(organization)["plan"]


def feature_allowed(organization, feature: str) -> bool:
    return feature in billing_state(organization)["apps"]


def ensure_feature(organization, feature: str) -> None:
    if not feature_allowed(organization, feature):
        raise PaymentRequired(
            f"The {feature} app is not part of your plan. Upgrade to use it.",
            extra={"feature": feature, "upgrade_url": UPGRADE_URL},
        )


def limit_for(organization, resource: str) -> int | None:
    return billing_state(organization)["limits"].get(resource)


def ensure_can_add(organization, resource: str, *, current: int, adding: int = 1) -> None:
    """Refuse to go over the plan's limit. Existing content over a limit stays readable;
    only creation is blocked."""
    limit = limit_for(organization, resource)
    if limit is not None and current + adding > limit:
        raise PaymentRequired(
            f"Your plan allows {limit} {resource.replace('_', ' ')}; you have {current}. "
            "Upgrade your plan to add more.",
            extra={"resource": resource, "limit": limit, "upgrade_url": UPGRADE_URL},
        )


def grace_ends_at(organization) -> datetime.datetime | None:
    since = billing_state(organization)["past_due_since"]
    if since is None:
        return None
    start = datetime.datetime.fromtimestamp(since, tz=datetime.UTC)
    return start + datetime.timedelta(days=settings.BILLING_GRACE_DAYS)


def is_read_only(organization) -> bool:
    """True when unpaid beyond the grace period: the site can be read but not changed."""
    ends = grace_ends_at(organization)
    return ends is not None and timezone.now() >= ends
