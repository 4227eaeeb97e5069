"""Custom domains of organizations: checking a DNS TXT proof of ownership and the Domain rows that
route a host to its organization. Creating or deleting a Domain publishes the routing change
(tenants.signals), so a verified domain answers at once. Verification state lives with the caller
(the console keeps it in its own model); these functions only check DNS and change routing."""

import re

import dns.exception
import dns.nameserver
import dns.resolver
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tenants.models import Domain, Organization

TXT_PREFIX = "_platform-verify"
HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normalize_custom_domain(value: str) -> str:
    """A host name such as `shop.example.org`, lowercased and checked. Hosts under the
    platform's own domain, IP addresses and bare labels are refused."""
    domain = (value or "").strip().lower().rstrip(".")
    domain = domain.removeprefix("http://").removeprefix("https://").split("/")[0]
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValidationError(
            {"domain": ["Enter a domain name such as shop.example.org."]}
        ) from None
    labels = domain.split(".")
    if len(domain) > 253 or len(labels) < 2 or not all(HOST_LABEL.match(label) for label in labels):
        raise ValidationError({"domain": ["Enter a domain name such as shop.example.org."]})
    if labels[-1].isdigit():
        raise ValidationError({"domain": ["Use a domain name, not an IP address."]})
    base = settings.BASE_DOMAIN
    if domain == base or domain.endswith("." + base) or domain in settings.PUBLIC_HOSTS:
        raise ValidationError({"domain": [f"Addresses under {base} cannot be custom domains."]})
    return domain


def txt_record_name(domain: str) -> str:
    return f"{TXT_PREFIX}.{domain}"


def txt_record_value(token: str) -> str:
    return f"platform-verify={token}"


def _resolver() -> dns.resolver.Resolver:
    """The system resolver, or the nameservers of CUSTOM_DOMAIN_RESOLVER_NAMESERVERS
    ("ip" or "ip:port", tests point it at a DNS server on loopback)."""
    configured = getattr(settings, "CUSTOM_DOMAIN_RESOLVER_NAMESERVERS", None)
    if not configured:
        resolver = dns.resolver.Resolver()
    else:
        resolver = dns.resolver.Resolver(configure=False)
        nameservers = []
        for entry in configured:
            host, _, port = (
                str(entry).rpartition(":") if str(entry).count(":") == 1 else (entry, "", "")
            )
            nameservers.append(dns.nameserver.Do53Nameserver(host or entry, int(port or 53)))
        resolver.nameservers = nameservers
    resolver.lifetime = float(getattr(settings, "CUSTOM_DOMAIN_RESOLVER_TIMEOUT", 5.0))
    resolver.cache = None
    return resolver


def txt_record_matches(*, domain: str, token: str) -> bool:
    """Whether `_platform-verify.<domain>` has a TXT record `platform-verify=<token>`.
    Raises dns.exception.DNSException only for failures worth retrying (timeouts, no answer
    from any nameserver); a missing name or record is simply False."""
    try:
        answer = _resolver().resolve(txt_record_name(domain), "TXT")
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return False
    expected = txt_record_value(token)
    for record in answer:
        if b"".join(record.strings).decode("utf-8", "replace").strip() == expected:
            return True
    return False


def activate_custom_domain(*, organization: Organization, domain: str) -> Domain:
    """Route `domain` to `organization` (after its ownership was verified). Idempotent."""
    domain = normalize_custom_domain(domain)
    existing = Domain.objects.filter(domain=domain).first()
    if existing is not None:
        if existing.tenant_id != organization.pk:
            raise ValidationError({"domain": ["That domain belongs to another site."]})
        return existing
    try:
        with transaction.atomic():
            return Domain.objects.create(domain=domain, tenant=organization, is_primary=False)
    except IntegrityError:
        raise ValidationError({"domain": ["That domain belongs to another site."]}) from None


def domain_in_use(domain: str) -> bool:
    return Domain.objects.filter(domain=domain).exists()


def set_primary_domain(*, organization: Organization, domain: str) -> Domain:
    """Make one of the organization's routed domains its primary (links in emails use it)."""
    with transaction.atomic():
        domains = list(Domain.objects.select_for_update().filter(tenant=organization))
        chosen = next((d for d in domains if d.domain == domain), None)
        if chosen is None:
            raise ValidationError({"domain": ["That domain is not active on this site."]})
        for item in domains:
            if item.is_primary and item.pk != chosen.pk:
                item.is_primary = False
                item.save(update_fields=["is_primary"])
        if not chosen.is_primary:
            chosen.is_primary = True
            chosen.save(update_fields=["is_primary"])
    return chosen


def remove_custom_domain(*, organization: Organization, domain: str) -> None:
    """Stop routing `domain`. The platform subdomain cannot be removed; removing the primary
    makes the platform subdomain primary again."""
    platform_host = f"{organization.schema_name}.{settings.BASE_DOMAIN}"
    if domain == platform_host:
        raise ValidationError({"domain": ["The site's own address cannot be removed."]})
    with transaction.atomic():
        row = Domain.objects.select_for_update().filter(tenant=organization, domain=domain).first()
        if row is None:
            return
        was_primary = row.is_primary
        row.delete()
        if was_primary:
            fallback = Domain.objects.filter(tenant=organization, domain=platform_host).first()
            if fallback is not None:
                fallback.is_primary = True
                fallback.save(update_fields=["is_primary"])
