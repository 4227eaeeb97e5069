"""Bad input gets a clear refusal and leaves nothing behind.

Per app, a table of bad values (subdomains, emails, URLs, quantities, dates, prices, unicode edge
cases), each sent through the app's real door: the API answers 400 with the error body naming
the field, a form page answers with the form and its error, and no row of the app's tables
(nor of the public ones it writes) has changed. Then, for every API write operation and every
page (discovered, so later apps are covered): huge bodies, deep JSON, undecodable bytes and
NUL characters in query strings get a 4xx, never a server error.
"""

import json
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client

from tenants.context import tenant_context
from tests.conftest import PASSWORD
from tests.security.endpoints import TENANT_ENDPOINTS, api_operations

LONG = "x" * 5001
NUL = "nul\x00here"
# A lone surrogate cannot be encoded as UTF-8 (nor stored by PostgreSQL); only JSON can carry
# it, as the escape below.
SURROGATE = "\\ud800"


@dataclass(frozen=True)
class Bad:
    """One bad input: `body` is sent as JSON (`raw` as the JSON text itself) or as a form."""

    label: str
    path: str
    body: dict = field(default_factory=dict)
    field: str | None = None  # the field the refusal names
    raw: str | None = None
    method: str = "post"
    form: bool = False

    def __str__(self):
        return self.label


def rows(labels) -> dict[str, int]:
    """Row count of every table of these apps, in the current schema."""
    counts = {}
    for label in labels:
        for model in apps.get_app_config(label).get_models():
            counts[model._meta.db_table] = model._default_manager.count()
    return counts


def send(client, case: Bad, **ids):
    path = case.path.format(**ids)
    if case.form:
        return getattr(client, case.method)(path, case.body)
    data = case.raw.replace("@SURROGATE@", SURROGATE) if case.raw else json.dumps(case.body)
    return getattr(client, case.method)(path, data=data, content_type="application/json")


def assert_refused(response, case: Bad):
    if case.form:
        assert response.status_code in (200, 400), (case.label, response.status_code)
        assert b"field__error" in response.content or b'role="alert"' in response.content, (
            case.label
        )
        return
    assert response.status_code == 400, (case.label, response.status_code, response.content)
    error = response.json()["error"]
    assert error["message"], case.label
    if case.field:
        assert any(name.split(".")[0].split("[")[0] == case.field for name in error["fields"]), (
            case.label,
            error,
        )


@pytest.fixture
def owner(alpha, client_for, owner_of):
    client = client_for(alpha, raise_request_exception=False)
    client.force_login(owner_of(alpha))
    return client


@pytest.fixture
def recipe_id(owner):
    response = owner.post(
        "/api/v1/recipes/recipes/",
        data={"title": "Soup", "servings": 2, "status": "published"},
        content_type="application/json",
    )
    assert response.status_code == 201
    return response.json()["id"]


def recipe(**changes):
    return {"title": "Soup", "servings": 2, "status": "published", **changes}


