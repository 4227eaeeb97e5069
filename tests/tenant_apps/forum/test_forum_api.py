"""The forum's REST API: same permissions as the pages, 400s naming the field."""

import pytest
from forum_factories import make_category, make_reply, make_thread, opening_post

from tenant_apps.forum import services
from tenant_apps.forum.models import Thread, Vote
from tenant_apps.members.services import create_api_token
from tenants.context import tenant_context

API = "/api/v1/forum"


@pytest.fixture
def api_for(alpha, client_for):
    def make(user, organization=None):
        organization = organization or alpha
        with tenant_context(organization):
            key = create_api_token(user=user, name="test").key
        return client_for(organization, HTTP_AUTHORIZATION=f"Token {key}")

    return make


def test_anonymous_lists_public_threads_and_cannot_write(
    alpha, alpha_owner, poster, general, client_for
):
    private = make_category(alpha, alpha_owner, name="Private", visibility="members")
    make_thread(alpha, poster, general, title="Public one")
    make_thread(alpha, poster, private, title="Private one")
    anon = client_for(alpha)
    titles = [row["title"] for row in anon.get(f"{API}/threads/").json()["results"]]
    assert titles == ["Public one"]
    response = anon.post(
        f"{API}/threads/",
        {"category": general.pk, "title": "x", "body": "y"},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)


