"""What the security tests walk: every URL pattern of the tenant URLconf and every operation of
the tenant API's OpenAPI schema, discovered at import time. Nothing is listed by hand, so a page
or an endpoint added by any app (forum, tasks, store, events...) is covered the day it lands."""

import re
import uuid
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

SAMPLE = {
    "int": "1",
    "str": "sample",
    "slug": "sample",
    "path": "sample/1",
    "uuid": str(uuid.UUID(int=1)),
}
# Django's admin has its own permission model (staff flag) and is checked separately below.
SKIPPED_NAMESPACES = {"admin"}


@dataclass(frozen=True)
class Endpoint:
    path: str
    name: str
    namespace: str
    callback: object

    def __str__(self):
        return self.path


def _route_text(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return re.sub(
            r"<(?:(\w+):)?(\w+)>", lambda m: SAMPLE.get(m.group(1) or "str", "sample"), str(pattern)
        )
    if isinstance(pattern, RegexPattern):
        text = pattern.regex.pattern.lstrip("^").rstrip("$").replace("\\Z", "")
        text = re.sub(r"\(\?P<\w+>[^)]*\)", "sample", text)
        return text.replace("\\", "")
    return str(pattern)


def walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or namespace
            if inner in SKIPPED_NAMESPACES:
                continue
            yield from walk(entry.url_patterns, prefix + _route_text(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield Endpoint(
                "/" + prefix + _route_text(entry.pattern),
                entry.name or "",
                namespace,
                entry.callback,
            )


TENANT_ENDPOINTS = sorted(set(walk(get_resolver("config.urls_tenant").url_patterns)), key=str)


def api_operations():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator(urlconf="config.urls_tenant").get_schema(request=None, public=True)
    operations = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            needs_auth = {} not in operation.get("security", [{}])
            concrete = re.sub(r"\{[^}]+\}", "1", path)
            operations.append(
                pytest.param(method, concrete, needs_auth, id=f"{method.upper()} {path}")
            )
    return operations


def required_role(path: str) -> str | None:
    from django.urls import resolve

    match = resolve(path, urlconf="config.urls_tenant")
    view_class = getattr(match.func, "cls", None)
    roles = [
        getattr(permission, "at_least", None)
        for permission in getattr(view_class, "permission_classes", [])
    ]
    roles = [role for role in roles if role]
    return roles[0] if roles else None


def outcome(response) -> tuple:
    """What a visitor can tell from a response: status, and where a redirect goes."""
    return response.status_code, response.get("Location", "")


def required_page_role(callback) -> str | None:
    """The role a page's view demands through `role_required(...)` (members.permissions),
    read from the decorator's closure: nobody lists it, so a new admin page is checked too."""
    function, roles = callback, []
    while function is not None:
        code = getattr(function, "__code__", None)
        if code is not None and function.__closure__:
            cells = dict(zip(code.co_freevars, function.__closure__, strict=True))
            if "at_least" in cells:
                roles.append(cells["at_least"].cell_contents)
        function = getattr(function, "__wrapped__", None)
    return roles[0] if roles else None
