"""User input with the OWASP XSS filter-evasion vectors, typed through the apps' real doors (API
and forms) and read back on their real pages: recipes, comments, collections, short links,
bookmarks, the console's branding (on every page) and a member's name (their profile, shown
wherever they appear). The pages are parsed, not searched for strings: text that shows
`<script>` escaped is fine; a new element, an event handler or a `javascript:` URL is not.

Markdown rendering itself is tested in tests/core/test_markdown.py.
"""

import json
import re
from html.parser import HTMLParser

import pytest

from tenant_apps.members.models import Role
from tenants.context import tenant_context

# From the OWASP XSS Filter Evasion Cheat Sheet, plus the classic attribute and element breakouts.
VECTORS = [
    "<script>alert('XSS')</script>",
    "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">',
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;"
    "&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
    '<SCRIPT/XSS SRC="https://xss.example/xss.js"></SCRIPT>',
    '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
    '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
    "<iframe src=http://xss.example/scriptlet.html <",
    '</TITLE><SCRIPT>alert("XSS");</SCRIPT>',
    "</textarea><script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><svg/onload=alert(1)>",
    '" onfocus="alert(1)" autofocus="',
    "' onmouseover='alert(1)",
    '<svg><script xlink:href="data:,alert(1)"></script></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">',
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    '<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.example/scriptlet.html"></OBJECT>',
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "{{ request.user }}{% debug %}</script><script>alert(1)</script>",
]
# Typed where a URL is asked for: each must be refused, never rendered as a link.
URL_VECTORS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\x01javascript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "&#106;avascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "javascript://https://example.org/%0aalert(1)",
]
# The links app's own bookmarklet: a `javascript:` link by design, written by the app (the
# site's address is the only variable in it), never by a user.
BOOKMARKLET = (
    "javascript:(function(){location.href='http://alpha.example.test/links/bookmarks/new/"
    "?url='+encodeURIComponent(location.href)+'&title='+encodeURIComponent(document.title);})();"
)

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}
FORBIDDEN_ELEMENTS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet", "style"}
INVISIBLE = re.compile(r"[\x00-\x20]")


class Finder(HTMLParser):
    """Collects what would execute or load: elements, event handlers, URL attributes."""

    def __init__(self, static_url):
        super().__init__(convert_charrefs=True)
        self.static_url = static_url
        self.problems = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "script" and not (values.get("src") or "").startswith(self.static_url):
            self.problems.append(f"<script> {attrs}")
        if tag in FORBIDDEN_ELEMENTS:
            self.problems.append(f"<{tag}> {attrs}")
        if tag == "meta" and "http-equiv" in values:
            self.problems.append(f"<meta http-equiv> {attrs}")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and value and value != BOOKMARKLET:
                visible = INVISIBLE.sub("", value).lower()
                if visible.startswith(("javascript:", "vbscript:")) or (
                    visible.startswith("data:") and not visible.startswith("data:image/")
                ):
                    self.problems.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag


def assert_safe(response, where, status=200):
    from django.conf import settings

    assert response.status_code == status, (where, response.status_code)
    finder = Finder(settings.STATIC_URL)
    finder.feed(response.content.decode())
    finder.close()
    assert not finder.problems, (where, finder.problems)


@pytest.fixture
def owner(alpha, client_for, owner_of):
    client = client_for(alpha)
    client.force_login(owner_of(alpha))
    return client


@pytest.fixture
def _forget_branding(django_db_blocker):
    """The branding is cached in Redis, which a rolled-back test does not roll back."""
    from django.core.cache import cache

    from tenant_apps.console.branding import CACHE_KEY
    from tenants.models import Organization

    def forget():
        with tenant_context(Organization.objects.get(schema_name="alpha")):
            cache.delete(CACHE_KEY)

    with django_db_blocker.unblock():
        forget()
    yield
    with django_db_blocker.unblock():
        forget()


def post_json(client, path, body):
    return client.post(path, data=json.dumps(body), content_type="application/json")