def test_member_creates_thread_replies_votes_and_edits(alpha, poster, reader, general, api_for):
    client = api_for(poster)
    created = client.post(
        f"{API}/threads/",
        {"category": general.pk, "title": "API thread", "body": "From the API", "tags": ["api"]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    thread_id = created.json()["id"]
    reply = api_for(reader).post(
        f"{API}/posts/",
        {"thread": thread_id, "body": "Reply via API"},
        content_type="application/json",
    )
    assert reply.status_code == 201
    post_id = reply.json()["id"]
    vote = client.post(
        f"{API}/posts/{post_id}/vote/", {"value": 1}, content_type="application/json"
    )
    assert vote.json() == {"score": 1, "my_vote": 1}
    listing = client.get(f"{API}/posts/?thread={thread_id}").json()["results"]
    assert [row["body"] for row in listing] == ["From the API", "Reply via API"]
    assert listing[1]["author"]["reputation"] == 1
    edit = api_for(reader).patch(
        f"{API}/posts/{post_id}/", {"body": "Edited", "version": 1}, content_type="application/json"
    )
    assert edit.status_code == 200 and edit.json()["version"] == 2
    stale = api_for(reader).patch(
        f"{API}/posts/{post_id}/", {"body": "Stale", "version": 1}, content_type="application/json"
    )
    assert stale.status_code == 409
    revisions = client.get(f"{API}/posts/{post_id}/revisions/").json()
    assert revisions[0]["body"] == "Reply via API"
    patch = client.patch(
        f"{API}/threads/{thread_id}/",
        {"title": "Renamed", "version": 1},
        content_type="application/json",
    )
    assert patch.status_code == 200 and patch.json()["title"] == "Renamed"


def test_bad_input_is_a_400_naming_the_field(alpha, poster, general, api_for):
    client = api_for(poster)
    response = client.post(
        f"{API}/threads/",
        {"category": general.pk, "title": "x", "body": "ok"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "title" in response.json()["error"]["fields"]
    response = client.post(
        f"{API}/threads/",
        {"category": 999999, "title": "Fine", "body": "ok"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "category" in response.json()["error"]["fields"]
    thread = make_thread(alpha, poster, general)
    post = opening_post(alpha, thread)
    vote = client.post(
        f"{API}/posts/{post.pk}/vote/", {"value": 3}, content_type="application/json"
    )
    assert vote.status_code == 400 and "value" in vote.json()["error"]["fields"]
    assert client.get(f"{API}/posts/").status_code == 400
    assert "sort" in client.get(f"{API}/threads/?sort=weird").json()["error"]["fields"]
    assert "q" in client.get(f"{API}/search/").json()["error"]["fields"]
    big = client.post(
        f"{API}/posts/",
        {"thread": thread.pk, "body": "x" * 50_001},
        content_type="application/json",
    )
    assert big.status_code == 400 and "body" in big.json()["error"]["fields"]


def test_moderation_through_the_api(alpha, poster, reader, moderator, general, api_for):
    thread = make_thread(alpha, poster, general)
    reply = make_reply(alpha, reader, thread)
    member = api_for(poster)
    assert (
        member.post(
            f"{API}/threads/{thread.pk}/moderate/",
            {"action": "pin"},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert member.get(f"{API}/reports/").status_code == 403
    report = member.post(
        f"{API}/posts/{reply.pk}/report/", {"reason": "spam"}, content_type="application/json"
    )
    assert report.status_code == 201
    mod = api_for(moderator)
    pinned = mod.post(
        f"{API}/threads/{thread.pk}/moderate/", {"action": "pin"}, content_type="application/json"
    )
    assert pinned.json()["is_pinned"] is True
    slow = mod.post(
        f"{API}/threads/{thread.pk}/moderate/",
        {"action": "slow_mode"},
        content_type="application/json",
    )
    assert "slow_mode_seconds" in slow.json()["error"]["fields"]
    reports = mod.get(f"{API}/reports/").json()["results"]
    resolved = mod.post(
        f"{API}/reports/{reports[0]['id']}/resolve/",
        {"hide": True},
        content_type="application/json",
    )
    assert resolved.json()["resolution"] == "actioned"
    # Members see the hidden post without its text; moderators see it.
    hidden = member.get(f"{API}/posts/{reply.pk}/").json()
    assert hidden["is_hidden"] and hidden["body"] == ""
    assert mod.get(f"{API}/posts/{reply.pk}/").json()["body"] == "A reply"
    with tenant_context(alpha):
        handle = services.profile_for(reader).handle
    suspended = mod.post(
        f"{API}/profiles/{handle}/suspend/", {"days": 2}, content_type="application/json"
    )
    assert suspended.status_code == 200 and suspended.json()["suspended_until"]


def test_slow_mode_answers_429_with_retry_after(alpha, poster, reader, moderator, general, api_for):
    thread = make_thread(alpha, poster, general)
    with tenant_context(alpha):
        services.set_thread_flags(acting_user=moderator, thread=thread, slow_mode_seconds=120)
    client = api_for(reader)
    first = client.post(
        f"{API}/posts/", {"thread": thread.pk, "body": "1"}, content_type="application/json"
    )
    second = client.post(
        f"{API}/posts/", {"thread": thread.pk, "body": "2"}, content_type="application/json"
    )
    assert first.status_code == 201 and second.status_code == 429
    assert (
        second.json()["error"]["code"] == "slow_mode"
        and second.json()["error"]["retry_after"] > 100
    )


def test_accept_answer_and_watch(alpha, alpha_owner, poster, reader, api_for):
    help_ = make_category(alpha, alpha_owner, name="Help", kind="qa")
    thread = make_thread(alpha, poster, help_)
    answer = make_reply(alpha, reader, thread)
    assert (
        api_for(reader)
        .post(
            f"{API}/threads/{thread.pk}/accept/",
            {"post": answer.pk},
            content_type="application/json",
        )
        .status_code
        == 403
    )
    accepted = api_for(poster).post(
        f"{API}/threads/{thread.pk}/accept/", {"post": answer.pk}, content_type="application/json"
    )
    assert accepted.json()["accepted_post"] == answer.pk
    watch = api_for(reader).post(
        f"{API}/threads/{thread.pk}/watch/", {"watching": True}, content_type="application/json"
    )
    assert watch.json() == {"watching": True}


def test_settings_and_categories_need_an_admin(alpha, admin_user, moderator, api_for):
    assert api_for(moderator).get(f"{API}/settings/").status_code == 403
    assert (
        api_for(moderator)
        .post(f"{API}/categories/", {"name": "Nope"}, content_type="application/json")
        .status_code
        == 403
    )
    admin = api_for(admin_user)
    put = admin.put(
        f"{API}/settings/",
        {"approve_first_posts": 1, "allow_downvotes": False, "edit_window_minutes": 10},
        content_type="application/json",
    )
    assert put.status_code == 200 and put.json()["allow_downvotes"] is False
    bad = admin.put(
        f"{API}/settings/",
        {"approve_first_posts": 50, "allow_downvotes": False, "edit_window_minutes": 10},
        content_type="application/json",
    )
    assert "approve_first_posts" in bad.json()["error"]["fields"]
    created = admin.post(
        f"{API}/categories/", {"name": "Q&A", "kind": "qa"}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["slug"] == "qa"


def test_other_tenants_token_and_data_stay_apart(alpha, beta, poster, general, owner_of, api_for):
    thread = make_thread(alpha, poster, general, title="Alpha only")
    beta_client = api_for(owner_of(beta), beta)
    assert beta_client.get(f"{API}/threads/{thread.pk}/").status_code == 404
    assert beta_client.get(f"{API}/threads/").json()["results"] == []
    response = beta_client.post(
        f"{API}/posts/", {"thread": thread.pk, "body": "intrusion"}, content_type="application/json"
    )
    assert response.status_code == 400 and "thread" in response.json()["error"]["fields"]
    with tenant_context(alpha):
        assert Thread.objects.get(pk=thread.pk).reply_count == 0
        assert not Vote.objects.exists()


def test_search_api_ranks_and_filters(alpha, poster, reader, general, api_for, client_for):
    make_thread(alpha, poster, general, title="Tubeless tyres", body="Sealant keeps tyres tubeless")
    make_thread(alpha, reader, general, title="Chains", body="A tyre is mentioned once")
    results = client_for(alpha).get(f"{API}/search/?q=tyres").json()["results"]
    assert [row["title"] for row in results] == ["Tubeless tyres", "Chains"]
    assert "<mark>" in results[0]["snippet"]
    with tenant_context(alpha):
        handle = services.profile_for(reader).handle
    only = client_for(alpha).get(f"{API}/search/?q=tyres&author={handle}").json()["results"]
    assert [row["title"] for row in only] == ["Chains"]
    assert (
        "author"
        in client_for(alpha).get(f"{API}/search/?q=tyres&author=nobody").json()["error"]["fields"]
    )
