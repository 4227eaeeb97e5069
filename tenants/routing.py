"""Host -> organization lookup, cached in each process and invalidated across processes.

Every process keeps its own map of host -> organization. A single "routing generation" value in
the shared cache says when any organization or domain changed; a process that sees a new
generation drops its map. A warm request therefore costs no database query to find its tenant.

Reading the generation is itself a round trip to the shared cache, so a process reads it at
most once every TENANT_ROUTING_CHECK_INTERVAL_MS milliseconds (default 500) and trusts its map
in between: a change made in another process reaches this one within that bound. The process
that makes a change drops its own map at once (bump_generation), so it never serves a route it
has just changed.
"""

import logging
import secrets
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import caches

from tenants.models import Domain, Organization

logger = logging.getLogger(__name__)

GENERATION_KEY = "tenants:routing-generation"
DEFAULT_CHECK_INTERVAL_MS = 500
_MISSING = object()


def normalize_host(raw_host: str) -> str:
    """The host part of a Host header, lowercased, without port or trailing dot."""
    host = raw_host.strip().lower()
    if host.startswith("["):  # IPv6 literal
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0].rstrip(".") if ":" in host else host.rstrip(".")


def is_public_host(host: str) -> bool:
    return host in settings.PUBLIC_HOSTS


def check_interval_seconds() -> float:
    """How long a process trusts its routing map before reading the generation again."""
    return getattr(settings, "TENANT_ROUTING_CHECK_INTERVAL_MS", DEFAULT_CHECK_INTERVAL_MS) / 1000


def bump_generation() -> None:
    """Tell every process that routing changed. Called after commit of any change.

    This process's own map is dropped at once; the others drop theirs within the check interval.
    """
    generation = secrets.token_hex(8)
    try:
        caches["platform"].set(GENERATION_KEY, generation, timeout=None)
    except Exception:
        # Without the shared cache nobody can cache routes (HostRouter bypasses its map while
        # the cache is down), so there is nothing stale to invalidate elsewhere.
        logger.exception("Could not publish a routing change; routing caches are bypassed")
        router.clear()
        return
    router.adopt(generation)


class HostRouter:
    """Resolves a host to its Organization (or None), with the per-process cache described above."""

    def __init__(self, max_hosts: int = 10_000, cache=None, check_interval: float | None = None):
        self.max_hosts = max_hosts
        self._cache = cache  # the shared cache; caches["platform"] unless given
        self._check_interval = check_interval  # seconds; the setting unless given
        self._hosts: OrderedDict[str, Organization | None] = OrderedDict()
        self._generation: object = _MISSING
        self._checked_at = float("-inf")  # time.monotonic() of the last generation read
        self._lock = threading.Lock()

    def _interval(self) -> float:
        if self._check_interval is not None:
            return self._check_interval
        return check_interval_seconds()

    def _read_generation(self) -> object:
        """The shared generation, or _MISSING when the shared cache cannot be read."""
        cache = self._cache or caches["platform"]
        try:
            generation = cache.get(GENERATION_KEY)
            if generation is None:
                # Never published, or the cache lost it (restart, eviction): publish one, so
                # that a process still holding an older generation sees a change.
                cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
                generation = cache.get(GENERATION_KEY)
            return _MISSING if generation is None else generation
        except Exception:
            logger.warning("Shared cache unavailable; resolving hosts from the database")
            return _MISSING

    def _current_generation(self) -> object:
        """The generation to trust for this request: the last one read, if read recently."""
        now = time.monotonic()
        with self._lock:
            # Also while the cache is down (_MISSING): no new attempt before the interval ends.
            if now - self._checked_at < self._interval():
                return self._generation
        generation = self._read_generation()
        with self._lock:
            if self._checked_at > now:
                # This process published a change (adopt) while we were reading: its value is
                # newer than what we read.
                return self._generation
            if generation is _MISSING:
                # Changes published meanwhile cannot be seen: forget everything, so that the map
                # starts again empty once the cache is back.
                self._hosts.clear()
                self._generation = _MISSING
            elif generation != self._generation:
                self._hosts.clear()
                self._generation = generation
            self._checked_at = now
        return generation

    def resolve(self, host: str) -> Organization | None:
        generation = self._current_generation()
        if generation is _MISSING:
            return self._lookup(host)
        with self._lock:
            if generation == self._generation:
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

    def adopt(self, generation: object) -> None:
        """This process published `generation`: drop the map now and trust the new value."""
        with self._lock:
            self._hosts.clear()
            self._generation = generation
            self._checked_at = time.monotonic()

    def clear(self) -> None:
        with self._lock:
            self._hosts.clear()
            self._generation = _MISSING
            self._checked_at = float("-inf")


router = HostRouter()