def test_recipes_comments_and_collections_render_vectors_as_text(alpha, owner, client_for):
    created = []
    for index, vector in enumerate(VECTORS):
        response = post_json(
            owner,
            "/api/v1/recipes/recipes/",
            {
                "title": vector[:200],
                "description": vector,
                "notes": vector,
                "cuisine": vector[:60],
                "ingredients_text": f"2 cups {vector}\n{vector}",
                "steps": [{"text": vector}],
                "status": "published",
            },
        )
        assert response.status_code == 201, (vector, response.json())
        recipe_id = response.json()["id"]
        comment = post_json(
            owner, f"/api/v1/recipes/recipes/{recipe_id}/comments/", {"body": vector}
        )
        assert comment.status_code == 201, (vector, comment.content)
        collection = post_json(
            owner, "/api/v1/recipes/collections/", {"name": f"{index} {vector}"[:100]}
        )
        assert collection.status_code == 201, (vector, collection.content)
        created.append((vector, recipe_id, collection.json()["id"]))

    visitor = client_for(alpha)
    assert_safe(visitor.get("/recipes/"), "recipe list")
    assert_safe(owner.get("/recipes/collections/"), "collections")
    for index, (vector, recipe_id, collection_id) in enumerate(created):
        assert_safe(visitor.get(f"/recipes/{recipe_id}/"), vector)
        assert_safe(owner.get(f"/recipes/{recipe_id}/edit/"), vector)
        if index < 5:  # the same fields again, in other templates
            assert_safe(owner.get(f"/recipes/{recipe_id}/"), vector)
            assert_safe(visitor.get(f"/recipes/{recipe_id}/print/"), vector)
            assert_safe(owner.get(f"/recipes/collections/{collection_id}/"), vector)
    assert_safe(visitor.get("/recipes/", {"q": VECTORS[0]}), "search for a vector")


def test_a_recipe_source_link_cannot_break_out_of_its_attribute(alpha, owner, client_for):
    response = post_json(
        owner,
        "/api/v1/recipes/recipes/",
        {
            "title": "Soup",
            "servings": 2,
            "source_url": 'https://example.org/"><script>alert(1)</script>',
            "status": "published",
        },
    )
    assert response.status_code in (201, 400)
    if response.status_code == 201:
        assert_safe(client_for(alpha).get(f"/recipes/{response.json()['id']}/"), "source link")


@pytest.mark.parametrize("url", URL_VECTORS)
def test_a_recipe_source_link_refuses_script_urls(owner, url):
    response = post_json(
        owner,
        "/api/v1/recipes/recipes/",
        {"title": "Soup", "servings": 2, "source_url": url, "status": "published"},
    )
    assert response.status_code == 400, (url, response.content)
    assert "source_url" in response.json()["error"]["fields"]


def test_short_links_and_bookmarks_render_vectors_as_text(alpha, owner):
    links, marks = [], []
    for vector in VECTORS:
        link = post_json(
            owner,
            "/api/v1/links/short-links/",
            {
                "target_url": "https://example.org/page",
                "title": vector[:200],
                "tags": [vector[:50]],
            },
        )
        assert link.status_code == 201, (vector, link.content)
        links.append((vector, link.json()["id"]))
        mark = post_json(
            owner,
            "/api/v1/links/bookmarks/",
            {
                "url": "https://example.org/read",
                "title": vector[:300],
                "description": vector,
                "notes": vector,
                "tags": [vector[:50]],
                "is_shared": True,
            },
        )
        assert mark.status_code == 201, (vector, mark.content)
        marks.append((vector, mark.json()["id"]))
    for path in ("/links/", "/links/tags/", "/links/bookmarks/", "/links/bookmarks/?scope=shared"):
        assert_safe(owner.get(path), path)
    for vector, link_id in links:
        assert_safe(owner.get(f"/links/{link_id}/"), vector)
        assert_safe(owner.get(f"/links/{link_id}/edit/"), vector)
    for vector, mark_id in marks:
        assert_safe(owner.get(f"/links/bookmarks/{mark_id}/edit/"), vector)