RECIPE_CASES = [
    Bad("empty title", "/api/v1/recipes/recipes/", recipe(title=""), "title"),
    Bad("title too long", "/api/v1/recipes/recipes/", recipe(title="t" * 201), "title"),
    Bad("NUL in a title", "/api/v1/recipes/recipes/", recipe(title=NUL), "title"),
    Bad(
        "lone surrogate in a title",
        "/api/v1/recipes/recipes/",
        field="title",
        raw='{"title": "soup @SURROGATE@", "servings": 2}',
    ),
    Bad("no servings", "/api/v1/recipes/recipes/", recipe(servings=0), "servings"),
    Bad("negative servings", "/api/v1/recipes/recipes/", recipe(servings=-3), "servings"),
    Bad("too many servings", "/api/v1/recipes/recipes/", recipe(servings=501), "servings"),
    Bad("servings as words", "/api/v1/recipes/recipes/", recipe(servings="four"), "servings"),
    Bad("fractional servings", "/api/v1/recipes/recipes/", recipe(servings=2.5), "servings"),
    Bad("servings past 64 bits", "/api/v1/recipes/recipes/", recipe(servings=10**30), "servings"),
    Bad("negative minutes", "/api/v1/recipes/recipes/", recipe(prep_minutes=-1), "prep_minutes"),
    Bad(
        "a week of cooking", "/api/v1/recipes/recipes/", recipe(cook_minutes=10**6), "cook_minutes"
    ),
    Bad(
        "negative quantity",
        "/api/v1/recipes/recipes/",
        recipe(ingredients=[{"food": "flour", "quantity": "-1"}]),
        "ingredients",
    ),
    Bad(
        "NaN quantity",
        "/api/v1/recipes/recipes/",
        recipe(ingredients=[{"food": "flour", "quantity": "NaN"}]),
        "ingredients",
    ),
    Bad(
        "infinite quantity",
        "/api/v1/recipes/recipes/",
        field="ingredients",
        raw='{"title": "Soup", "servings": 2, "ingredients": [{"food": "x", "quantity": 1e999}]}',
    ),
    Bad(
        "quantity with too many digits",
        "/api/v1/recipes/recipes/",
        recipe(ingredients=[{"food": "flour", "quantity": "1" * 20}]),
        "ingredients",
    ),
    Bad(
        "ingredient without food",
        "/api/v1/recipes/recipes/",
        recipe(ingredients=[{"quantity": "1"}]),
        "ingredients",
    ),
    Bad(
        "step timer of zero",
        "/api/v1/recipes/recipes/",
        recipe(steps=[{"text": "Boil", "timer_minutes": 0}]),
        "steps",
    ),
    Bad("empty step", "/api/v1/recipes/recipes/", recipe(steps=[{"text": ""}]), "steps"),
    Bad(
        "script source URL",
        "/api/v1/recipes/recipes/",
        recipe(source_url="javascript:alert(1)"),
        "source_url",
    ),
    Bad(
        "source that is no URL", "/api/v1/recipes/recipes/", recipe(source_url="a b"), "source_url"
    ),
    Bad("unknown status", "/api/v1/recipes/recipes/", recipe(status="deleted"), "status"),
    Bad("unknown course", "/api/v1/recipes/recipes/", recipe(course="brunch"), "course"),
    Bad("unknown tag", "/api/v1/recipes/recipes/", recipe(tags=["no-such-tag"]), "tags"),
    Bad("tags not a list", "/api/v1/recipes/recipes/", recipe(tags="vegan"), "tags"),
    Bad("steps not a list", "/api/v1/recipes/recipes/", recipe(steps={"text": "x"}), "steps"),
    Bad("rating of zero", "/api/v1/recipes/recipes/{recipe}/rate/", {"score": 0}, "score"),
    Bad("rating of six", "/api/v1/recipes/recipes/{recipe}/rate/", {"score": 6}, "score"),
    Bad("rating in words", "/api/v1/recipes/recipes/{recipe}/rate/", {"score": "five"}, "score"),
    Bad("rating as a bare JSON string", "/api/v1/recipes/recipes/{recipe}/rate/", raw='"5"'),
    Bad("rating as a JSON list", "/api/v1/recipes/recipes/{recipe}/rate/", raw="[5]"),
    Bad("empty comment", "/api/v1/recipes/recipes/{recipe}/comments/", {"body": ""}, "body"),
    Bad("comment too long", "/api/v1/recipes/recipes/{recipe}/comments/", {"body": LONG}, "body"),
    Bad("empty collection name", "/api/v1/recipes/collections/", {"name": ""}, "name"),
    Bad("collection name too long", "/api/v1/recipes/collections/", {"name": "c" * 101}, "name"),
    Bad(
        "30 February",
        "/api/v1/recipes/meal-plan/",
        {"date": "2026-02-30", "recipe": 1, "meal": "dinner"},
        "date",
    ),
    Bad(
        "month 13",
        "/api/v1/recipes/meal-plan/",
        {"date": "2026-13-01", "recipe": 1, "meal": "dinner"},
        "date",
    ),
    Bad(
        "date in words",
        "/api/v1/recipes/meal-plan/",
        {"date": "tomorrow", "recipe": 1, "meal": "dinner"},
        "date",
    ),
    Bad(
        "unknown meal",
        "/api/v1/recipes/meal-plan/",
        {"date": "2026-03-01", "recipe": "{recipe}", "meal": "elevenses"},
        "meal",
    ),
    Bad(
        "shopping list ending before it starts",
        "/api/v1/recipes/shopping-lists/",
        {"start": "2026-05-01", "end": "2026-01-01"},
        "end",
    ),
    Bad(
        "shopping list over eight thousand years",
        "/api/v1/recipes/shopping-lists/",
        {"start": "0001-01-01", "end": "9999-12-31"},
        "end",
    ),
    Bad(
        "recipe page form without a title",
        "/recipes/new/",
        {"title": "", "servings": "2", "steps-TOTAL_FORMS": "0", "steps-INITIAL_FORMS": "0"},
        form=True,
    ),
    Bad(
        "recipe page form with words for servings",
        "/recipes/new/",
        {"title": "Soup", "servings": "many", "steps-TOTAL_FORMS": "0", "steps-INITIAL_FORMS": "0"},
        form=True,
    ),
]

