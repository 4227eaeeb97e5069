"""The forum's pages: what each role sees and may do, form errors, query counts."""

from forum_factories import make_category, make_reply, make_thread, opening_post, png_upload

from tenant_apps.forum import services
from tenant_apps.forum.models import Category, Post, Report, Thread
from tenants.context import tenant_context


def test_empty_forum_tells_an_admin_what_to_do(alpha, alpha_owner, as_user, client_for):
    page = as_user(alpha_owner).get("/forum/")
    assert page.status_code == 200 and b"New category" in page.content
    anon = client_for(alpha).get("/forum/")
    assert b"has not set up the forum yet" in anon.content


def test_anonymous_visitor_reads_public_categories_only(alpha, alpha_owner, poster, client_for):
    public = make_category(alpha, alpha_owner, name="Public")
    private = make_category(alpha, alpha_owner, name="Members room", visibility="members")
    shown = make_thread(alpha, poster, public, title="Open thread")
    hidden = make_thread(alpha, poster, private, title="Members only thread")
    anon = client_for(alpha)
    listing = anon.get("/forum/")
    assert b"Open thread" in listing.content and b"Members only thread" not in listing.content
    assert anon.get(f"/forum/t/{shown.pk}/").status_code == 200
    assert anon.get(f"/forum/t/{hidden.pk}/").status_code == 404
    assert anon.get("/forum/c/members-room/").status_code == 404
    assert anon.get("/forum/new/").status_code == 302  # to log in
    assert anon.post(f"/forum/t/{shown.pk}/reply/", {"body": "hi"}).status_code == 302


def test_member_of_another_tenant_sees_nothing(alpha, beta, alpha_owner, poster, owner_of, as_user):
    category = make_category(alpha, alpha_owner, name="Public")
    thread = make_thread(alpha, poster, category, title="Alpha secret plans")
    client = as_user(owner_of(beta), beta)
    assert client.get(f"/forum/t/{thread.pk}/").status_code == 404
    assert b"Alpha secret plans" not in client.get("/forum/").content
    assert client.get("/forum/search/?q=secret").status_code == 200
    assert b"Alpha secret" not in client.get("/forum/search/?q=secret").content
    assert client.get(f"/api/v1/forum/threads/{thread.pk}/").status_code == 404


def test_member_starts_a_thread_and_bad_input_gets_a_field_error(alpha, poster, general, as_user):
    client = as_user(poster)
    bad = client.post("/forum/new/", {"category": general.pk, "title": "x", "body": ""})
    assert bad.status_code == 400 and b"field--invalid" in bad.content
    good = client.post(
        "/forum/new/",
        {"category": general.pk, "title": "Hello there", "body": "**Hi**", "tags": "intro"},
    )
    assert good.status_code == 302
    with tenant_context(alpha):
        thread = Thread.objects.get(title="Hello there")
        assert thread.tags.count() == 1
    page = client.get(good["Location"])
    assert b"<strong>Hi</strong>" in page.content and b"#intro" in page.content


def test_posts_are_sanitized_markdown(alpha, poster, general, client_for):
    body = "<script>alert(1)</script>\n\n[x](javascript:alert(1))\n\n```python\nprint(1)\n```"
    thread = make_thread(alpha, poster, general, body=body)
    page = client_for(alpha).get(f"/forum/t/{thread.pk}/")
    assert b"<script>alert" not in page.content
    assert b'href="javascript' not in page.content
    assert b'<code class="language-python">' in page.content


def test_reply_quote_and_reply_to(alpha, poster, reader, general, as_user):
    thread = make_thread(alpha, poster, general, body="Quote me")
    post = opening_post(alpha, thread)
    client = as_user(reader)
    page = client.get(f"/forum/t/{thread.pk}/?quote={post.pk}")
    assert b"&gt; Quote me" in page.content
    response = client.post(
        f"/forum/t/{thread.pk}/reply/", {"body": "> Quote me\n\nAgreed", "reply_to": post.pk}
    )
    assert response.status_code == 302 and response["Location"].startswith("/forum/p/")
    assert "#post-" in client.get(response["Location"])["Location"]
    with tenant_context(alpha):
        reply = Post.objects.get(thread=thread, is_opening=False)
    assert reply.reply_to_id == post.pk
    empty = client.post(f"/forum/t/{thread.pk}/reply/", {"body": ""})
    assert empty.status_code == 400


def test_new_since_last_visit_marker(alpha, poster, reader, general, as_user):
    thread = make_thread(alpha, poster, general)
    client = as_user(reader)
    assert b"New since your last visit" not in client.get(f"/forum/t/{thread.pk}/").content
    make_reply(alpha, poster, thread, body="Fresh news")
    listing = client.get("/forum/")
    assert b"New posts" in listing.content
    assert b"New since your last visit" in client.get(f"/forum/t/{thread.pk}/").content
    assert b"New since your last visit" not in client.get(f"/forum/t/{thread.pk}/").content


