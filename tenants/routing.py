"""Host -> organization lookup, cached in each process and invalidated across processes.

Every process keeps its own map of host -> organization. A single "routing generation" value in
the shared cache says when any organization or domain changed; a process that sees a new
generation drops its map. A warm request therefore costs no database query to find its tenant,
and a change (a suspension, a new domain) reaches every process on its next request.
"""

import logging
import secrets
import threading
from collections import OrderedDict

from django.conf import settings
from django.core.cache import caches

from tenants.models import Domain, Organization

logger = logging.getLogger(__name__)

GENERATION_KEY = "tenants:routing-generation"
_MISSING = object()


def normalize_host(raw_host: str) -> str:
    """The host part of a Host header, lowercased, without port or trailing dot."""
    host = raw_host.strip().lower()
    if host.startswith("["):  # IPv6 literal
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0].rstrip(".") if ":" in host else host.rstrip(".")


def is_public_host(host: str) -> bool:
    return host in settings.PUBLIC_HOSTS


def bump_generation() -> None:
    """Tell every process that routing changed. Called after commit of any change."""
    try:
        caches["platform"].set(GENERATION_KEY, secrets.token_hex(8), timeout=None)
    except Exception:
        # Without the shared cache nobody can cache routes (HostRouter bypasses its map while
        # the cache is down), so there is nothing stale to invalidate.
        logger.exception("Could not publish a routing change; routing caches are bypassed")


class HostRouter:
    """Resolves a host to its Organization (or None), with the per-process cache described above."""

    def __init__(self, max_hosts: int = 10_000, cache=None) -> None:
        self.max_hosts = max_hosts
        self._cache = cache  # the shared cache; caches["platform"] unless given
        self._hosts: OrderedDict[str, Organization | None] = OrderedDict()
        self._generation: object = _MISSING
        self._lock = threading.Lock()

    def _current_generation(self) -> object:
        try:
            return (self._cache or caches["platform"]).get(GENERATION_KEY)
        except Exception:
            logger.warning("Shared cache unavailable; resolving hosts from the database")
            return _MISSING

    def resolve(self, host: str) -> Organization | None:
        generation = self._current_generation()
        if generation is _MISSING:
            return self._lookup(host)
        with self._lock:
            if generation != self._generation:
                self._hosts.clear()
                self._generation = generation
            organization = self._hosts.get(host, _MISSING)
            if organization is not _MISSING:
                self._hosts.move_to_end(host)
                return organization
        organization = self._lookup(host)
        with self._lock:
            if generation == self._generation:
                self._hosts[host] = organization
                if len(self._hosts) > self.max_hosts:
                    self._hosts.popitem(last=False)
        return organization

    @staticmethod
    def _lookup(host: str) -> Organization | None:
        domain = Domain.objects.select_related("tenant").filter(domain=host).first()
        if domain is None:
            return None
        organization = domain.tenant
        organization.domain_url = host
        return organization

    def clear(self) -> None:
        with self._lock:
            self._hosts.clear()
            self._generation = _MISSING


router = HostRouter()
