"""Read and write the Netscape Bookmark File format that every browser exports.

Pure Python (no Django). The format is loose HTML: ``<DT>`` and ``<p>`` are never
closed, folders are ``<H3>`` followed by a ``<DL>``, and a ``<DD>`` after a link is
its description. Firefox, Chrome, Safari, Pinboard and linkding each add their own
attributes; this module reads the ones that matter for a link collection.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from html import escape
from html.parser import HTMLParser

__all__ = ["Bookmark", "export_bookmarks", "parse_bookmarks"]


@dataclass(frozen=True, slots=True)
class Bookmark:
    """One bookmarked link.

    ``folders`` is the path of folder names from the top of the file ("Bookmarks
    Toolbar", "Recipes"); dates are aware UTC datetimes at whole seconds, or ``None``;
    ``tags`` are stripped, without commas, in file order, without duplicates.
    """

    url: str
    title: str = ""
    add_date: datetime | None = None
    last_modified: datetime | None = None
    tags: tuple[str, ...] = ()
    description: str = ""
    folders: tuple[str, ...] = ()
    is_private: bool = False
    to_read: bool = False


def _timestamp(value: str | None) -> datetime | None:
    """Seconds since the epoch; milli- and microsecond values are recognised by size."""
    if not value:
        return None
    try:
        number = int(value.strip())
    except ValueError:
        return None
    if number <= 0:
        return None
    if number > 10**14:  # microseconds (Firefox's PRTime in some old exports)
        number //= 10**6
    elif number > 10**11:  # milliseconds
        number //= 10**3
    try:
        return datetime.fromtimestamp(number, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes")


def _tags(value: str | None) -> tuple[str, ...]:
    tags: list[str] = []
    for raw in (value or "").split(","):
        tag = raw.strip()
        if tag and tag not in tags:
            tags.append(tag)
    return tuple(tags)


class _BookmarkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bookmarks: list[Bookmark] = []
        self._folders: list[str | None] = []  # one entry per open <DL>
        self._pending_folder: str | None = None
        self._link_attrs: dict[str, str | None] | None = None
        self._text: list[str] | None = None  # text of the open <A> or <H3>
        self._in_heading = False
        self._description: list[str] | None = None  # text of the open <DD>
        self._last_index: int | None = None  # bookmark a <DD> would describe

    # -- helpers ---------------------------------------------------------------------

    def _end_description(self) -> None:
        if self._description is not None and self._last_index is not None:
            text = "".join(self._description).strip()
            if text:
                bookmark = self.bookmarks[self._last_index]
                self.bookmarks[self._last_index] = replace(bookmark, description=text)
        self._description = None
        self._last_index = None

    def _end_link(self) -> None:
        attrs = self._link_attrs
        if attrs is None:
            return
        self._link_attrs = None
        title = " ".join("".join(self._text or []).split())
        self._text = None
        url = (attrs.get("href") or "").strip()
        if not url:
            return
        self.bookmarks.append(
            Bookmark(
                url=url,
                title=title,
                add_date=_timestamp(attrs.get("add_date")),
                last_modified=_timestamp(attrs.get("last_modified")),
                tags=_tags(attrs.get("tags")),
                folders=tuple(name for name in self._folders if name is not None),
                is_private=_flag(attrs.get("private")),
                to_read=_flag(attrs.get("toread")),
            )
        )
        self._last_index = len(self.bookmarks) - 1

    # -- HTMLParser hooks --------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("dt", "dl", "h3", "a", "hr"):
            self._end_link()  # an unclosed <A> ends where the next item starts
            self._end_description()
        if tag == "a":
            self._link_attrs = dict(attrs)
            self._text = []
            self._pending_folder = None
        elif tag == "h3":
            self._in_heading = True
            self._text = []
        elif tag == "dl":
            self._folders.append(self._pending_folder)
            self._pending_folder = None
        elif tag == "dd":
            if self._last_index is not None:
                self._description = []
        elif tag == "br" and self._description is not None:
            self._description.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._end_link()
        elif tag == "h3" and self._in_heading:
            self._in_heading = False
            self._pending_folder = " ".join("".join(self._text or []).split())
            self._text = None
        elif tag == "dl":
            self._end_link()
            self._end_description()
            if self._folders:
                self._folders.pop()

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)
        elif self._description is not None:
            self._description.append(data)

    def close(self) -> None:
        super().close()
        self._end_link()
        self._end_description()


def parse_bookmarks(html: str) -> list[Bookmark]:
    """Every link in a Netscape bookmark file, in file order.

    Tolerates the format's unclosed ``<DT>``/``<p>`` and any case of tags and
    attributes. Reads ``HREF``, the title, ``ADD_DATE`` and ``LAST_MODIFIED`` (seconds;
    milli/microseconds recognised), ``TAGS`` (comma separated: Firefox, Pinboard,
    linkding), ``PRIVATE`` and ``TOREAD`` (Pinboard, linkding), a ``<DD>`` description
    following the link, and the ``<H3>`` folder path. Folder descriptions are ignored, as
    are links without ``HREF``; other URLs (``place:``, ``javascript:``) are returned
    as they are, for the caller to vet. Never raises for string input.
    """
    parser = _BookmarkParser()
    parser.feed(html)
    parser.close()
    return parser.bookmarks


_HEADER = """<!DOCTYPE NETSCAPE-Bookmark-file-1>
<!-- This is an automatically generated file.
     It will be read and overwritten.
     DO NOT EDIT! -->
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks</H1>
"""


def _attr(value: str) -> str:
    return escape(value, quote=True)


def _text(value: str) -> str:
    # Line breaks inside a description are written as <BR> so indentation cannot leak in.
    return "<BR>".join(escape(line, quote=False) for line in value.split("\n"))


def export_bookmarks(bookmarks: list[Bookmark]) -> str:
    """Write bookmarks as a Netscape bookmark file that browsers and services import.

    Order is kept exactly: consecutive bookmarks share folders, and a folder is closed
    and opened again when the list leaves and re-enters it. Text and attributes are
    HTML-escaped. ``parse_bookmarks(export_bookmarks(x)) == x`` for bookmarks as
    :func:`parse_bookmarks` returns them.
    """
    lines = [_HEADER.rstrip("\n"), "<DL><p>"]
    current: list[str] = []
    for bookmark in bookmarks:
        target = list(bookmark.folders)
        common = 0
        while common < min(len(current), len(target)) and current[common] == target[common]:
            common += 1
        while len(current) > common:
            current.pop()
            lines.append("    " * (len(current) + 1) + "</DL><p>")
        for name in target[common:]:
            indent = "    " * (len(current) + 1)
            lines.append(f"{indent}<DT><H3>{escape(name, quote=False)}</H3>")
            lines.append(f"{indent}<DL><p>")
            current.append(name)
        indent = "    " * (len(current) + 1)
        attrs = [f'HREF="{_attr(bookmark.url)}"']
        if bookmark.add_date is not None:
            attrs.append(f'ADD_DATE="{int(bookmark.add_date.timestamp())}"')
        if bookmark.last_modified is not None:
            attrs.append(f'LAST_MODIFIED="{int(bookmark.last_modified.timestamp())}"')
        if bookmark.is_private:
            attrs.append('PRIVATE="1"')
        if bookmark.to_read:
            attrs.append('TOREAD="1"')
        if bookmark.tags:
            attrs.append(f'TAGS="{_attr(",".join(bookmark.tags))}"')
        lines.append(f"{indent}<DT><A {' '.join(attrs)}>{escape(bookmark.title, quote=False)}</A>")
        if bookmark.description:
            lines.append(f"{indent}<DD>{_text(bookmark.description)}")
    while current:
        current.pop()
        lines.append("    " * (len(current) + 1) + "</DL><p>")
    lines.append("</DL><p>")
    return "\n".join(lines) + "\n"
