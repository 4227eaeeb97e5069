"""Reads for the console's list pages."""

from datetime import datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from shared_apps.accounts.models import User
from tenant_apps.console.models import AuditEntry
from tenant_apps.members.models import Invitation


def members_list(*, search: str = "") -> QuerySet:
    users = User.objects.select_related("member").order_by("email")
    # PostgreSQL text cannot hold NUL, so no row matches one, and psycopg refuses to send it.
    search = search.replace("\x00", "").strip()
    if search:
        users = users.filter(Q(email__icontains=search) | Q(name__icontains=search))
    return users


def pending_invitations() -> QuerySet:
    return Invitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")


def audit_entries(*, action: str = "", actor: str = "", since=None, until=None) -> QuerySet:
    entries = AuditEntry.objects.all()
    if action:
        entries = entries.filter(action__icontains=action.strip())
    if actor:
        entries = entries.filter(actor_email__icontains=actor.strip())
    tz = timezone.get_current_timezone()
    if since:
        entries = entries.filter(
            created_at__gte=timezone.make_aware(datetime.combine(since, time.min), tz)
        )
    if until:
        end = timezone.make_aware(datetime.combine(until, time.min), tz) + timedelta(days=1)
        entries = entries.filter(created_at__lt=end)
    return entries


def site_currency() -> str:
    """The site's currency (ISO 4217, upper case) set in the console's branding; EUR by default.
    Apps that price things (store, events) read it here, not from the settings model."""
    from tenant_apps.console.branding import site_settings

    return (site_settings().currency or "EUR").upper()


def site_timezone() -> str:
    """The site's IANA time zone name set in the console; UTC by default."""
    from tenant_apps.console.branding import site_settings

    return site_settings().timezone or "UTC"
