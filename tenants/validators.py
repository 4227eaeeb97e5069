"""What makes a valid subdomain. Each rule has its own message."""

import re

from django.core.exceptions import ValidationError

MIN_LENGTH = 3
MAX_LENGTH = 40
RESERVED_SUBDOMAINS = frozenset(
    [
        "www",
        "api",
        "admin",
        "app",
        "apps",
        "mail",
        "email",
        "smtp",
        "imap",
        "pop",
        "ftp",
        "static",
        "media",
        "assets",
        "cdn",
        "img",
        "images",
        "public",
        "help",
        "support",
        "docs",
        "status",
        "blog",
        "billing",
        "account",
        "accounts",
        "login",
        "logout",
        "signup",
        "register",
        "auth",
        "sso",
        "dashboard",
        "console",
        "root",
        "system",
        "platform",
        "internal",
        "test",
        "staging",
        "dev",
        "demo",
        "example",
        "ns",
        "ns1",
        "ns2",
        "webmail",
        "postmaster",
        "hostmaster",
        "abuse",
        "security",
        "info",
        "about",
        "contact",
        "pricing",
        "legal",
        "terms",
        "privacy",
        "www1",
        "www2",
        "mx",
        "autoconfig",
        "autodiscover",
        "information-schema",
        "template",
    ]
)
ALLOWED = re.compile(r"^[a-z0-9-]+$")


def normalize_subdomain(value: str) -> str:
    """Lowercase and trim; nothing else is changed: anything still invalid is refused."""
    return (value or "").strip().lower()


def validate_subdomain(value: str) -> None:
    """Raise ValidationError with one clear message if `value` (normalized) is not allowed."""
    if not value:
        raise ValidationError("Choose a subdomain.", code="required")
    if len(value) < MIN_LENGTH:
        raise ValidationError(f"Use at least {MIN_LENGTH} characters.", code="too_short")
    if len(value) > MAX_LENGTH:
        raise ValidationError(f"Use at most {MAX_LENGTH} characters.", code="too_long")
    if not ALLOWED.match(value):
        raise ValidationError(
            "Use only lowercase letters, digits and hyphens.", code="invalid_characters"
        )
    if value.startswith("-") or value.endswith("-"):
        raise ValidationError("A subdomain cannot start or end with a hyphen.", code="edge_hyphen")
    if "--" in value:
        raise ValidationError(
            "A subdomain cannot contain two hyphens in a row.", code="double_hyphen"
        )
    if value in RESERVED_SUBDOMAINS or value.startswith("pg-"):
        raise ValidationError("That subdomain is reserved. Please choose another.", code="reserved")