LINK = "/api/v1/links/short-links/"
BOOKMARK = "/api/v1/links/bookmarks/"
LINK_CASES = [
    Bad("no destination", LINK, {"target_url": ""}, "target_url"),
    Bad("destination that is no URL", LINK, {"target_url": "not a url"}, "target_url"),
    Bad("script destination", LINK, {"target_url": "javascript:alert(1)"}, "target_url"),
    Bad("FTP destination", LINK, {"target_url": "ftp://example.org/file"}, "target_url"),
    Bad("destination without a host", LINK, {"target_url": "https://"}, "target_url"),
    Bad("space in the host", LINK, {"target_url": "https://exa mple.org/"}, "target_url"),
    Bad("unclosed IPv6 host", LINK, {"target_url": "http://[::1/"}, "target_url"),
    Bad(
        "destination over 2 KB",
        LINK,
        {"target_url": "https://example.org/" + "a" * 2100},
        "target_url",
    ),
    Bad("NUL in a destination", LINK, {"target_url": "https://example.org/\x00"}, "target_url"),
    Bad("space in an alias", LINK, {"target_url": "https://e.org/", "alias": "a b"}, "alias"),
    Bad("path in an alias", LINK, {"target_url": "https://e.org/", "alias": "../x"}, "alias"),
    Bad("alias too long", LINK, {"target_url": "https://e.org/", "alias": "a" * 65}, "alias"),
    Bad("emoji alias", LINK, {"target_url": "https://e.org/", "alias": "🔗🔗🔗"}, "alias"),
    Bad("zero click limit", LINK, {"target_url": "https://e.org/", "max_clicks": 0}, "max_clicks"),
    Bad(
        "click limit past 32 bits",
        LINK,
        {"target_url": "https://e.org/", "max_clicks": 10**30},
        "max_clicks",
    ),
    Bad(
        "click limit in words",
        LINK,
        {"target_url": "https://e.org/", "max_clicks": "lots"},
        "max_clicks",
    ),
    Bad(
        "expiry that is no date",
        LINK,
        {"target_url": "https://e.org/", "expires_at": "next week"},
        "expires_at",
    ),
    Bad(
        "expiry on 30 February",
        LINK,
        {"target_url": "https://e.org/", "expires_at": "2026-02-30T10:00:00Z"},
        "expires_at",
    ),
    Bad(
        "expiry before year 1 in UTC",
        LINK,
        {"target_url": "https://e.org/", "expires_at": "0001-01-01T00:00:00+14:00"},
        "expires_at",
    ),
    Bad(
        "unknown redirect type",
        LINK,
        {"target_url": "https://e.org/", "redirect_type": 399},
        "redirect_type",
    ),
    Bad("21 tags", LINK, {"target_url": "https://e.org/", "tags": list("abcdefghijklmnopqrstu")}),
    Bad("tag too long", LINK, {"target_url": "https://e.org/", "tags": ["t" * 51]}, "tags"),
    Bad("NUL in a tag", LINK, {"target_url": "https://e.org/", "tags": [NUL]}, "tags"),
    Bad(
        "lone surrogate in a title",
        LINK,
        field="title",
        raw='{"target_url": "https://e.org/", "title": "@SURROGATE@"}',
    ),
    Bad("bookmark without URL", BOOKMARK, {"url": ""}, "url"),
    Bad("bookmark of a script URL", BOOKMARK, {"url": "javascript:alert(1)"}, "url"),
    Bad(
        "bookmark title too long", BOOKMARK, {"url": "https://e.org/", "title": "t" * 301}, "title"
    ),
    Bad(
        "bookmark description too long",
        BOOKMARK,
        {"url": "https://e.org/", "description": LONG},
        "description",
    ),
    Bad("bookmark notes as a number", BOOKMARK, {"url": "https://e.org/", "notes": ["x"]}, "notes"),
    Bad(
        "link page form with a script URL",
        "/links/new/",
        {"target_url": "javascript:alert(1)", "redirect_type": "302"},
        form=True,
    ),
    Bad(
        "link page form with a click limit of -1",
        "/links/new/",
        {"target_url": "https://e.org/", "redirect_type": "302", "max_clicks": "-1"},
        form=True,
    ),
]

