"""Markdown written by users, rendered to HTML that is safe to put in any page.

Two layers, so that a mistake in one is caught by the other: markdown-it renders CommonMark with
raw HTML switched off (a `<script>` typed by a user comes out as text), then nh3 (the ammonia
sanitizer) keeps only an allow-list of tags, attributes and URL schemes. Links get
`rel="nofollow ugc noopener"` so that user content passes no search ranking and cannot reach
`window.opener`. Images are allowed (forum posts, task descriptions embed uploads) but only from
http(s) or site-relative URLs.
"""

from functools import lru_cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

MAX_SOURCE_LENGTH = 100_000  # characters; longer input is cut rather than rendered for seconds

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "code": {"class"},  # "language-python" from fenced blocks, for highlighting
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return (
        MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
        .enable("table")
        .enable("strikethrough")
    )


def sanitize_html(html: str) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes of `html`."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )


def render_markdown(source: str | None) -> SafeString:
    """HTML for the user's Markdown `source`, sanitized; empty input gives an empty string."""
    if not source:
        return mark_safe("")
    html = _parser().render(source[:MAX_SOURCE_LENGTH])
    return mark_safe(sanitize_html(html))  # noqa: S308 (sanitized just above)


def markdown_to_text(source: str | None, *, limit: int = 300) -> str:
    """Plain text of the Markdown `source` (for excerpts, emails' text part, search snippets)."""
    if not source:
        return ""
    text = nh3.clean(_parser().render(source[:MAX_SOURCE_LENGTH]), tags=set())
    text = " ".join(text.split())
    from html import unescape

    text = unescape(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
