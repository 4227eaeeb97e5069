"""Bookmarks: saving, search and filters, tags, bulk edit, import/export and the bookmarklet."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from links_factories import make_bookmark, make_link

from tenant_apps.links import netscape, services
from tenant_apps.links.models import Bookmark, Tag
from tenants.context import tenant_context

DATA = Path(__file__).parent / "data"


def test_member_saves_a_bookmark_from_the_bookmarklet_url(alpha, linker, as_user):
    client = as_user(linker)
    form = client.get("/links/bookmarks/new/?url=https://example.org/read&title=A+good+read")
    assert b'value="https://example.org/read"' in form.content
    response = client.post(
        "/links/bookmarks/new/",
        {"url": "https://example.org/read", "title": "A good read", "tags": "python web",
         "notes": "chapter 3", "is_unread": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    with tenant_context(alpha):
        bookmark = Bookmark.objects.get()
        assert bookmark.owner == linker and bookmark.is_unread and not bookmark.is_shared
        assert sorted(t.name for t in bookmark.tags.all()) == ["python", "web"]
    listing = client.get("/links/bookmarks/")
    assert b"A good read" in listing.content and b"javascript:" in listing.content


def test_saving_the_same_url_twice_updates_the_bookmark(alpha, linker):
    make_bookmark(alpha, linker, title="One")
    make_bookmark(alpha, linker, title="Two")
    with tenant_context(alpha):
        assert list(Bookmark.objects.values_list("title", flat=True)) == ["Two"]


def test_bookmark_with_a_bad_url_gets_a_field_error(alpha, linker, as_user):
    response = as_user(linker).post("/links/bookmarks/new/", {"url": "javascript:alert(1)"})
    assert response.status_code == 200
    assert "Only http" in response.context["form"].errors["url"][0]


def test_search_and_filters(alpha, linker, as_user):
    make_bookmark(alpha, linker, url="https://a.example/", title="Sourdough", tags=["baking"])
    make_bookmark(alpha, linker, url="https://b.example/", title="Kubernetes", is_unread=True)
    make_bookmark(alpha, linker, url="https://c.example/", title="Old news", is_archived=True)
    client = as_user(linker)
    assert b"Sourdough" in client.get("/links/bookmarks/?q=sourdough").content
    assert b"Kubernetes" not in client.get("/links/bookmarks/?q=sourdough").content
    assert b"Sourdough" in client.get("/links/bookmarks/?tag=baking").content
    unread = client.get("/links/bookmarks/?state=unread").content
    assert b"Kubernetes" in unread and b"Sourdough" not in unread
    assert b"Old news" not in client.get("/links/bookmarks/").content
    assert b"Old news" in client.get("/links/bookmarks/?state=archived").content


def test_private_bookmarks_stay_private_and_shared_ones_are_listed(
    alpha, linker, other_linker, as_user
):
    private = make_bookmark(alpha, linker, url="https://private.example/", title="Diary")
    make_bookmark(alpha, linker, url="https://shared.example/", title="Team wiki", is_shared=True)
    client = as_user(other_linker)
    shared = client.get("/links/bookmarks/?scope=shared").content
    assert b"Team wiki" in shared and b"Diary" not in shared
    assert client.get(f"/links/bookmarks/{private.pk}/edit/").status_code == 404
    assert client.post(f"/links/bookmarks/{private.pk}/delete/").status_code == 404
    api = client.get("/api/v1/links/bookmarks/?scope=shared").json()
    assert [b["title"] for b in api["results"]] == ["Team wiki"]
    assert client.get(f"/api/v1/links/bookmarks/{private.pk}/").status_code == 404


def test_bulk_edit_of_tags(alpha, linker, other_linker, as_user):
    one = make_bookmark(alpha, linker, url="https://1.example/", tags=["old"])
    two = make_bookmark(alpha, linker, url="https://2.example/", tags=["old", "keep"])
    theirs = make_bookmark(alpha, other_linker, url="https://3.example/", tags=["old"])
    response = as_user(linker).post(
        "/links/bookmarks/", {"ids": [one.pk, two.pk, theirs.pk], "add": "new", "remove": "old"}
    )
    assert response.status_code == 302
    with tenant_context(alpha):
        assert sorted(t.name for t in one.tags.all()) == ["new"]
        assert sorted(t.name for t in two.tags.all()) == ["keep", "new"]
        assert [t.name for t in theirs.tags.all()] == ["old"]
    empty = as_user(linker).post("/links/bookmarks/", {"add": "x"})
    assert empty.status_code == 200 and b"Select at least one" in empty.content


def test_moderator_renames_and_merges_tags_member_may_not(
    alpha, linker, link_moderator, as_user, alpha_owner
):
    make_bookmark(alpha, linker, url="https://1.example/", tags=["js"])
    make_bookmark(alpha, linker, url="https://2.example/", tags=["javascript"])
    make_link(alpha, alpha_owner, alias="tagged", tags=["js"])
    with tenant_context(alpha):
        js = Tag.objects.get(name="js")
    assert as_user(linker).post("/links/tags/", {"tag": js.pk, "name": "x"}).status_code == 403
    response = as_user(link_moderator).post("/links/tags/", {"tag": js.pk, "name": "JavaScript"})
    assert response.status_code == 302
    with tenant_context(alpha):
        assert list(Tag.objects.values_list("name", flat=True)) == ["javascript"]
        tag = Tag.objects.get()
        assert tag.bookmarks.count() == 2 and tag.short_links.count() == 1
        services.rename_tag(user=link_moderator, tag=tag, name="JS")
        assert Tag.objects.get().name == "JS"
    bad = as_user(link_moderator).post("/links/tags/", {"tag": tag.pk, "name": ""})
    assert bad.status_code == 200 and b"Enter a tag name" in bad.content


def test_import_a_real_firefox_export_keeps_tags_dates_and_folders(alpha, linker, as_user):
    html = (DATA / "firefox_bookmarks.html").read_bytes()
    response = as_user(linker).post(
        "/links/bookmarks/import/",
        {"file": SimpleUploadedFile("bookmarks.html", html, content_type="text/html")},
    )
    assert response.status_code == 302
    expected = [b for b in netscape.parse_bookmarks(html.decode()) if b.url.startswith("http")]
    with tenant_context(alpha):
        assert Bookmark.objects.count() == len({b.url for b in expected})
        brulee = Bookmark.objects.get(url__contains="Cr%C3%A8me")
        assert {"dessert", "french"} <= {t.name for t in brulee.tags.all()}
        assert brulee.created_at.year == 2023
        nested = Bookmark.objects.get(url__contains="seriouseats")
        assert nested.folder and {"baking", "cookies"} <= {t.name for t in nested.tags.all()}
    again = as_user(linker).post(
        "/links/bookmarks/import/",
        {"file": SimpleUploadedFile("bookmarks.html", html, content_type="text/html")},
    )
    assert again.status_code == 302
    with tenant_context(alpha):
        assert Bookmark.objects.count() == len({b.url for b in expected})


def test_import_a_real_chrome_export_and_export_it_back(alpha, linker, as_user):
    html = (DATA / "chrome_bookmarks.html").read_text()
    with tenant_context(alpha):
        result = services.import_bookmarks(user=linker, html=html)
    assert result["created"] == len({b.url for b in netscape.parse_bookmarks(html)})
    exported = as_user(linker).get("/links/bookmarks/export/")
    assert exported["Content-Disposition"] == 'attachment; filename="bookmarks.html"'
    round_trip = netscape.parse_bookmarks(exported.content.decode())
    original = {b.url: b for b in netscape.parse_bookmarks(html)}
    assert {b.url for b in round_trip} == set(original)
    for bookmark in round_trip:
        assert bookmark.folders == original[bookmark.url].folders
        assert bookmark.add_date == original[bookmark.url].add_date


def test_import_refuses_a_file_that_is_not_a_bookmark_export(alpha, linker, as_user):
    response = as_user(linker).post(
        "/links/bookmarks/import/",
        {"file": SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")},
    )
    assert response.status_code == 200
    assert "No bookmarks found" in response.context["form"].errors["file"][0]


def test_bookmark_list_query_count_stays_flat(
    alpha, linker, as_user, django_assert_max_num_queries
):
    for index in range(15):
        make_bookmark(alpha, linker, url=f"https://{index}.example/", tags=["a", f"t{index}"])
    client = as_user(linker)
    client.get("/links/bookmarks/")
    with django_assert_max_num_queries(12):
        response = client.get("/links/bookmarks/")
    assert response.status_code == 200 and b"https://14.example/" in response.content
