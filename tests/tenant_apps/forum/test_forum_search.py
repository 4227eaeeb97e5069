"""Full-text search: ranking, snippets (escaped), filters, and what must never be found."""

import datetime as dt

import pytest
from django.db import connection
from forum_factories import make_category, make_reply, make_thread, opening_post

from tenant_apps.forum import selectors, services
from tenant_apps.forum.models import Post, Tag
from tenants.context import tenant_context

pytestmark = pytest.mark.usefixtures("in_alpha")


def search(user, **filters):
    return list(selectors.search_posts(user, selectors.SearchFilters(**filters)))


def test_title_matches_rank_above_body_matches_and_snippets_highlight(
    alpha, poster, reader, general
):
    make_thread(alpha, poster, general, title="Other", body="We talk about gardening a bit.")
    make_thread(alpha, poster, general, title="Gardening tips", body="Water in the morning.")
    results = search(reader, q="gardening")
    assert [p.thread.title for p in results] == ["Gardening tips", "Other"]
    assert "<mark>gardening</mark>" in str(selectors.snippet_html(results[1].snippet))


def test_snippets_escape_user_html(alpha, poster, reader, general):
    make_thread(alpha, poster, general, title="Xss", body="<img src=x onerror=alert(1)> tomato")
    [result] = search(reader, q="tomato")
    html = str(selectors.snippet_html(result.snippet))
    assert "<mark>tomato</mark>" in html
    bare = html.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in bare and ">" not in bare


def test_edits_keep_the_vector_current(alpha, poster, reader, general):
    thread = make_thread(alpha, poster, general, title="Plain", body="apples")
    services.edit_post(
        user=poster, post=opening_post(alpha, thread), body="pears", title="Renamed fruit"
    )
    assert search(reader, q="apples") == []
    assert len(search(reader, q="pears")) == 1 and len(search(reader, q="renamed")) == 1


def test_hidden_deleted_pending_and_private_posts_are_never_found(
    alpha, alpha_owner, poster, reader, moderator, general
):
    staff = make_category(alpha, alpha_owner, name="Staff", visibility="staff")
    thread = make_thread(alpha, poster, general, title="Visible", body="needle one")
    hidden = make_reply(alpha, poster, thread, body="needle hidden")
    deleted = make_reply(alpha, poster, thread, body="needle deleted")
    services.hide_post(acting_user=moderator, post=hidden)
    services.delete_post(user=poster, post=deleted)
    make_thread(alpha, moderator, staff, title="Staff", body="needle staff")
    assert [p.body for p in search(reader, q="needle")] == ["needle one"]
    assert "needle staff" in [p.body for p in search(moderator, q="needle")]


def test_filters_by_category_author_tag_and_date(alpha, alpha_owner, poster, reader, general):
    other = make_category(alpha, alpha_owner, name="Other")
    make_thread(alpha, poster, general, title="Bread one", body="sourdough", tags=["baking"])
    make_thread(alpha, reader, other, title="Bread two", body="sourdough")
    assert len(search(reader, q="sourdough", category=other)) == 1
    assert len(search(reader, q="sourdough", author=services.profile_for(reader))) == 1
    assert len(search(reader, q="sourdough", tag=Tag.objects.get(slug="baking"))) == 1
    Post.objects.filter(thread__title="Bread one").update(
        created_at=dt.datetime(2020, 1, 5, tzinfo=dt.UTC)
    )
    assert len(search(reader, q="sourdough", before=dt.date(2020, 1, 5))) == 1
    assert len(search(reader, q="sourdough", after=dt.date(2020, 1, 6))) == 1


def test_the_search_uses_the_gin_index(alpha, poster, reader, general):
    for index in range(30):
        make_thread(alpha, poster, general, title=f"Filler {index}", body="lorem ipsum")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM forum_post "
            "WHERE search_vector @@ websearch_to_tsquery('english', 'lorem')"
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "forum_post_search_gin" in plan


def test_beta_search_finds_nothing_of_alpha(alpha, beta, poster, general, owner_of):
    make_thread(alpha, poster, general, title="Alpha only", body="unicorn")
    with tenant_context(beta):
        assert search(owner_of(beta), q="unicorn") == []
