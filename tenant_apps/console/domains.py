"""Custom domains of this site: add (pending), verify by DNS TXT, set primary, remove. Routing
changes go through tenants.domains; the verification state is kept here."""

import secrets

import dns.exception
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shared_apps.billing.entitlements import ensure_can_add
from tenant_apps.console.audit import log_action
from tenant_apps.console.models import CustomDomain
from tenants import domains as routing
from tenants.context import current_organization


def add_custom_domain(*, acting_user, domain: str) -> CustomDomain:
    """Register a domain as pending and queue its first DNS check."""
    organization = current_organization()
    name = routing.normalize_custom_domain(domain)
    if routing.domain_in_use(name) or CustomDomain.objects.filter(domain=name).exists():
        raise ValidationError({"domain": ["That domain is already in use."]})
    with transaction.atomic():
        count = CustomDomain.objects.select_for_update().count()
        ensure_can_add(organization, "custom_domains", current=count)
        custom = CustomDomain.objects.create(domain=name, token=secrets.token_hex(16))
        log_action(
            acting_user=acting_user, action="domain.added", target=custom, after={"domain": name}
        )
        from tenant_apps.console.tasks import verify_custom_domain

        transaction.on_commit(lambda: verify_custom_domain.delay(custom.pk))
    return custom


def verify_custom_domain(*, domain_id: int, acting_user=None) -> CustomDomain | None:
    """Check the TXT record; on success route the domain at once. Idempotent: a verified
    domain is left as it is. Returns None if the domain was removed meanwhile."""
    custom = CustomDomain.objects.filter(pk=domain_id).first()
    if custom is None or custom.status == CustomDomain.Status.VERIFIED:
        return custom
    try:
        matches = routing.txt_record_matches(domain=custom.domain, token=custom.token)
        error = "" if matches else "The TXT record was not found yet."
    except dns.exception.DNSException as failure:
        matches, error = False, f"DNS lookup failed: {type(failure).__name__}."
    with transaction.atomic():
        custom = CustomDomain.objects.select_for_update().filter(pk=domain_id).first()
        if custom is None or custom.status == CustomDomain.Status.VERIFIED:
            return custom
        custom.last_checked_at = timezone.now()
        custom.last_error = error
        if matches:
            routing.activate_custom_domain(
                organization=current_organization(), domain=custom.domain
            )
            custom.status = CustomDomain.Status.VERIFIED
            custom.verified_at = custom.last_checked_at
            log_action(
                acting_user=acting_user,
                action="domain.verified",
                target=custom,
                before={"status": "pending"},
                after={"status": "verified"},
            )
        custom.save()
    return custom


def _custom_for_update(domain_id: int) -> CustomDomain:
    custom = CustomDomain.objects.select_for_update().filter(pk=domain_id).first()
    if custom is None:
        raise ValidationError({"domain": ["No such domain on this site."]})
    return custom


def set_primary_custom_domain(*, acting_user, domain_id: int) -> CustomDomain:
    with transaction.atomic():
        custom = _custom_for_update(domain_id)
        if custom.status != CustomDomain.Status.VERIFIED:
            raise ValidationError({"domain": ["Verify the domain before making it primary."]})
        routing.set_primary_domain(organization=current_organization(), domain=custom.domain)
        log_action(acting_user=acting_user, action="domain.made_primary", target=custom)
    return custom


def remove_custom_domain(*, acting_user, domain_id: int) -> None:
    with transaction.atomic():
        custom = _custom_for_update(domain_id)
        routing.remove_custom_domain(organization=current_organization(), domain=custom.domain)
        log_action(
            acting_user=acting_user,
            action="domain.removed",
            target=custom,
            before={"domain": custom.domain, "status": custom.status},
        )
        custom.delete()


def pending_domain_ids() -> list[int]:
    return list(
        CustomDomain.objects.filter(status=CustomDomain.Status.PENDING).values_list("pk", flat=True)
    )
