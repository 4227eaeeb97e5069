"""Who may do what in the forum. Every page, API view, service and live topic asks here."""

from __future__ import annotations

from django.utils import timezone

from tenant_apps.forum.models import Category, Post, Profile, Thread
from tenant_apps.members.models import Role
from tenant_apps.members.selectors import has_role


def is_member(user) -> bool:
    return has_role(user, Role.MEMBER)


def is_moderator(user) -> bool:
    return has_role(user, Role.MODERATOR)


def is_admin(user) -> bool:
    return has_role(user, Role.ADMIN)


def readable_visibilities(user) -> list[str]:
    if is_moderator(user):
        return [v.value for v in Category.Visibility]
    if is_member(user):
        return [Category.Visibility.PUBLIC, Category.Visibility.MEMBERS]
    return [Category.Visibility.PUBLIC]


def can_read_category(user, category: Category) -> bool:
    return category.visibility in readable_visibilities(user)


def can_read_thread(user, thread: Thread) -> bool:
    """Deleted and merged threads are gone for everyone but moderators; a thread waiting for
    approval is seen by its author and the moderators."""
    if not can_read_category(user, thread.category):
        return False
    if is_moderator(user):
        return True
    if thread.deleted_at is not None:
        return False
    if not thread.is_approved:
        return user.is_authenticated and thread.author_id == user.pk
    return True


def is_suspended(user) -> bool:
    if not user.is_authenticated:
        return False
    try:
        profile = user.forum_profile
    except Profile.DoesNotExist:  # no profile yet: never suspended
        return False
    return bool(profile.suspended_until and profile.suspended_until > timezone.now())


def can_start_thread(user, category: Category) -> bool:
    if not is_member(user) or not can_read_category(user, category):
        return False
    if category.posting != Category.Posting.MEMBERS and not is_moderator(user):
        return False
    return not is_suspended(user)


def can_reply(user, thread: Thread) -> bool:
    if not is_member(user) or not can_read_thread(user, thread) or thread.deleted_at:
        return False
    if is_moderator(user):
        return True
    if thread.is_locked or thread.category.posting == Category.Posting.MODERATORS:
        return False
    return not is_suspended(user)


def can_edit_post(user, post: Post, *, edit_window_minutes: int = 0) -> bool:
    if not is_member(user) or post.deleted_at is not None:
        return False
    if is_moderator(user):
        return True
    if post.author_id != user.pk or is_suspended(user) or post.thread.is_locked:
        return False
    if edit_window_minutes:
        return timezone.now() - post.created_at <= timezone.timedelta(minutes=edit_window_minutes)
    return True


def can_delete_post(user, post: Post) -> bool:
    if not is_member(user) or post.deleted_at is not None:
        return False
    return is_moderator(user) or post.author_id == user.pk


def can_accept_answer(user, thread: Thread) -> bool:
    if not thread.category.is_questions or not is_member(user):
        return False
    return is_moderator(user) or (thread.author_id == user.pk and not is_suspended(user))


def can_vote(user, post: Post) -> bool:
    return is_member(user) and post.author_id != user.pk and not is_suspended(user)
