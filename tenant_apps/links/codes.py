"""Short codes, aliases and target URLs for short links.

Pure Python (no Django). Validators return a message for the person who typed the
value, or ``None`` when it is acceptable, so a form or a service can show it as is.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Collection
from urllib.parse import urlsplit

__all__ = [
    "ALPHABET",
    "generate_code",
    "is_valid_alias",
    "normalize_host",
    "validate_target_url",
]

#: Digits and letters without the look-alikes 0/O/o, 1/l/I.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz"

_ALIAS_RE = re.compile(r"[A-Za-z0-9_-]+")
_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_HOST_LABEL_RE = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?|xn--[a-z0-9-]+")
ALIAS_MAX_LENGTH = 64


def generate_code(length: int = 7) -> str:
    """A random code of ``length`` characters from :data:`ALPHABET`, using ``secrets``.

    With 55 symbols, 7 characters give about 1.5e12 codes; callers still check for a
    collision in the database. Raises ``ValueError`` for a length below 1.
    """
    if length < 1:
        raise ValueError("a code needs at least one character")
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def is_valid_alias(alias: str, reserved: Collection[str] = ()) -> str | None:
    """Check a custom alias; return why it is refused, or ``None`` when it is fine.

    An alias is 1 to 64 ASCII letters, digits, hyphens and underscores, and neither
    starts nor ends with a hyphen. Aliases in ``reserved`` (compared case-insensitively)
    are refused too.
    """
    if not isinstance(alias, str) or not alias:
        return "Enter an alias."
    if len(alias) > ALIAS_MAX_LENGTH:
        return f"An alias can be at most {ALIAS_MAX_LENGTH} characters long."
    if not _ALIAS_RE.fullmatch(alias):
        return "An alias can only contain letters, digits, hyphens (-) and underscores (_)."
    if alias.startswith("-") or alias.endswith("-"):
        return "An alias cannot start or end with a hyphen."
    if alias.lower() in {word.lower() for word in reserved}:
        return "This alias is reserved. Choose another one."
    return None


def normalize_host(host: str) -> str | None:
    """Lower-case ASCII (punycode) form of a host name, without a trailing dot or port.

    Unicode dots and full-width letters are folded the way browsers fold them.
    Returns ``None`` when the host is not a valid name (or bracketed IPv6 address).
    """
    host = host.strip()
    if host.startswith("[") and "]" in host:  # IPv6 literal, maybe with a port
        literal = host[1 : host.index("]")].lower()
        return f"[{literal}]" if re.fullmatch(r"[0-9a-f:.]+", literal) else None
    if host.startswith("*."):
        host = host[2:]
    host = host.rsplit(":", 1)[0] if re.search(r":\d*$", host) else host
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    ascii_host = ascii_host.rstrip(".").lstrip(".")
    if not ascii_host or len(ascii_host) > 253:
        return None
    if not all(_HOST_LABEL_RE.fullmatch(label) for label in ascii_host.split(".")):
        return None
    return ascii_host


def _is_invisible(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp")


def validate_target_url(url: str, own_hosts: Collection[str], max_length: int = 2048) -> str | None:
    """Check where a short link may point; return why it is refused, or ``None``.

    Accepted: an absolute ``http``/``https`` URL with a host, at most ``max_length``
    characters, no spaces or control characters, no backslashes, no user name or
    password, and a host that is neither one of ``own_hosts`` nor a subdomain of one
    (compared after IDNA, case and trailing-dot normalisation). Browsers drop tabs,
    newlines and leading control characters before reading a scheme, so those tricks
    (``" java\\tscript:"``) are recognised as the scheme they would become.
    """
    if not isinstance(url, str) or not url.strip():
        return "Enter a URL."
    if len(url) > max_length:
        return f"The URL is too long (at most {max_length} characters)."
    # What a browser would see: invisible characters removed before the scheme is read.
    visible = "".join(char for char in url if not _is_invisible(char))
    scheme_match = _SCHEME_RE.match(visible)
    # "example.com:8080/x" has no scheme at all, just a host and a port.
    if scheme_match is None or re.match(r"\d+(/|$)", visible[scheme_match.end() :]):
        return "Enter a full URL starting with http:// or https://."
    scheme = scheme_match.group(1).lower()
    if scheme not in ("http", "https"):
        return "Only http:// and https:// links are allowed."
    if visible != url:
        return "The URL must not contain spaces or control characters."
    if "\\" in url:
        return "The URL must not contain backslashes."
    if not url[scheme_match.end() :].startswith("//"):
        return "Enter a full URL starting with http:// or https://."
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return "The URL is not valid."
    if "@" in parts.netloc:
        return "The URL must not contain a user name or password."
    if not parts.hostname:
        return "The URL must include a host name."
    if "%" in parts.hostname:
        return "The URL's host name is not valid."
    host = normalize_host(parts.netloc if parts.netloc.startswith("[") else parts.hostname)
    if host is None:
        return "The URL's host name is not valid."
    for own in own_hosts:
        own_host = normalize_host(own)
        if own_host and (host == own_host or host.endswith("." + own_host)):
            return "A short link cannot point at this site."
    return None