DOMAIN_VALUES = [
    "",
    "localhost",
    "127.0.0.1",
    "alpha.example.test",
    "-bad.example.org",
    "bad-.example.org",
    "under_score.example.org",
    "space d.example.org",
    "x" * 64 + ".example.org",
    ("a" * 63 + ".") * 4 + "org",
    "*.example.org",
    "ü" * 70 + ".com",
    "nul\x00.example.org",
]
EMAIL_VALUES = [
    "",
    "not-an-email",
    "a@b",
    "a@@example.org",
    "a@example..org",
    "x" * 250 + "@example.org",
    "a@example.org\r\nBcc: c@example.org",
    "nul\x00@example.org",
]
CONSOLE_CASES = [
    *[
        Bad(f"custom domain {v!r}", "/console/domains/", {"domain": v}, form=True)
        for v in DOMAIN_VALUES
    ],
    *[
        Bad(f"invitation to {v!r}", "/console/members/", {"email": v, "role": "member"}, form=True)
        for v in EMAIL_VALUES
    ],
    Bad(
        "invitation with an unknown role",
        "/console/members/",
        {"email": "new@example.org", "role": "emperor"},
        form=True,
    ),
    Bad(
        "branding with a time zone on Mars",
        "/console/branding/",
        {"site_name": "A", "timezone": "Mars/Olympus", "language": "en", "currency": "EUR"},
        form=True,
    ),
    Bad(
        "branding with a made-up currency",
        "/console/branding/",
        {"site_name": "A", "timezone": "UTC", "language": "en", "currency": "XBT"},
        form=True,
    ),
]

MEMBER_CASES = [
    Bad("token without a name", "/api/v1/tokens/", {"name": ""}, "name"),
    Bad("token name too long", "/api/v1/tokens/", {"name": "n" * 101}, "name"),
    Bad("NUL in a token name", "/api/v1/tokens/", {"name": NUL}, "name"),
    Bad("surrogate token name", "/api/v1/tokens/", field="name", raw='{"name": "@SURROGATE@"}'),
    Bad("token name as a list", "/api/v1/tokens/", {"name": ["a"]}, "name"),
    Bad(
        "notification preferences of the wrong shape",
        "/api/v1/notifications/preferences/",
        {"kind": "mention"},
        method="put",
    ),
    Bad(
        "notification preference for an unknown kind",
        "/api/v1/notifications/preferences/",
        raw='[{"kind": "no-such-kind", "in_site": true, "email": true}]',
        method="put",
    ),
]

TABLES = [
    ("recipes", RECIPE_CASES, ["recipes"]),
    ("links", LINK_CASES, ["links"]),
    ("console", CONSOLE_CASES, ["console", "members", "tenants"]),
    ("members", MEMBER_CASES, ["members", "notifications"]),
]


@pytest.mark.parametrize(
    ("case", "labels"),
    [
        pytest.param(case, labels, id=f"{app}: {case}")
        for app, cases, labels in TABLES
        for case in cases
    ],
)
def test_bad_input_is_refused_clearly_and_leaves_no_rows(alpha, owner, recipe_id, case, labels):
    if case.body.get("recipe") == "{recipe}":
        case = Bad(**{**case.__dict__, "body": {**case.body, "recipe": recipe_id}})
    with tenant_context(alpha):
        before = rows(labels)
    response = send(owner, case, recipe=recipe_id)
    assert_refused(response, case)
    with tenant_context(alpha):
        assert rows(labels) == before, case.label


SUBDOMAIN_VALUES = [
    "",
    "ab",
    "-abc",
    "abc-",
    "a_bc",
    "a.bc",
    "al pha",
    "www",
    "admin",
    "api",
    "public",
    "x" * 41,
    "xn--80ak6aa92e",
    "ümlaut",
    "alpha",
    "ALPHA",
    "\x00abc",
    "abc\x00",
    "../abc",
]
SIGNUP_EMAILS = [v for v in EMAIL_VALUES if v]


def signup_case(subdomain="gamma", email="gamma@example.org", name="Gamma"):
    return {"name": name, "subdomain": subdomain, "owner_email": email, "owner_password": PASSWORD}