@pytest.mark.parametrize("url", URL_VECTORS)
def test_short_links_and_bookmarks_refuse_script_urls(owner, url):
    link = post_json(owner, "/api/v1/links/short-links/", {"target_url": url})
    assert link.status_code == 400, (url, link.content)
    mark = post_json(owner, "/api/v1/links/bookmarks/", {"url": url})
    assert mark.status_code == 400, (url, mark.content)
    page = owner.post("/links/new/", {"target_url": url})
    assert page.status_code == 200  # the form again, with its error
    assert_safe(page, url)
    assert_safe(owner.get("/links/"), url)


@pytest.mark.usefixtures("_forget_branding")
@pytest.mark.parametrize("vector", VECTORS)
def test_branding_renders_vectors_as_text_on_every_page(alpha, owner, client_for, vector):
    response = owner.post(
        "/console/branding/",
        {
            "site_name": vector[:100],
            "tagline": vector[:200],
            "accent_color": "#0e7490",
            "timezone": "UTC",
            "language": "en",
            "currency": "EUR",
        },
    )
    assert response.status_code == 302, (vector, response.content)
    visitor = client_for(alpha)
    for path in ("/", "/recipes/", "/accounts/login/"):
        assert_safe(visitor.get(path), (vector, path))
    assert_safe(owner.get("/console/branding/"), vector)


@pytest.mark.usefixtures("_forget_branding")
@pytest.mark.parametrize(
    "accent",
    [
        "#fff;}body{background:url(javascript:alert(1))}",
        "red</style><script>alert(1)</script>",
        "#0e7490\n}*{x:expression(alert(1))}",
        "expression(alert(1))",
    ],
)
def test_the_accent_colour_is_a_colour_and_nothing_else(alpha, owner, client_for, accent):
    response = owner.post(
        "/console/branding/",
        {
            "site_name": "Alpha",
            "accent_color": accent,
            "timezone": "UTC",
            "language": "en",
            "currency": "EUR",
        },
    )
    assert_safe(response, accent, status=400)  # the form again, with its error
    assert b"Use a colour like #0e7490." in response.content or (
        b"Ensure this value has at most 7 characters" in response.content
    )
    home = client_for(alpha).get("/")
    assert_safe(home, accent)
    assert b"alert(1)" not in home.content


def test_a_members_name_renders_as_text_wherever_it_appears(alpha, owner, member_of, client_for):
    """Member profiles are the name on the account (set by the member or by staff)."""
    from shared_apps.accounts.models import User

    members = []
    for index, vector in enumerate(VECTORS):
        user = member_of(alpha, email=f"xss{index}@alpha.test", role=Role.MEMBER)
        with tenant_context(alpha):
            User.objects.filter(pk=user.pk).update(name=vector[:150])
        members.append((vector, user))
    recipe = post_json(
        owner, "/api/v1/recipes/recipes/", {"title": "Shared", "servings": 2, "status": "published"}
    ).json()["id"]
    for vector, user in members[:8]:
        client = client_for(alpha)
        client.force_login(user)
        assert (
            post_json(
                client, f"/api/v1/recipes/recipes/{recipe}/comments/", {"body": "Lovely"}
            ).status_code
            == 201
        ), vector
        assert_safe(client.get("/"), vector)
        assert_safe(client.get("/settings/api-tokens/"), vector)
    assert_safe(owner.get("/console/members/"), "members list")
    assert_safe(owner.get("/console/audit/"), "audit log")
    assert_safe(client_for(alpha).get(f"/recipes/{recipe}/"), "comment authors")


def test_the_finder_sees_what_it_must_refuse():
    """The checker itself: each of these would run script in a browser."""
    from django.conf import settings

    unsafe = [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href=" jav&#x09;ascript:alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        "<iframe src=//x>",
        '<p style="x">',
        '<meta http-equiv="refresh" content="0">',
    ]
    for html in unsafe:
        finder = Finder(settings.STATIC_URL)
        finder.feed(html)
        assert finder.problems, html
    finder = Finder(settings.STATIC_URL)
    finder.feed(
        '<script src="/static/htmx.min.js" defer></script><p>&lt;script&gt;alert(1)</p>'
        '<img src="data:image/png;base64,AAAA" alt="">'
    )
    assert not finder.problems
