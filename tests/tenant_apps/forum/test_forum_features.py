"""The forum's services: each feature's happy path, a bad input and a refused role."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from forum_factories import make_category, make_reply, make_thread, opening_post, png_upload

from core.errors import ApplicationError, Conflict, PermissionDenied
from tenant_apps.console.models import AuditEntry
from tenant_apps.forum import services
from tenant_apps.forum.models import Category, Post, PostRevision, Profile, Report, Thread, Vote
from tenant_apps.notifications.models import Notification
from tenants.context import tenant_context

pytestmark = pytest.mark.usefixtures("in_alpha")


def notified(user, kind):
    return Notification.objects.filter(recipient=user, kind=kind).count()


# -- categories ----------------------------------------------------------------------------


def test_admin_creates_ordered_categories_with_one_level_of_subcategories(alpha, alpha_owner):
    first = make_category(alpha, alpha_owner, name="General")
    second = make_category(alpha, alpha_owner, name="Help", kind="qa")
    sub = make_category(alpha, alpha_owner, name="Meetups", parent=first)
    assert list(Category.objects.filter(parent=None)) == [first, second]
    assert sub.parent == first and sub.slug == "meetups"
    with pytest.raises(ValidationError) as error:
        make_category(alpha, alpha_owner, name="Deeper", parent=sub)
    assert "parent" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_category(alpha, alpha_owner, name="General")
    assert "slug" in error.value.message_dict


def test_member_cannot_create_category(alpha, poster):
    with pytest.raises(PermissionDenied):
        make_category(alpha, poster, name="Mine")


def test_non_empty_category_cannot_be_deleted(alpha, alpha_owner, poster, general):
    make_thread(alpha, poster, general)
    with pytest.raises(Conflict):
        services.delete_category(acting_user=alpha_owner, category=general)


def test_posting_rules_per_category(alpha, alpha_owner, poster, moderator):
    news = make_category(alpha, alpha_owner, name="News", posting="reply_only")
    closed = make_category(alpha, alpha_owner, name="Staff notes", posting="moderators")
    with pytest.raises(PermissionDenied):
        make_thread(alpha, poster, news)
    thread = make_thread(alpha, moderator, news)
    make_reply(alpha, poster, thread)  # members reply in reply-only categories
    notes = make_thread(alpha, moderator, closed)
    with pytest.raises(PermissionDenied):
        make_reply(alpha, poster, notes)


# -- threads, posts, edits, deletes --------------------------------------------------------


def test_thread_with_tags_counts_and_bad_input(alpha, poster, general):
    thread = make_thread(alpha, poster, general, tags=["Bikes", "repair", "bikes"])
    assert sorted(t.slug for t in thread.tags.all()) == ["bikes", "repair"]
    general.refresh_from_db()
    assert general.thread_count == 1 and general.post_count == 1
    assert Profile.objects.get(user=poster).post_count == 1
    with pytest.raises(ValidationError) as error:
        make_thread(alpha, poster, general, title="x")
    assert "title" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_thread(alpha, poster, general, body="   ")
    assert "body" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_thread(alpha, poster, general, tags=["a1", "b2", "c3", "d4", "e5", "f6"])
    assert "tags" in error.value.message_dict


def test_edit_keeps_history_and_refuses_a_stale_version(alpha, poster, reader, general):
    thread = make_thread(alpha, poster, general, body="Version one")
    post = opening_post(alpha, thread)
    services.edit_post(user=poster, post=post, body="Version two", version=1, title="New title")
    post.refresh_from_db()
    thread.refresh_from_db()
    assert post.body == "Version two" and post.edit_count == 1 and post.version == 2
    assert thread.title == "New title" and post.heading == "New title"
    assert PostRevision.objects.get(post=post).body == "Version one"
    with pytest.raises(Conflict):
        services.edit_post(user=poster, post=post, body="Lost update", version=1)
    with pytest.raises(PermissionDenied):
        services.edit_post(user=reader, post=post, body="Not mine")


def test_edit_window_stops_members_but_not_moderators(
    alpha, alpha_owner, poster, moderator, general
):
    services.update_settings(
        acting_user=alpha_owner, approve_first_posts=0, allow_downvotes=True, edit_window_minutes=5
    )
    thread = make_thread(alpha, poster, general)
    post = opening_post(alpha, thread)
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    post.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.edit_post(user=poster, post=post, body="Too late")
    services.edit_post(user=moderator, post=post, body="Fixed by a moderator")
    assert AuditEntry.objects.filter(action="forum.post_edited").exists()


def test_soft_delete_by_author_and_restore_by_moderator(alpha, poster, reader, moderator, general):
    thread = make_thread(alpha, poster, general)
    reply = make_reply(alpha, reader, thread)
    with pytest.raises(PermissionDenied):
        services.delete_post(user=poster, post=reply)  # not the author, not a moderator
    services.delete_post(user=reader, post=reply)
    thread.refresh_from_db()
    assert thread.reply_count == 0
    assert Post.objects.get(pk=reply.pk).deleted_at is not None  # still there, soft
    services.restore_post(acting_user=moderator, post=reply)
    thread.refresh_from_db()
    assert thread.reply_count == 1
    services.delete_post(user=moderator, post=opening_post(alpha, thread))
    assert Thread.objects.get(pk=thread.pk).deleted_at is not None
    assert AuditEntry.objects.filter(action="forum.post_deleted").exists()


def test_reply_to_a_post_of_another_thread_is_refused(alpha, poster, general):
    one = make_thread(alpha, poster, general, title="One")
    two = make_thread(alpha, poster, general, title="Two")
    with pytest.raises(ValidationError) as error:
        make_reply(alpha, poster, two, reply_to=opening_post(alpha, one))
    assert "reply_to" in error.value.message_dict


# -- notifications -------------------------------------------------------------------------


def test_reply_mention_and_watch_notify_each_person_once(alpha, poster, reader, moderator, general):
    reader_handle = services.profile_for(reader).handle
    services.profile_for(moderator)
    thread = make_thread(alpha, poster, general)
    services.set_watch(user=moderator, category=general, watching=True)
    make_reply(alpha, reader, thread, body="First!")
    assert notified(poster, "forum.reply") == 1
    assert notified(moderator, "forum.watched") == 1
    make_reply(
        alpha,
        poster,
        thread,
        body=f"Thanks @{reader_handle}! `@{reader_handle}` in code is not a mention",
    )
    assert notified(reader, "forum.mention") == 1
    assert notified(reader, "forum.reply") == 0  # a mention beats a reply
    assert notified(poster, "forum.reply") == 1  # never notified of your own post


def test_members_of_a_staff_category_only_notify_staff(alpha, alpha_owner, poster, moderator):
    staff = make_category(alpha, alpha_owner, name="Staff room", visibility="staff")
    handle = services.profile_for(poster).handle
    make_thread(alpha, moderator, staff, body=f"About @{handle}")
    assert notified(poster, "forum.mention") == 0


def test_watching_a_staff_category_is_refused_for_members(alpha, alpha_owner, poster):
    staff = make_category(alpha, alpha_owner, name="Staff room", visibility="staff")
    with pytest.raises(PermissionDenied):
        services.set_watch(user=poster, category=staff, watching=True)


# -- votes, reputation, answers ------------------------------------------------------------


def test_votes_are_one_per_user_changeable_and_move_reputation(
    alpha, poster, reader, moderator, general
):
    thread = make_thread(alpha, poster, general)
    post = opening_post(alpha, thread)
    services.vote(user=reader, post=post, value=1)
    services.vote(user=moderator, post=post, value=1)
    services.vote(user=reader, post=post, value=-1)  # changed its mind
    post.refresh_from_db()
    thread.refresh_from_db()
    assert post.score == 0 and thread.score == 0
    assert Vote.objects.filter(post=post).count() == 2
    services.vote(user=reader, post=post, value=0)
    assert Profile.objects.get(user=poster).reputation == 1
    with pytest.raises(PermissionDenied):
        services.vote(user=poster, post=post, value=1)  # own post
    with pytest.raises(ValidationError) as error:
        services.vote(user=reader, post=post, value=5)
    assert "value" in error.value.message_dict


def test_downvotes_can_be_switched_off(alpha, alpha_owner, poster, reader, general):
    services.update_settings(
        acting_user=alpha_owner, approve_first_posts=0, allow_downvotes=False, edit_window_minutes=0
    )
    post = opening_post(alpha, make_thread(alpha, poster, general))
    with pytest.raises(ValidationError):
        services.vote(user=reader, post=post, value=-1)


def test_question_author_accepts_an_answer_and_the_answerer_gains_reputation(
    alpha, alpha_owner, poster, reader, moderator
):
    help_ = make_category(alpha, alpha_owner, name="Help", kind="qa")
    thread = make_thread(alpha, poster, help_, title="How to oil a chain?")
    answer = make_reply(alpha, reader, thread, body="Drip oil, wipe.")
    with pytest.raises(PermissionDenied):
        services.accept_answer(user=reader, thread=thread, post=answer)
    services.accept_answer(user=poster, thread=thread, post=answer)
    thread.refresh_from_db()
    assert thread.accepted_post == answer
    assert Profile.objects.get(user=reader).reputation == services.ACCEPTED_ANSWER_REPUTATION
    assert notified(reader, "forum.accepted") == 1
    with pytest.raises(ValidationError):
        services.accept_answer(user=poster, thread=thread, post=opening_post(alpha, thread))
    services.accept_answer(user=moderator, thread=thread, post=None)
    assert Profile.objects.get(user=reader).reputation == 0


def test_answers_cannot_be_accepted_in_a_discussion_category(alpha, poster, reader, general):
    thread = make_thread(alpha, poster, general)
    reply = make_reply(alpha, reader, thread)
    with pytest.raises(PermissionDenied):
        services.accept_answer(user=poster, thread=thread, post=reply)


def test_recount_rebuilds_counters(alpha, poster, reader, general):
    thread = make_thread(alpha, poster, general)
    make_reply(alpha, reader, thread)
    services.vote(user=reader, post=opening_post(alpha, thread), value=1)
    Thread.objects.update(reply_count=99, score=42)
    Profile.objects.update(reputation=-7, post_count=0)
    services.recount_forum()
    thread.refresh_from_db()
    assert thread.reply_count == 1 and thread.score == 1
    assert Profile.objects.get(user=poster).reputation == 1
    assert Profile.objects.get(user=reader).post_count == 1


# -- moderation ----------------------------------------------------------------------------


def test_pin_lock_slow_mode_are_audited_and_members_are_refused(
    alpha, poster, reader, moderator, general
):
    thread = make_thread(alpha, poster, general)
    with pytest.raises(PermissionDenied):
        services.set_thread_flags(acting_user=poster, thread=thread, is_pinned=True)
    services.set_thread_flags(acting_user=moderator, thread=thread, is_pinned=True, is_locked=True)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"forum.thread_pinned", "forum.thread_locked"} <= actions
    with pytest.raises(PermissionDenied):
        make_reply(alpha, reader, thread)
    make_reply(alpha, moderator, thread)  # moderators still reply
    with pytest.raises(ValidationError) as error:
        services.set_thread_flags(acting_user=moderator, thread=thread, slow_mode_seconds=-1)
    assert "slow_mode_seconds" in error.value.message_dict


def test_slow_mode_makes_a_member_wait_between_posts(alpha, poster, reader, moderator, general):
    thread = make_thread(alpha, poster, general)
    services.set_thread_flags(acting_user=moderator, thread=thread, slow_mode_seconds=60)
    make_reply(alpha, reader, thread)
    with pytest.raises(ApplicationError) as error:
        make_reply(alpha, reader, thread)
    assert error.value.code == "slow_mode" and error.value.status_code == 429
    make_reply(alpha, moderator, thread)
    make_reply(alpha, moderator, thread)  # moderators are not slowed
    Post.objects.filter(author=reader).update(created_at=timezone.now() - timedelta(minutes=2))
    make_reply(alpha, reader, thread)


def test_move_and_merge_threads(alpha, alpha_owner, poster, reader, moderator, general):
    other = make_category(alpha, alpha_owner, name="Other")
    source = make_thread(alpha, poster, general, title="Duplicate question")
    make_reply(alpha, reader, source)
    target = make_thread(alpha, reader, other, title="Original question")
    services.move_thread(acting_user=moderator, thread=target, category=general)
    target.refresh_from_db()
    assert target.category == general
    services.merge_threads(acting_user=moderator, source=source, target=target)
    source.refresh_from_db()
    target.refresh_from_db()
    assert source.merged_into == target and source.deleted_at is not None
    assert target.posts.count() == 3 and target.reply_count == 2
    assert target.posts.filter(is_opening=True).count() == 1
    with pytest.raises(ValidationError):
        services.merge_threads(acting_user=moderator, source=target, target=target)
    assert (
        AuditEntry.objects.filter(action__in=["forum.thread_moved", "forum.thread_merged"]).count()
        == 2
    )


def test_hide_post_and_report_queue(alpha, poster, reader, moderator, general):
    thread = make_thread(alpha, poster, general)
    reply = make_reply(alpha, reader, thread, body="Rude words")
    report = services.report_post(reporter=poster, post=reply, reason="abuse")
    with pytest.raises(Conflict):
        services.report_post(reporter=poster, post=reply, reason="abuse")
    with pytest.raises(ValidationError) as error:
        services.report_post(reporter=moderator, post=reply, reason="nonsense")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.report_post(reporter=moderator, post=reply, reason="other")
    assert "message" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.resolve_report(acting_user=poster, report=report, hide=True)
    services.resolve_report(acting_user=moderator, report=report, hide=True)
    reply.refresh_from_db()
    thread.refresh_from_db()
    assert reply.is_hidden and thread.reply_count == 0
    assert Report.objects.get(pk=report.pk).resolution == "actioned"
    assert AuditEntry.objects.filter(action="forum.post_hidden").exists()


def test_new_members_first_posts_wait_for_approval(
    alpha, alpha_owner, poster, reader, moderator, general
):
    services.update_settings(
        acting_user=alpha_owner, approve_first_posts=1, allow_downvotes=True, edit_window_minutes=0
    )
    thread = make_thread(alpha, poster, general)
    assert not thread.is_approved
    assert notified(moderator, "forum.watched") == 0
    services.approve_post(acting_user=moderator, post=opening_post(alpha, thread))
    thread.refresh_from_db()
    assert thread.is_approved
    second = make_thread(alpha, poster, general, title="Second thread")
    assert second.is_approved  # one approved post is enough
    pending = make_reply(alpha, reader, thread)
    assert not pending.is_approved
    services.approve_post(acting_user=moderator, post=pending, approve=False)
    assert Post.objects.get(pk=pending.pk).deleted_at is not None
    assert AuditEntry.objects.filter(action="forum.post_rejected").exists()


def test_suspended_member_cannot_post_or_vote_until_the_time(
    alpha, alpha_owner, poster, reader, moderator, general
):
    thread = make_thread(alpha, poster, general)
    services.suspend_member(
        acting_user=moderator,
        user=reader,
        until=timezone.now() + timedelta(days=1),
        reason="Cool down",
    )
    with pytest.raises(PermissionDenied):
        make_reply(alpha, reader, thread)
    with pytest.raises(PermissionDenied):
        services.vote(user=reader, post=opening_post(alpha, thread), value=1)
    with pytest.raises(ValidationError) as error:
        services.suspend_member(
            acting_user=moderator, user=reader, until=timezone.now() - timedelta(days=1)
        )
    assert "until" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.suspend_member(acting_user=moderator, user=moderator, until=None)
    with pytest.raises(PermissionDenied):
        services.suspend_member(acting_user=moderator, user=alpha_owner, until=None)
    Profile.objects.filter(user=reader).update(
        suspended_until=timezone.now() - timedelta(seconds=1)
    )
    reader.forum_profile.refresh_from_db()
    make_reply(alpha, reader, thread)
    assert AuditEntry.objects.filter(action="forum.member_suspended").exists()


def test_member_cannot_suspend(alpha, poster, reader):
    with pytest.raises(PermissionDenied):
        services.suspend_member(
            acting_user=poster, user=reader, until=timezone.now() + timedelta(days=1)
        )


# -- reading state, profiles, uploads ------------------------------------------------------


def test_unread_tracking_remembers_the_last_visit(alpha, poster, reader, general):
    thread = make_thread(alpha, poster, general)
    assert services.mark_thread_read(user=reader, thread=thread) is None  # first visit
    first_visit = services.mark_thread_read(user=reader, thread=thread)
    assert first_visit is not None
    from tenant_apps.forum import selectors

    row = selectors.thread_list(reader).get(pk=thread.pk)
    assert not selectors.has_unread_flag(row)
    make_reply(alpha, poster, thread)
    row = selectors.thread_list(reader).get(pk=thread.pk)
    assert selectors.has_unread_flag(row)


def test_profile_handle_bio_and_avatar(alpha, poster, reader):
    profile = services.update_profile(
        user=poster, handle="ada_p", bio="I fix **bikes**", avatar=png_upload()
    )
    assert profile.handle == "ada_p" and profile.avatar.name.endswith(".png")
    with pytest.raises(ValidationError) as error:
        services.update_profile(user=reader, handle="ADA_P", bio="")
    assert "handle" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.update_profile(
            user=reader, handle="ok_handle", bio="", avatar=png_upload().__class__("x.png", b"nope")
        )
    assert "avatar" in error.value.message_dict


def test_upload_image_gives_markdown_and_refuses_non_images(alpha, poster):
    from django.core.files.uploadedfile import SimpleUploadedFile

    result = services.upload_image(user=poster, file=png_upload())
    assert result["markdown"].startswith("![photo](") and "/forum/uploads/" in result["url"]
    with pytest.raises(ValidationError) as error:
        services.upload_image(user=poster, file=SimpleUploadedFile("evil.png", b"<script>"))
    assert "image" in error.value.message_dict


def test_mentioned_handles_ignore_code_and_emails():
    body = "Hi @ada and @Ben_2, mail me at x@example.com ```@nobody``` `@nor`"
    assert services.mentioned_handles(body) == ["ada", "ben_2"]


def test_moderation_votes_and_answers_reach_open_thread_pages_live(
    alpha, alpha_owner, poster, reader, moderator, live_events, django_capture_on_commit_callbacks
):
    """Open pages of a thread refresh on any event of its topic: hiding, deleting, restoring,
    voting and accepting each send one after the commit; beta's same thread number hears none."""
    help_ = make_category(alpha, alpha_owner, name="Help", kind="qa")
    thread = make_thread(alpha, poster, help_, title="Which chain oil?")
    answer = make_reply(alpha, reader, thread, body="The wax one.")
    page = live_events(f"tenant.alpha.forum.thread.{thread.pk}")
    beta_page = live_events(f"tenant.beta.forum.thread.{thread.pk}")
    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
        services.vote(user=poster, post=answer, value=1)
        services.vote(user=poster, post=answer, value=1)  # no change, no event
        services.accept_answer(user=poster, thread=thread, post=answer)
        services.hide_post(acting_user=moderator, post=answer, reason="spoiler")
        services.hide_post(acting_user=moderator, post=answer, hidden=False)
        services.delete_post(user=moderator, post=answer)
        services.restore_post(acting_user=moderator, post=answer)
    kinds = [message["event"]["type"] for message in page()]
    assert kinds == [
        "forum.vote",
        "forum.accept",
        "forum.hide",
        "forum.unhide",
        "forum.delete",
        "forum.restore",
    ]
    assert beta_page(timeout=0.2) == []