def test_vote_with_htmx_returns_the_widget(alpha, poster, reader, general, as_user):
    thread = make_thread(alpha, poster, general)
    post = opening_post(alpha, thread)
    client = as_user(reader)
    response = client.post(f"/forum/p/{post.pk}/vote/", {"value": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b'aria-pressed="true"' in response.content
    bad = client.post(f"/forum/p/{post.pk}/vote/", {"value": "7"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 400
    own = as_user(poster).post(f"/forum/p/{post.pk}/vote/", {"value": "1"})
    assert own.status_code == 403


def test_edit_page_and_history(alpha, poster, reader, general, as_user, client_for):
    thread = make_thread(alpha, poster, general, body="Old text")
    post = opening_post(alpha, thread)
    assert as_user(reader).get(f"/forum/p/{post.pk}/edit/").status_code == 403
    client = as_user(poster)
    stale = client.post(
        f"/forum/p/{post.pk}/edit/",
        {"title": "Hello world", "body": "New text", "version": "0", "tags": ""},
    )
    assert stale.status_code == 409 and b"Someone else edited" in stale.content
    saved = client.post(
        f"/forum/p/{post.pk}/edit/",
        {"title": "Hello world", "body": "New text", "version": "1", "tags": ""},
    )
    assert saved.status_code == 302
    history = client_for(alpha).get(f"/forum/p/{post.pk}/history/")
    assert b"Old text" in history.content and b"New text" in history.content


def test_report_form_and_moderation_queue(alpha, poster, reader, moderator, general, as_user):
    thread = make_thread(alpha, poster, general)
    post = opening_post(alpha, thread)
    client = as_user(reader)
    assert client.post(f"/forum/p/{post.pk}/report/", {"reason": "bogus"}).status_code == 400
    assert client.post(f"/forum/p/{post.pk}/report/", {"reason": "spam"}).status_code == 302
    assert client.get("/forum/moderation/").status_code == 403
    queue = as_user(moderator).get("/forum/moderation/")
    assert queue.status_code == 200 and b"Spam" in queue.content
    with tenant_context(alpha):
        report = Report.objects.get()
    as_user(moderator).post(f"/forum/moderation/reports/{report.pk}/", {"hide": "1"})
    with tenant_context(alpha):
        assert Post.objects.get(pk=post.pk).is_hidden
    page = client.get(f"/forum/t/{thread.pk}/")
    assert b"Hidden by a moderator" in page.content and b"First post" not in page.content


def test_moderator_tools_on_the_thread_page(
    alpha, alpha_owner, poster, moderator, general, as_user
):
    other = make_category(alpha, alpha_owner, name="Elsewhere")
    thread = make_thread(alpha, poster, general)
    assert b"Moderate this thread" not in as_user(poster).get(f"/forum/t/{thread.pk}/").content
    assert (
        as_user(poster).post(f"/forum/t/{thread.pk}/moderate/", {"action": "pin"}).status_code
        == 403
    )
    client = as_user(moderator)
    assert b"Moderate this thread" in client.get(f"/forum/t/{thread.pk}/").content
    client.post(f"/forum/t/{thread.pk}/moderate/", {"action": "lock"})
    client.post(f"/forum/t/{thread.pk}/moderate/", {"action": "move", "category": other.pk})
    client.post(
        f"/forum/t/{thread.pk}/moderate/", {"action": "slow_mode", "slow_mode_seconds": "x"}
    )
    with tenant_context(alpha):
        thread.refresh_from_db()
    assert thread.is_locked and thread.category_id == other.pk and thread.slow_mode_seconds == 0
    locked = as_user(poster).post(f"/forum/t/{thread.pk}/reply/", {"body": "hi"})
    assert locked.status_code == 403


def test_merged_thread_redirects_to_its_target(alpha, poster, moderator, general, client_for):
    source = make_thread(alpha, poster, general, title="Dup")
    target = make_thread(alpha, poster, general, title="Original")
    with tenant_context(alpha):
        services.merge_threads(acting_user=moderator, source=source, target=target)
    # Moderators still reach the merged thread, which forwards to the target.
    client = client_for(alpha)
    client.force_login(moderator)
    response = client.get(f"/forum/t/{source.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/forum/t/{target.pk}/"
    assert client_for(alpha).get(f"/forum/t/{source.pk}/").status_code == 404


def test_tags_and_tag_page(alpha, poster, general, client_for):
    make_thread(alpha, poster, general, title="Tagged one", tags=["bikes"])
    client = client_for(alpha)
    assert b"#bikes" in client.get("/forum/tags/").content
    assert b"Tagged one" in client.get("/forum/tags/bikes/").content
    assert client.get("/forum/tags/nothing/").status_code == 404


def test_profile_page_shows_reputation_posts_and_activity(
    alpha, poster, reader, general, as_user, client_for
):
    thread = make_thread(alpha, poster, general, title="Profiled thread")
    with tenant_context(alpha):
        services.vote(user=reader, post=opening_post(alpha, thread), value=1)
        handle = services.profile_for(poster).handle
    page = client_for(alpha).get(f"/forum/u/{handle}/")
    assert page.status_code == 200
    assert b"Reputation 1" in page.content and b"Profiled thread" in page.content
    client = as_user(poster)
    bad = client.post("/forum/profile/", {"handle": "!", "bio": ""})
    assert bad.status_code == 400
    good = client.post(
        "/forum/profile/", {"handle": "new_handle", "bio": "Hi", "avatar": png_upload()}
    )
    assert good.status_code == 302
    assert b"forum-avatar" in client_for(alpha).get("/forum/u/new_handle/").content


def test_suspend_page_is_for_moderators(alpha, poster, reader, moderator, as_user):
    with tenant_context(alpha):
        handle = services.profile_for(reader).handle
    assert as_user(poster).get(f"/forum/u/{handle}/suspend/").status_code == 403
    response = as_user(moderator).post(f"/forum/u/{handle}/suspend/", {"days": "3", "reason": "x"})
    assert response.status_code == 302
    bad = as_user(moderator).post(f"/forum/u/{handle}/suspend/", {"days": "-3"})
    assert bad.status_code == 400


def test_settings_and_categories_are_for_admins(alpha, admin_user, moderator, as_user):
    assert as_user(moderator).get("/forum/settings/").status_code == 403
    assert as_user(moderator).get("/forum/categories/").status_code == 403
    client = as_user(admin_user)
    bad = client.post("/forum/settings/", {"approve_first_posts": "99", "edit_window_minutes": "0"})
    assert bad.status_code == 400
    ok = client.post(
        "/forum/settings/",
        {"approve_first_posts": "2", "allow_downvotes": "on", "edit_window_minutes": "30"},
    )
    assert ok.status_code == 302
    created = client.post(
        "/forum/categories/new/",
        {"name": "Help", "kind": "qa", "visibility": "public", "posting": "members"},
    )
    assert created.status_code == 302
    duplicate = client.post(
        "/forum/categories/new/",
        {"name": "Help", "kind": "qa", "visibility": "public", "posting": "members"},
    )
    assert duplicate.status_code == 400
    with tenant_context(alpha):
        help_ = Category.objects.get(slug="help")
    assert client.post(f"/forum/categories/{help_.pk}/delete/").status_code == 302
    with tenant_context(alpha):
        assert not Category.objects.exists()


def test_console_links_to_the_forum_settings(alpha, alpha_owner, as_user):
    page = as_user(alpha_owner).get("/console/features/")
    assert b"/forum/settings/" in page.content


def test_upload_returns_markdown(alpha, poster, as_user):
    client = as_user(poster)
    response = client.post("/forum/upload/", {"image": png_upload()}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"![photo](" in response.content
    assert client.post("/forum/upload/", {}).status_code == 400


def test_list_pages_make_a_bounded_number_of_queries(
    alpha, poster, reader, general, as_user, django_assert_max_num_queries
):
    for index in range(12):
        thread = make_thread(alpha, poster, general, title=f"Thread {index}", tags=["a", "b"])
        make_reply(alpha, reader, thread)
    client = as_user(reader)
    client.get("/forum/")  # warm caches (settings, branding)
    with django_assert_max_num_queries(25):
        assert client.get("/forum/").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get("/forum/c/general/").status_code == 200
    for _ in range(15):
        make_reply(alpha, poster, thread)
    with django_assert_max_num_queries(30):
        assert client.get(f"/forum/t/{thread.pk}/").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get("/forum/search/?q=thread").status_code == 200


def test_mentions_of_members_link_to_their_profiles_on_the_thread_page(
    alpha, beta, poster, reader, general, as_user, member_of
):
    from forum_factories import make_reply, make_thread

    from tenant_apps.forum import services
    from tenants.context import tenant_context

    with tenant_context(alpha):
        handle = services.profile_for(reader).handle
    outsider = member_of(beta, email="outsider@example.com")
    with tenant_context(beta):
        beta_handle = services.update_profile(user=outsider, handle="betaonly", bio="").handle
    thread = make_thread(alpha, poster, general, title="Hello all")
    make_reply(alpha, poster, thread, body=f"Ping @{handle.upper()}, @ghost and @{beta_handle}")
    page = as_user(poster).get(f"/forum/t/{thread.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert f'href="/forum/u/{handle}/"' in body
    assert "/forum/u/ghost/" not in body and "/forum/u/betaonly/" not in body
    assert "@ghost" in body and "@betaonly" in body
