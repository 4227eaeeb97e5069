"""Markdown written by users, rendered to HTML that is safe to put in any page.

Two layers, so that a mistake in one is caught by the other: markdown-it renders CommonMark with
raw HTML switched off (a `<script>` typed by a user comes out as text), then nh3 (the ammonia
sanitizer) keeps only an allow-list of tags, attributes and URL schemes. Links get
`rel="nofollow ugc noopener"` so that user content passes no search ranking and cannot reach
`window.opener`. Images are allowed (forum posts, task descriptions embed uploads) but only from
http(s) or site-relative URLs.
"""

import re
from collections.abc import Mapping
from functools import lru_cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

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
# "@handle" not inside a word, an e-mail address or a URL path.
MENTION = re.compile(r"(?<![\w@/.])@([a-z0-9][a-z0-9_-]{0,29})", re.IGNORECASE)


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


def render_markdown(source: str | None, *, mentions: Mapping[str, str] | None = None) -> SafeString:
    """HTML for the user's Markdown `source`, sanitized; empty input gives an empty string.

    `mentions` maps lower-case handles to profile URLs: each "@handle" of the text (not in code,
    not already inside a link) whose handle is a key becomes a link to its URL; others stay text.
    """
    if not source:
        return mark_safe("")
    parser = _parser()
    if mentions:
        tokens = parser.parse(source[:MAX_SOURCE_LENGTH])
        for token in tokens:
            if token.type == "inline" and token.children:
                token.children = _link_mentions(token.children, mentions)
        html = parser.renderer.render(tokens, parser.options, {})
    else:
        html = parser.render(source[:MAX_SOURCE_LENGTH])
    return mark_safe(sanitize_html(html))  # noqa: S308 (sanitized just above)


def _link_mentions(children: list[Token], mentions: Mapping[str, str]) -> list[Token]:
    result: list[Token] = []
    link_depth = 0
    for token in children:
        if token.type == "link_open":
            link_depth += 1
        elif token.type == "link_close":
            link_depth -= 1
        if token.type != "text" or link_depth or "@" not in token.content:
            result.append(token)
            continue
        text, position = token.content, 0
        for match in MENTION.finditer(text):
            url = mentions.get(match.group(1).lower())
            if url is None:
                continue
            if match.start() > position:
                result.append(Token("text", "", 0, content=text[position : match.start()]))
            result.append(Token("link_open", "a", 1, attrs={"href": url}))
            result.append(Token("text", "", 0, content=match.group(0)))
            result.append(Token("link_close", "a", -1))
            position = match.end()
        if position < len(text):
            result.append(Token("text", "", 0, content=text[position:]))
    return result


def markdown_to_text(source: str | None, *, limit: int = 300) -> str:
    """Plain text of the Markdown `source` (for excerpts, emails' text part, search snippets)."""
    if not source:
        return ""
    text = nh3.clean(_parser().render(source[:MAX_SOURCE_LENGTH]), tags=set())
    text = " ".join(text.split())
    from html import unescape

    text = unescape(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
