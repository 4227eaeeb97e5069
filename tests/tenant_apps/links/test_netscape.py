from datetime import UTC, datetime
from pathlib import Path

import pytest

from tenant_apps.links.netscape import Bookmark, export_bookmarks, parse_bookmarks

DATA = Path(__file__).parent / "data"


def _read(name: str) -> list[Bookmark]:
    return parse_bookmarks((DATA / name).read_text(encoding="utf-8"))


def _at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def test_firefox_export_reads_links_folders_tags_and_descriptions():
    bookmarks = _read("firefox_bookmarks.html")

    assert len(bookmarks) == 12
    assert bookmarks[0] == Bookmark(
        url="https://support.mozilla.org/products/firefox",
        title="Get Help",
        add_date=_at(1683112345),
        last_modified=_at(1683112345),
        folders=("Mozilla Firefox",),
    )
    loose = bookmarks[3]
    assert loose.title == "Crème brûlée - Wikipedia"
    assert loose.folders == ()
    assert loose.tags == ("dessert", "french")
    cookies = bookmarks[6]
    assert cookies.title == "The Food Lab's Chocolate Chip Cookies"
    assert cookies.folders == ("Bookmarks Toolbar", "Recipes & Cooking")
    assert cookies.tags == ("baking", "cookies")
    assert cookies.description == "Brown the butter & rest the dough for 24\u00a0hours <worth it>."
    miso = bookmarks[7]
    assert miso.folders == ("Bookmarks Toolbar", "Recipes & Cooking", "日本料理")
    assert miso.tags == ("味噌", "soup")
    assert miso.title == "味噌汁 Miso Soup \u2013 Just One Cookbook"
    assert bookmarks[8].folders == ("Bookmarks Toolbar", "Recipes & Cooking")
    assert bookmarks[9].folders == ("Bookmarks Toolbar",)
    assert bookmarks[10].title == 'Suche: "quoted" — Übersicht'
    assert bookmarks[10].url == "https://example.com/search?q=%22quoted%22&lang=de"
    assert bookmarks[11].folders == ("Other Bookmarks",)


def test_firefox_folder_description_is_not_given_to_a_link():
    bookmarks = _read("firefox_bookmarks.html")

    assert all("Bookmarks Toolbar" not in b.description for b in bookmarks)
    assert bookmarks[3].description == ""


def test_firefox_place_queries_are_returned_for_the_caller_to_vet():
    bookmarks = _read("firefox_bookmarks.html")

    assert bookmarks[4].url == "place:sort=8&maxResults=10"


def test_chrome_export_reads_nested_folders_and_root_links():
    bookmarks = _read("chrome_bookmarks.html")

    assert [b.folders for b in bookmarks] == [
        ("Bookmarks bar",),
        ("Bookmarks bar",),
        ("Bookmarks bar", "Dev"),
        ("Bookmarks bar", "Dev", "Django & Python"),
        ("Bookmarks bar", "Dev", "Django & Python"),
        ("Bookmarks bar",),
        (),
        (),
        ("Mobile bookmarks",),
    ]
    assert bookmarks[0].add_date == _at(1609459300)
    assert bookmarks[0].last_modified is None
    assert bookmarks[2].title.startswith("<dl>: The Description List element")
    assert bookmarks[4].url.endswith("?tab=readme-ov-file&utm_source=x")
    assert bookmarks[7].title == "北京烤鸭 - 维基百科\uff0c自由的百科全书"
    assert bookmarks[8].url == "https://m.youtube.com/watch?v=dQw4w9WgXcQ&t=42s"


@pytest.mark.parametrize("name", ["firefox_bookmarks.html", "chrome_bookmarks.html"])
def test_export_then_parse_gives_the_same_bookmarks(name):
    bookmarks = _read(name)

    exported = export_bookmarks(bookmarks)

    assert parse_bookmarks(exported) == bookmarks
    assert export_bookmarks(parse_bookmarks(exported)) == exported


def test_pinboard_and_linkding_attributes():
    html = """<!DOCTYPE NETSCAPE-Bookmark-file-1>
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Pinboard Bookmarks</TITLE>
<H1>Bookmarks</H1>
<DL><p><DT><A HREF="https://example.org/a" ADD_DATE="1700000000" PRIVATE="1" TOREAD="1"
 TAGS="read-later,python">A</A>
<DD>first line
second line
<DT><A HREF="https://example.org/b" ADD_DATE="1700000001" PRIVATE="0" TOREAD="0" TAGS="">B</A>
</DL></p>"""

    a, b = parse_bookmarks(html)

    assert (a.is_private, a.to_read, a.tags) == (True, True, ("read-later", "python"))
    assert a.description == "first line\nsecond line"
    assert (b.is_private, b.to_read, b.tags, b.description) == (False, False, (), "")


def test_sloppy_markup_lowercase_unclosed_tags_and_odd_dates():
    html = """<dl><p>
    <dt><a href="https://example.org/1" add_date="1700000000000">Millis
    <dt><a href="https://example.org/2" add_date="1700000000000000">Micros</a>
    <dt><a href="https://example.org/3" add_date="soon">Bad date</a>
    <dt><a href="https://example.org/4" add_date="0">Zero</a>
    <dt><a>No href</a>
    <dt><h3>Safari Folder</h3>
    <dl><p><dt><a href="https://example.org/5">  Spaced
        title  </a></dl>
    <dt><a href="https://example.org/6">Back at root</a>
    </dl>"""

    bookmarks = parse_bookmarks(html)

    assert [b.url[-1] for b in bookmarks] == ["1", "2", "3", "4", "5", "6"]
    assert bookmarks[0].title == "Millis"
    assert bookmarks[0].add_date == _at(1700000000)
    assert bookmarks[1].add_date == _at(1700000000)
    assert bookmarks[2].add_date is None
    assert bookmarks[3].add_date is None
    assert bookmarks[4].title == "Spaced title"
    assert bookmarks[4].folders == ("Safari Folder",)
    assert bookmarks[5].folders == ()


@pytest.mark.parametrize("html", ["", "not html at all", "<dl>", "</dl></dl><dd>x"])
def test_garbage_gives_no_bookmarks(html):
    assert parse_bookmarks(html) == []


def test_export_escapes_and_keeps_interleaved_folder_order():
    bookmarks = [
        Bookmark(
            url='https://example.org/?a=1&b="2"',
            title="Fish & <Chips>",
            add_date=_at(1700000000),
            last_modified=_at(1700000100),
            tags=("food", "uk"),
            description="Line one & two\n  <indented> line",
            folders=("Food & Drink", "UK"),
            is_private=True,
            to_read=True,
        ),
        Bookmark(url="https://example.org/root"),
        Bookmark(url="https://example.org/again", folders=("Food & Drink",)),
        Bookmark(url="https://example.org/deep", folders=("Food & Drink", "UK", "London")),
    ]

    exported = export_bookmarks(bookmarks)

    assert exported.startswith("<!DOCTYPE NETSCAPE-Bookmark-file-1>\n")
    assert 'HREF="https://example.org/?a=1&amp;b=&quot;2&quot;"' in exported
    assert ">Fish &amp; &lt;Chips&gt;</A>" in exported
    assert 'PRIVATE="1" TOREAD="1" TAGS="food,uk"' in exported
    assert "<DT><H3>Food &amp; Drink</H3>" in exported
    assert parse_bookmarks(exported) == bookmarks


def test_export_of_nothing_is_a_valid_empty_file():
    exported = export_bookmarks([])

    assert "<DL><p>" in exported
    assert parse_bookmarks(exported) == []
