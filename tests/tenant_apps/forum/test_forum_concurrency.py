"""Concurrent work on real connections: votes, double votes, replies and edits racing."""

import pytest

from tenant_apps.forum import services
from tenant_apps.forum.models import Category, Post, Profile, Thread, Vote
from tenants.context import tenant_context
from tests.conftest import run_in_threads


@pytest.fixture
def world(django_db_setup, committed):
    """A committed category, thread and six members in alpha, all removed afterwards."""
    from allauth.account.models import EmailAddress

    from shared_apps.accounts.models import User
    from shared_apps.accounts.services import create_account
    from tenant_apps.members.models import Member
    from tenants.models import Organization

    alpha = Organization.objects.get(schema_name="alpha")
    with tenant_context(alpha):
        owner = User.objects.get(email="owner@alpha.test")
        users = []
        for index in range(6):
            user = create_account(email=f"race{index}@example.com", password=None, verified=True)
            Member.objects.create(user=user)
            users.append(user)
        category = services.create_category(acting_user=owner, name="Race track")
        thread = services.create_thread(author=owner, category=category, title="Race", body="Go")
    yield alpha, owner, users, thread
    with tenant_context(alpha):
        Thread.objects.filter(category=category).update(accepted_post=None)
        Post.objects.filter(thread__category=category).delete()
        Thread.objects.filter(category=category).delete()
        Category.objects.filter(pk=category.pk).delete()
        Profile.objects.filter(user__in=[owner, *users]).delete()
        from tenant_apps.console.models import AuditEntry
        from tenant_apps.notifications.models import Notification

        Notification.objects.filter(recipient__in=[owner, *users]).delete()
        AuditEntry.objects.filter(action__startswith="forum.").delete()
        EmailAddress.objects.filter(user__in=users).delete()
        User.objects.filter(pk__in=[u.pk for u in users]).delete()


def test_many_members_voting_at_once_count_exactly(world):
    alpha, owner, users, thread = world
    with tenant_context(alpha):
        post = thread.posts.get(is_opening=True)

    def vote(user):
        def run():
            with tenant_context(alpha):
                return services.vote(user=user, post=post, value=1).score

        return run

    results = run_in_threads([vote(user) for user in users])
    assert all(kind == "ok" for kind, _ in results), results
    with tenant_context(alpha):
        post.refresh_from_db()
        assert post.score == 6 and Vote.objects.filter(post=post).count() == 6
        assert Thread.objects.get(pk=thread.pk).score == 6
        assert Profile.objects.get(user=owner).reputation == 6


def test_one_member_voting_twice_at_once_leaves_one_vote(world):
    alpha, _owner, users, thread = world
    with tenant_context(alpha):
        post = thread.posts.get(is_opening=True)

    def vote():
        with tenant_context(alpha):
            return services.vote(user=users[0], post=post, value=1).score

    results = run_in_threads([vote, vote, vote])
    assert all(kind == "ok" for kind, _ in results), results
    with tenant_context(alpha):
        assert Vote.objects.filter(post=post).count() == 1
        assert Post.objects.get(pk=post.pk).score == 1


def test_replies_at_once_all_count(world):
    alpha, _owner, users, thread = world

    def reply(user):
        def run():
            with tenant_context(alpha):
                return services.create_reply(author=user, thread=thread, body="Me too").pk

        return run

    results = run_in_threads([reply(user) for user in users])
    assert all(kind == "ok" for kind, _ in results), results
    with tenant_context(alpha):
        assert Thread.objects.get(pk=thread.pk).reply_count == 6
        assert Category.objects.get(pk=thread.category_id).post_count == 7


def test_two_edits_from_the_same_version_do_not_overwrite_each_other(world):
    alpha, owner, _users, thread = world
    with tenant_context(alpha):
        post = thread.posts.get(is_opening=True)

    def edit(text):
        def run():
            with tenant_context(alpha):
                return services.edit_post(user=owner, post=post, body=text, version=1).body

        return run

    results = run_in_threads([edit("First"), edit("Second")])
    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    winner = next(value for kind, value in results if kind == "ok")
    with tenant_context(alpha):
        fresh = Post.objects.get(pk=post.pk)
        assert fresh.body == winner and fresh.version == 2 and fresh.revisions.count() == 1
