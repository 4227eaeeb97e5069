"""User Markdown renders to HTML with nothing executable left in it."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.template import Context, Template

from core.markdown import ALLOWED_TAGS, markdown_to_text, render_markdown

# A selection of the OWASP XSS filter evasion cheat sheet's vectors, typed as Markdown or HTML.
XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">',
    "<IMG SRC=" + "&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#5"
    "8;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '<svg/onload=alert("XSS")>',
    "<BODY ONLOAD=alert('XSS')>",
    '<iframe src="https://evil.example/"></iframe>',
    "<div style=\"background-image: url(javascript:alert('XSS'))\">",
    '<img src=x onerror="alert(1)">',
    '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(1);">',
    "[a](vbscript:msgbox(1))",
    '<object data="javascript:alert(1)">',
]


class _Elements(HTMLParser):
    """Every element and attribute a browser would build from the HTML."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_no_xss_vector_survives_rendering(vector):
    parser = _Elements()
    parser.feed(str(render_markdown(vector)))
    for tag, attributes in parser.elements:
        assert tag in ALLOWED_TAGS, (vector, tag)
        for name, value in attributes.items():
            assert not name.startswith("on") and name != "style", (vector, name)
            if name in ("href", "src"):
                scheme = urlsplit((value or "").strip()).scheme.lower()
                assert scheme in ("", "http", "https", "mailto"), (vector, value)


def test_markdown_features_render():
    html = str(
        render_markdown(
            "# Title\n\n**bold** and `code`\n\n```python\nx = 1\n```\n\n"
            "> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~"
        )
    )
    assert "<h1>Title</h1>" in html
    assert "<strong>bold</strong>" in html
    assert '<code class="language-python">' in html
    assert "<blockquote>" in html
    assert "<table>" in html
    assert "<del>old</del>" in html or "<s>old</s>" in html


def test_links_are_marked_as_user_content():
    html = str(render_markdown("[site](https://example.org/)"))
    assert 'href="https://example.org/"' in html
    assert 'rel="nofollow ugc noopener"' in html


def test_site_relative_images_are_kept():
    html = str(render_markdown("![cat](/media/alpha/cat.png)"))
    assert '<img src="/media/alpha/cat.png" alt="cat">' in html


def test_empty_source_renders_nothing():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_plain_text_drops_markup_and_is_cut():
    assert markdown_to_text("**Hello** _there_ & <b>you</b>") == "Hello there & <b>you</b>"
    assert markdown_to_text("word " * 100, limit=20).endswith("…")
    assert len(markdown_to_text("word " * 100, limit=20)) == 20


def test_template_filter_renders_safely():
    out = Template("{% load rendering %}{{ body|markdown }}").render(
        Context({"body": "*hi* <script>x</script>"})
    )
    assert "<em>hi</em>" in out
    assert "<script>" not in out


def test_known_mentions_become_links_and_others_stay_text():
    html = render_markdown(
        "Thanks @Ada and @nobody, mail a@ada.org, see https://x.org/@ada, `@ada` in code, "
        "[already @ada](https://example.org)",
        mentions={"ada": "/forum/u/Ada/"},
    )
    assert html.count('href="/forum/u/Ada/"') == 1
    assert '<a href="/forum/u/Ada/" rel="nofollow ugc noopener">@Ada</a>' in html
    assert "@nobody" in html and "/forum/u/nobody" not in html
    assert "<code>@ada</code>" in html
    assert "a@ada.org" in html and "https://x.org/@ada" in html


def test_mentions_cannot_smuggle_markup_or_schemes():
    html = render_markdown(
        "@ada <script>alert(1)</script>", mentions={"ada": "javascript:alert(1)"}
    )
    assert "javascript:" not in html and "<script>" not in html
    assert render_markdown("no mentions", mentions={}) == render_markdown("no mentions")