@pytest.mark.parametrize(
    "body",
    [
        *[pytest.param(signup_case(subdomain=v), id=f"subdomain {v!r}") for v in SUBDOMAIN_VALUES],
        *[pytest.param(signup_case(email=v), id=f"email {v!r}") for v in SIGNUP_EMAILS],
        pytest.param(signup_case(name=""), id="no organization name"),
        pytest.param(signup_case(name="n" * 101), id="organization name too long"),
        pytest.param(signup_case(name=NUL), id="NUL in the organization name"),
        pytest.param({**signup_case(), "owner_password": "123"}, id="weak password"),
    ],
)
def test_signup_refuses_bad_input_and_makes_no_organization(db, body):
    from shared_apps.accounts.models import User
    from tenants.models import Domain, Organization

    connection.set_schema_to_public()
    before = (Organization.objects.count(), Domain.objects.count(), User.objects.count())
    client = Client(HTTP_HOST="example.test", raise_request_exception=False)
    response = client.post("/signup/", body)
    assert response.status_code in (200, 400), response.status_code
    assert b"field__error" in response.content or b'role="alert"' in response.content
    connection.set_schema_to_public()
    assert (Organization.objects.count(), Domain.objects.count(), User.objects.count()) == before


@pytest.mark.parametrize("subdomain", [*SUBDOMAIN_VALUES, "a" * 5000])
def test_the_subdomain_check_answers_every_bad_subdomain(db, subdomain):
    client = Client(HTTP_HOST="example.test", raise_request_exception=False)
    response = client.get("/api/v1/subdomains/check/", {"subdomain": subdomain})
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 200:
        assert response.json()["available"] is False
    page = client.get("/signup/check-subdomain/", {"subdomain": subdomain})
    assert page.status_code in (200, 400)


# --- Every write operation of the API, whatever app it belongs to ------------------------------

WRITES = [p for p in api_operations() if p.values[0] in ("post", "put", "patch")]
BODIES = {
    "deep JSON array": "[" * 100_000 + "]" * 100_000,
    "deep JSON object": '{"a":' * 50_000 + "1" + "}" * 50_000,
    "3 MB of JSON": json.dumps({"title": "x" * 3_000_000}),
    "undecodable bytes": b"\xff\xfe\x00garbage",
    "not JSON": "{title: 'soup'",
    "a JSON string": '"soup"',
    "a JSON number": "1e999999",
}


@pytest.mark.parametrize(("method", "path", "needs_auth"), WRITES)
def test_every_api_write_refuses_malformed_bodies(alpha, owner, method, path, needs_auth):
    tenant_labels = [c.label for c in apps.get_app_configs() if c.name.startswith("tenant_apps.")]
    with tenant_context(alpha):
        before = rows(tenant_labels)
    accepted = []
    for label, body in BODIES.items():
        response = getattr(owner, method)(path, data=body, content_type="application/json")
        assert response.status_code < 500, (label, response.status_code)
        if response.status_code < 400:
            accepted.append(label)  # an action that reads no body (read-all)
        elif response.status_code in (400, 413):
            assert response["Content-Type"].startswith("application/json"), (label, response)
            assert response.json()["error"]["message"], label
    if not accepted:
        with tenant_context(alpha):
            assert rows(tenant_labels) == before


# --- Every page and API read, with query strings no form would send ----------------------------

PARAMETERS = [
    "q", "tag", "page", "page_size", "state", "scope", "cuisine", "course", "diet", "sort",
    "status", "actor", "action", "date", "start", "end", "include", "exclude", "kind", "unit",
    "servings", "next", "subdomain", "since", "until", "ordering", "search", "category",
]  # fmt: skip
NASTY_VALUES = {
    "NUL": "a\x00b",
    "10 KB": "y" * 10_000,
    "huge number": "9" * 30,
    "negative": "-1",
    "unpaired surrogate, as UTF-8 bytes": b"\xed\xa0\x80".decode("utf-8", "surrogateescape"),
}
GETS = [e.path for e in TENANT_ENDPOINTS] + [
    p.values[1] for p in api_operations() if p.values[0] == "get"
]


@pytest.mark.parametrize("path", sorted(set(GETS)))
def test_no_query_string_makes_a_page_fail(owner, path):
    for label, value in NASTY_VALUES.items():
        try:
            query = {name: value for name in PARAMETERS}
            response = owner.get(path, query)
        except UnicodeEncodeError:  # the test client cannot send it; a browser cannot either
            continue
        assert response.status_code < 500, (label, response.status_code)


def test_a_form_body_with_too_many_fields_is_a_json_400_not_djangos_html_page(alpha, owner):
    from urllib.parse import urlencode

    body = urlencode([(f"field{i}", "x") for i in range(1500)])
    with tenant_context(alpha):
        before = rows(["recipes"])
    response = owner.post(
        "/api/v1/recipes/recipes/", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "too_many_fields"
    with tenant_context(alpha):
        assert rows(["recipes"]) == before
