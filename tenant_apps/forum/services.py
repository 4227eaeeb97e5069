"""Every change of state in the forum. Plain functions with keyword-only arguments, one
transaction each. Bad input raises ValidationError naming the field; refusals raise
core.errors.PermissionDenied / Conflict / ApplicationError. Moderators' actions write an audit
row in the same transaction; notifications and live events go out after commit."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from core.errors import ApplicationError, Conflict, PermissionDenied
from core.markdown import MENTION, markdown_to_text
from core.thumbnails import delete_thumbnails, request_thumbnails
from core.uploads import validate_image
from tenant_apps.console.audit import log_action
from tenant_apps.forum import permissions as perms
from tenant_apps.forum.models import (
    MAX_BIO,
    MAX_BODY,
    MAX_TAGS,
    MAX_TITLE,
    Category,
    ForumSettings,
    Post,
    PostRevision,
    Profile,
    Report,
    Tag,
    Thread,
    ThreadRead,
    Vote,
    Watch,
)
from tenant_apps.notifications.realtime import publish
from tenant_apps.notifications.services import notify

ACCEPTED_ANSWER_REPUTATION = 5
MAX_MENTIONS = 20
SETTINGS_CACHE_KEY = "forum:settings"
CODE = re.compile(r"```.*?```|~~~.*?~~~|`[^`\n]*`", re.DOTALL)


# -- settings ------------------------------------------------------------------------------


def get_settings() -> ForumSettings:
    row = cache.get(SETTINGS_CACHE_KEY)
    if row is None:
        row, _ = ForumSettings.objects.get_or_create(id=1)
        cache.set(SETTINGS_CACHE_KEY, row, 300)
    return row


@transaction.atomic
def update_settings(
    *, acting_user, approve_first_posts: int, allow_downvotes: bool, edit_window_minutes: int
) -> ForumSettings:
    """Admins choose how many first posts of a new member wait for approval, whether down votes
    are allowed, and how long members may edit their posts."""
    if not perms.is_admin(acting_user):
        raise PermissionDenied("Only admins can change the forum settings.")
    errors = {}
    if not 0 <= int(approve_first_posts) <= 20:
        errors["approve_first_posts"] = ["Choose a number from 0 to 20."]
    if not 0 <= int(edit_window_minutes) <= 525_600:
        errors["edit_window_minutes"] = ["Choose a number of minutes up to one year."]
    if errors:
        raise ValidationError(errors)
    row = ForumSettings.objects.select_for_update().get_or_create(id=1)[0]
    before = {
        "approve_first_posts": row.approve_first_posts,
        "allow_downvotes": row.allow_downvotes,
        "edit_window_minutes": row.edit_window_minutes,
    }
    row.approve_first_posts = int(approve_first_posts)
    row.allow_downvotes = bool(allow_downvotes)
    row.edit_window_minutes = int(edit_window_minutes)
    row.save()
    log_action(
        acting_user=acting_user,
        action="forum.settings_changed",
        target="Forum settings",
        before=before,
        after={
            "approve_first_posts": row.approve_first_posts,
            "allow_downvotes": row.allow_downvotes,
            "edit_window_minutes": row.edit_window_minutes,
        },
    )
    cache.delete(SETTINGS_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(SETTINGS_CACHE_KEY))
    return row


# -- profiles ------------------------------------------------------------------------------


def _handle_base(user) -> str:
    return (slugify(user.display_name).replace("-", "_")[:24] or "member").strip("_") or "member"


def profile_for(user) -> Profile:
    """The user's forum profile, made on first use with a unique @handle."""
    try:
        return Profile.objects.get(user=user)
    except Profile.DoesNotExist:
        pass
    base = _handle_base(user)
    for attempt in range(50):
        handle = base if attempt == 0 else f"{base}{attempt + 1}"
        if Profile.objects.filter(handle__iexact=handle).exists():
            continue
        try:
            with transaction.atomic():
                return Profile.objects.create(user=user, handle=handle)
        except IntegrityError:
            existing = Profile.objects.filter(user=user).first()
            if existing:
                return existing
    return Profile.objects.create(user=user, handle=f"{base[:20]}{user.pk}")


def _locked_profile(user) -> Profile:
    profile_for(user)
    profile = Profile.objects.select_for_update().get(user=user)
    user.forum_profile = profile  # the user object now sees what was just read (and locked)
    return profile


@transaction.atomic
def update_profile(*, user, handle: str, bio: str, avatar=None, remove_avatar: bool = False):
    """A member sets their own @handle, bio and avatar (an image, checked and re-encoded)."""
    if not perms.is_member(user):
        raise PermissionDenied("Sign in to edit your profile.")
    profile = _locked_profile(user)
    handle = (handle or "").strip().lstrip("@")
    errors = {}
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{1,29}", handle):
        errors["handle"] = ["2 to 30 letters, digits, _ or -, starting with a letter or digit."]
    elif Profile.objects.filter(handle__iexact=handle).exclude(user=user).exists():
        errors["handle"] = ["This handle is taken."]
    if len(bio or "") > MAX_BIO:
        errors["bio"] = [f"At most {MAX_BIO} characters."]
    new_avatar = None
    if avatar is not None:
        try:
            new_avatar = validate_image(avatar, max_bytes=5 * 1024 * 1024)
        except ValidationError as error:
            errors["avatar"] = error.messages
    if errors:
        raise ValidationError(errors)
    profile.handle = handle
    profile.bio = bio or ""
    old_avatar = profile.avatar.name if profile.avatar else ""
    if new_avatar is not None:
        profile.avatar.save(new_avatar.name, new_avatar, save=False)
        request_thumbnails(profile.avatar.name)
    elif remove_avatar:
        profile.avatar = ""
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError as error:
        raise ValidationError({"handle": ["This handle is taken."]}) from error
    if old_avatar and old_avatar != (profile.avatar.name if profile.avatar else ""):
        transaction.on_commit(
            lambda: (default_storage.delete(old_avatar), delete_thumbnails(old_avatar))
        )
    return profile


# -- categories and tags -------------------------------------------------------------------


def _clean_category(*, name, slug, description, parent, kind, visibility, posting, instance=None):
    errors = {}
    name = (name or "").strip()
    slug = slugify(slug or name)[:80]
    if not name:
        errors["name"] = ["A category needs a name."]
    elif len(name) > 80:
        errors["name"] = ["At most 80 characters."]
    if not slug:
        errors["slug"] = ["Enter a web address made of letters, digits and dashes."]
    elif (
        Category.objects.filter(slug__iexact=slug)
        .exclude(pk=getattr(instance, "pk", None))
        .exists()
    ):
        errors["slug"] = ["Another category has this address."]
    if len(description or "") > 2000:
        errors["description"] = ["At most 2000 characters."]
    if parent is not None:
        if instance is not None and parent.pk == instance.pk:
            errors["parent"] = ["A category cannot be its own parent."]
        elif parent.parent_id is not None:
            errors["parent"] = ["Sub-categories go one level deep: choose a top-level category."]
        elif instance is not None and instance.children.exists():
            errors["parent"] = ["This category has sub-categories, so it stays at the top."]
    if kind not in Category.Kind.values:
        errors["kind"] = ["Choose a kind."]
    if visibility not in Category.Visibility.values:
        errors["visibility"] = ["Choose who may read."]
    if posting not in Category.Posting.values:
        errors["posting"] = ["Choose who may post."]
    if errors:
        raise ValidationError(errors)
    return name, slug


@transaction.atomic
def create_category(
    *,
    acting_user,
    name: str,
    slug: str = "",
    description: str = "",
    parent: Category | None = None,
    kind: str = Category.Kind.DISCUSSION,
    visibility: str = Category.Visibility.PUBLIC,
    posting: str = Category.Posting.MEMBERS,
    position: int | None = None,
) -> Category:
    """Admins add a category (or a sub-category, one level deep) at the end of the list."""
    if not perms.is_admin(acting_user):
        raise PermissionDenied("Only admins manage categories.")
    name, slug = _clean_category(
        name=name,
        slug=slug,
        description=description,
        parent=parent,
        kind=kind,
        visibility=visibility,
        posting=posting,
    )
    if position is None:
        position = (Category.objects.aggregate(top=Max("position"))["top"] or 0) + 1
    try:
        with transaction.atomic():
            category = Category.objects.create(
                name=name,
                slug=slug,
                description=description or "",
                parent=parent,
                kind=kind,
                visibility=visibility,
                posting=posting,
                position=max(0, int(position)),
            )
    except IntegrityError as error:
        raise ValidationError({"slug": ["Another category has this address."]}) from error
    log_action(acting_user=acting_user, action="forum.category_created", target=category)
    return category


@transaction.atomic
def update_category(*, acting_user, category: Category, **data) -> Category:
    """Admins rename, describe, re-parent, reorder and set who may read and post."""
    if not perms.is_admin(acting_user):
        raise PermissionDenied("Only admins manage categories.")
    category = Category.objects.select_for_update().get(pk=category.pk)
    before = {
        f: getattr(category, f)
        for f in ("name", "slug", "kind", "visibility", "posting", "position", "parent_id")
    }
    merged = {
        "name": data.get("name", category.name),
        "slug": data.get("slug", category.slug),
        "description": data.get("description", category.description),
        "parent": data.get("parent", category.parent),
        "kind": data.get("kind", category.kind),
        "visibility": data.get("visibility", category.visibility),
        "posting": data.get("posting", category.posting),
    }
    name, slug = _clean_category(**merged, instance=category)
    category.name, category.slug = name, slug
    category.description = merged["description"] or ""
    category.parent = merged["parent"]
    category.kind, category.visibility, category.posting = (
        merged["kind"],
        merged["visibility"],
        merged["posting"],
    )
    if data.get("position") is not None:
        category.position = max(0, int(data["position"]))
    try:
        with transaction.atomic():
            category.save()
    except IntegrityError as error:
        raise ValidationError({"slug": ["Another category has this address."]}) from error
    after = {f: getattr(category, f) for f in before}
    log_action(
        acting_user=acting_user,
        action="forum.category_changed",
        target=category,
        before=before,
        after=after,
    )
    return category


@transaction.atomic
def delete_category(*, acting_user, category: Category) -> None:
    """Admins delete an empty category (threads must be moved out first)."""
    if not perms.is_admin(acting_user):
        raise PermissionDenied("Only admins manage categories.")
    if category.threads.exists() or category.children.exists():
        raise Conflict("Move this category's threads and sub-categories out before deleting it.")
    log_action(acting_user=acting_user, action="forum.category_deleted", target=category)
    category.delete()


def parse_tag_text(text: str) -> list[str]:
    return [part for part in re.split(r"[,\s]+", text or "") if part]


def _clean_tags(names: Iterable[str]) -> list[Tag]:
    slugs: dict[str, str] = {}
    for raw in names:
        name = str(raw).strip().lstrip("#")
        slug = slugify(name)[:30]
        if not slug:
            continue
        if len(name) > 30:
            raise ValidationError({"tags": ["A tag can be at most 30 characters long."]})
        slugs.setdefault(slug, name)
    if len(slugs) > MAX_TAGS:
        raise ValidationError({"tags": [f"At most {MAX_TAGS} tags on a thread."]})
    tags = []
    for slug, name in slugs.items():
        tag = Tag.objects.filter(slug__iexact=slug).first()
        if tag is None:
            try:
                with transaction.atomic():
                    tag = Tag.objects.create(name=name.lower(), slug=slug)
            except IntegrityError:  # another post created it meanwhile
                tag = Tag.objects.get(slug__iexact=slug)
        tags.append(tag)
    return tags


# -- helpers -------------------------------------------------------------------------------


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if len(title) < 3:
        raise ValidationError({"title": ["A title needs at least 3 characters."]})
    if len(title) > MAX_TITLE:
        raise ValidationError({"title": [f"At most {MAX_TITLE} characters."]})
    return title


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": ["Write something."]})
    if len(body) > MAX_BODY:
        raise ValidationError({"body": [f"At most {MAX_BODY:,} characters."]})
    return body


def mentioned_handles(body: str) -> list[str]:
    """The @handles in a post's Markdown, code excluded, first MAX_MENTIONS, lower case."""
    seen: dict[str, None] = {}
    for match in MENTION.finditer(CODE.sub(" ", body or "")):
        seen.setdefault(match.group(1).lower(), None)
    return list(seen)[:MAX_MENTIONS]


def mention_urls(bodies) -> dict[str, str]:
    """Profile URLs of the handles mentioned in `bodies` that belong to someone, keyed by
    lower-case handle (one query for a whole page of posts), for render_markdown(mentions=)."""
    handles = {handle for body in bodies for handle in mentioned_handles(body)}
    if not handles:
        return {}
    query = Q()
    for handle in handles:
        query |= Q(handle__iexact=handle)
    return {
        handle.lower(): reverse("forum:profile", args=[handle])
        for handle in Profile.objects.filter(query).values_list("handle", flat=True)
    }


def _resolve_mentions(body: str) -> list[Profile]:
    handles = mentioned_handles(body)
    if not handles:
        return []
    query = Q()
    for handle in handles:
        query |= Q(handle__iexact=handle)
    return list(Profile.objects.filter(query).select_related("user"))


def _needs_approval(user, profile: Profile) -> bool:
    threshold = get_settings().approve_first_posts
    if not threshold or perms.is_moderator(user):
        return False
    return profile.post_count < threshold


def _check_can_post(user, profile: Profile) -> None:
    if profile.suspended_until and profile.suspended_until > timezone.now():
        until = timezone.localtime(profile.suspended_until).strftime("%Y-%m-%d %H:%M")
        raise PermissionDenied(f"You are suspended from posting until {until}.")


def _readers(users, category: Category) -> list:
    """Only the users who may read the category get notified of what happens in it."""
    return [
        u
        for u in users
        if u is not None and u.is_active and category.visibility in perms.readable_visibilities(u)
    ]


def _announce(post: Post) -> None:
    """Notify the people a visible post concerns, and push it live to open thread pages.
    Each person gets one notification: a mention beats a reply, which beats a watch."""
    thread = post.thread
    category = thread.category
    author = post.author
    excerpt = markdown_to_text(post.body, limit=300)
    url = post.get_absolute_url()
    name = author.display_name if author else "Someone"
    notified = {author.pk} if author else set()

    mentioned = _readers([p.user for p in _resolve_mentions(post.body)], category)
    mentioned = [u for u in mentioned if u.pk not in notified]
    if mentioned:
        notify(
            recipients=mentioned,
            kind="forum.mention",
            title=f"{name} mentioned you in {thread.title}",
            body=excerpt,
            url=url,
            actor=author,
            target=post,
        )
        notified |= {u.pk for u in mentioned}
    if not post.is_opening:
        replied = [thread.author]
        if post.reply_to_id and post.reply_to and post.reply_to.author:
            replied.append(post.reply_to.author)
        replied = [u for u in _readers(replied, category) if u.pk not in notified]
        if replied:
            notify(
                recipients=replied,
                kind="forum.reply",
                title=f"{name} replied in {thread.title}",
                body=excerpt,
                url=url,
                actor=author,
                target=post,
            )
            notified |= {u.pk for u in replied}
    watches = Watch.objects.filter(Q(thread=thread) | Q(category=category)).select_related("user")
    watchers = [w.user for w in watches if w.user_id not in notified]
    watchers = list({u.pk: u for u in _readers(watchers, category)}.values())
    if watchers:
        what = "New thread" if post.is_opening else "New reply"
        notify(
            recipients=watchers,
            kind="forum.watched",
            title=f"{what} in {thread.title}",
            body=excerpt,
            url=url,
            actor=author,
            target=post,
        )
    post.mentions = [p for p in mentioned_handles(post.body)]
    Post.objects.filter(pk=post.pk).update(mentions=post.mentions)
    if not post.is_opening:
        publish(("forum", "thread", thread.pk), {"type": "forum.reply", "post_id": post.pk})


def _publish_change(post: Post, kind: str) -> None:
    """Tell open pages of the thread that one of its posts changed (after the commit): they
    refresh their posts, so hidden, deleted, restored, voted and accepted posts show live."""
    publish(("forum", "thread", post.thread_id), {"type": f"forum.{kind}", "post_id": post.pk})


def _count_visible(post: Post, sign: int) -> None:
    """Add (sign=1) or remove (-1) a post from the counters of its thread, category and author."""
    thread_id, category_id = post.thread_id, post.thread.category_id
    if post.is_opening:
        Category.objects.filter(pk=category_id).update(thread_count=F("thread_count") + sign)
    else:
        Thread.objects.filter(pk=thread_id).update(reply_count=F("reply_count") + sign)
    Category.objects.filter(pk=category_id).update(post_count=F("post_count") + sign)
    if post.author_id:
        Profile.objects.filter(user_id=post.author_id).update(post_count=F("post_count") + sign)


def _refresh_last_post(thread_id: int) -> None:
    last = (
        Post.objects.filter(
            thread_id=thread_id, is_approved=True, is_hidden=False, deleted_at__isnull=True
        )
        .order_by("-created_at", "-id")
        .values("created_at", "author_id")
        .first()
    )
    if last:
        Thread.objects.filter(pk=thread_id).update(
            last_post_at=last["created_at"], last_poster_id=last["author_id"]
        )


def recount_thread(thread_id: int) -> None:
    """Rebuild a thread's reply count and last post from its posts."""
    visible = Q(is_approved=True, is_hidden=False, deleted_at__isnull=True)
    replies = Post.objects.filter(visible, thread_id=thread_id, is_opening=False).count()
    Thread.objects.filter(pk=thread_id).update(reply_count=replies)
    _refresh_last_post(thread_id)


def recount_category(category_id: int) -> None:
    visible_threads = Thread.objects.filter(
        category_id=category_id, deleted_at__isnull=True, is_approved=True
    )
    posts = Post.objects.filter(
        thread__in=visible_threads, is_approved=True, is_hidden=False, deleted_at__isnull=True
    ).count()
    Category.objects.filter(pk=category_id).update(
        thread_count=visible_threads.count(), post_count=posts
    )


def recount_profile(user_id: int) -> None:
    visible = Q(
        is_approved=True, is_hidden=False, deleted_at__isnull=True, thread__deleted_at__isnull=True
    )
    posts = Post.objects.filter(visible, author_id=user_id).count()
    votes = (
        Vote.objects.filter(post__author_id=user_id, post__deleted_at__isnull=True).aggregate(
            total=Count("id", filter=Q(value=1)) - Count("id", filter=Q(value=-1))
        )["total"]
        or 0
    )
    accepted = Thread.objects.filter(
        accepted_post__author_id=user_id, deleted_at__isnull=True
    ).count()
    Profile.objects.filter(user_id=user_id).update(
        post_count=posts, reputation=votes + accepted * ACCEPTED_ANSWER_REPUTATION
    )


# -- threads and posts ---------------------------------------------------------------------


@transaction.atomic
def create_thread(
    *, author, category: Category, title: str, body: str, tags: Iterable[str] = ()
) -> Thread:
    """Start a thread with its opening post. A new member's first posts may wait for a
    moderator's approval (the forum setting); then nobody else sees the thread until then."""
    if not perms.can_start_thread(author, category):
        if perms.is_member(author) and perms.can_read_category(author, category):
            profile = profile_for(author)
            _check_can_post(author, profile)
            raise PermissionDenied("Only moderators start threads in this category.")
        raise PermissionDenied("You cannot start a thread here.")
    title = _clean_title(title)
    body = _clean_body(body)
    tag_rows = _clean_tags(tags)
    profile = _locked_profile(author)
    _check_can_post(author, profile)
    approved = not _needs_approval(author, profile)
    now = timezone.now()
    thread = Thread.objects.create(
        category=category,
        title=title,
        author=author,
        last_post_at=now,
        last_poster=author,
        is_approved=approved,
    )
    thread.tags.set(tag_rows)
    post = Post.objects.create(
        thread=thread,
        author=author,
        is_opening=True,
        heading=title,
        body=body,
        is_approved=approved,
    )
    Watch.objects.get_or_create(user=author, thread=thread)
    if approved:
        _count_visible(post, 1)
        _announce(post)
    ThreadRead.objects.update_or_create(user=author, thread=thread, defaults={"last_read_at": now})
    return thread


@transaction.atomic
def create_reply(*, author, thread: Thread, body: str, reply_to: Post | None = None) -> Post:
    """Reply to a thread (optionally to one of its posts). Refused in a locked thread (except
    for moderators), while suspended, and in slow mode until the member's wait is over."""
    thread = (
        Thread.objects.select_related("category").select_for_update(of=("self",)).get(pk=thread.pk)
    )
    if not perms.can_reply(author, thread):
        if perms.is_member(author) and perms.can_read_thread(author, thread):
            _check_can_post(author, profile_for(author))
            if thread.is_locked:
                raise PermissionDenied("This thread is locked.")
        raise PermissionDenied("You cannot reply to this thread.")
    body = _clean_body(body)
    if reply_to is not None and (reply_to.thread_id != thread.pk or reply_to.deleted_at):
        raise ValidationError({"reply_to": ["Reply to a post of this thread."]})
    profile = _locked_profile(author)
    _check_can_post(author, profile)
    if thread.slow_mode_seconds and not perms.is_moderator(author):
        since = timezone.now() - timedelta(seconds=thread.slow_mode_seconds)
        last = (
            Post.objects.filter(thread=thread, author=author, created_at__gt=since)
            .order_by("-created_at")
            .first()
        )
        if last:
            wait = int((last.created_at - since).total_seconds()) + 1
            raise ApplicationError(
                f"Slow mode: you can post again in this thread in {wait} seconds.",
                code="slow_mode",
                status_code=429,
                extra={"retry_after": wait},
            )
    approved = not _needs_approval(author, profile)
    post = Post.objects.create(
        thread=thread, author=author, body=body, reply_to=reply_to, is_approved=approved
    )
    if approved:
        _count_visible(post, 1)
        Thread.objects.filter(pk=thread.pk).update(last_post_at=post.created_at, last_poster=author)
        _announce(post)
    ThreadRead.objects.update_or_create(
        user=author, thread=thread, defaults={"last_read_at": post.created_at}
    )
    return post


@transaction.atomic
def edit_post(
    *,
    user,
    post: Post,
    body: str,
    version: int | None = None,
    title: str | None = None,
    tags: Iterable[str] | None = None,
) -> Post:
    """Change a post (and, on the opening post, the thread's title and tags). The previous text
    is kept as a revision anyone who can read the post can see. Sending the `version` that was
    read refuses a save over someone else's newer edit (Conflict)."""
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("thread__category")
        .get(pk=post.pk)
    )
    if not perms.can_edit_post(user, post, edit_window_minutes=get_settings().edit_window_minutes):
        raise PermissionDenied("You cannot edit this post.")
    if version is not None and int(version) != post.version:
        raise Conflict(
            "Someone else edited this post since you opened it. Reload to see their change."
        )
    body = _clean_body(body)
    thread = post.thread
    new_title = _clean_title(title) if (post.is_opening and title is not None) else None
    tag_rows = _clean_tags(tags) if (post.is_opening and tags is not None) else None
    if body == post.body and (new_title is None or new_title == thread.title) and tag_rows is None:
        return post
    before_mentions = set(mentioned_handles(post.body))
    PostRevision.objects.create(post=post, body=post.body, heading=post.heading, edited_by=user)
    post.body = body
    if new_title is not None:
        post.heading = new_title
        Thread.objects.filter(pk=thread.pk).update(title=new_title, version=F("version") + 1)
        thread.title = new_title
    if tag_rows is not None:
        thread.tags.set(tag_rows)
    post.edited_at = timezone.now()
    post.edit_count = F("edit_count") + 1
    post.version = F("version") + 1
    post.save(update_fields=["body", "heading", "edited_at", "edit_count", "version"])
    post.refresh_from_db()
    if post.is_visible and post.author_id:
        added = [p for p in _resolve_mentions(body) if p.handle.lower() not in before_mentions]
        recipients = _readers([p.user for p in added], thread.category)
        if recipients:
            notify(
                recipients=recipients,
                kind="forum.mention",
                title=f"{post.author.display_name} mentioned you in {thread.title}",
                body=markdown_to_text(body),
                url=post.get_absolute_url(),
                actor=post.author,
                target=post,
            )
        publish(("forum", "thread", thread.pk), {"type": "forum.edit", "post_id": post.pk})
    if user.pk != post.author_id:
        log_action(acting_user=user, action="forum.post_edited", target=post)
    return post


@transaction.atomic
def delete_post(*, user, post: Post) -> Post:
    """Soft delete by the author or a moderator: the text stays for moderators (and can be
    restored), the others see a "deleted" note. Deleting the opening post deletes the thread."""
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("thread__category")
        .get(pk=post.pk)
    )
    if not perms.can_delete_post(user, post):
        raise PermissionDenied("You cannot delete this post.")
    was_visible = post.is_visible and post.thread.deleted_at is None
    post.deleted_at = timezone.now()
    post.deleted_by = user
    post.save(update_fields=["deleted_at", "deleted_by"])
    thread = post.thread
    if post.is_opening:
        Thread.objects.filter(pk=thread.pk).update(deleted_at=post.deleted_at)
        recount_category(thread.category_id)
        for author_id in set(thread.posts.values_list("author_id", flat=True)) - {None}:
            recount_profile(author_id)
    else:
        if was_visible:
            _count_visible(post, -1)
        _refresh_last_post(thread.pk)
        if thread.accepted_post_id == post.pk:
            _set_accepted(thread, None)
    if user.pk != post.author_id:
        log_action(acting_user=user, action="forum.post_deleted", target=post)
    _publish_change(post, "delete")
    return post


@transaction.atomic
def restore_post(*, acting_user, post: Post) -> Post:
    """Moderators bring back a deleted post (and its thread, if it was the opening post)."""
    if not perms.is_moderator(acting_user):
        raise PermissionDenied("Only moderators restore posts.")
    post = Post.objects.select_for_update(of=("self",)).select_related("thread").get(pk=post.pk)
    if post.deleted_at is None:
        return post
    post.deleted_at = None
    post.deleted_by = None
    post.save(update_fields=["deleted_at", "deleted_by"])
    if post.is_opening:
        Thread.objects.filter(pk=post.thread_id).update(deleted_at=None)
    recount_thread(post.thread_id)
    recount_category(post.thread.category_id)
    if post.author_id:
        recount_profile(post.author_id)
    log_action(acting_user=acting_user, action="forum.post_restored", target=post)
    _publish_change(post, "restore")
    return post


# -- votes and answers ---------------------------------------------------------------------


@transaction.atomic
def vote(*, user, post: Post, value: int) -> Post:
    """Up (1), down (-1) or withdraw (0) one's vote. One vote per member per post (a database
    constraint); changing it moves the score and the author's reputation by the difference."""
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = 99
    if value not in (-1, 0, 1):
        raise ValidationError({"value": ["Vote 1 (up), -1 (down) or 0 (withdraw)."]})
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("thread__category")
        .get(pk=post.pk)
    )
    if not perms.can_read_thread(user, post.thread) or not post.is_visible:
        raise PermissionDenied("You cannot vote on this post.")
    if not perms.can_vote(user, post):
        if post.author_id == user.pk:
            raise PermissionDenied("You cannot vote on your own post.")
        raise PermissionDenied("You cannot vote.")
    if value == -1 and not get_settings().allow_downvotes:
        raise ValidationError({"value": ["Down votes are switched off on this forum."]})
    existing = Vote.objects.filter(post=post, user=user).first()
    old = existing.value if existing else 0
    if value == 0:
        if existing:
            existing.delete()
    elif existing:
        existing.value = value
        existing.save(update_fields=["value", "created_at"])
    else:
        Vote.objects.create(post=post, user=user, value=value)
    delta = value - old
    if delta:
        Post.objects.filter(pk=post.pk).update(score=F("score") + delta)
        if post.is_opening:
            Thread.objects.filter(pk=post.thread_id).update(score=F("score") + delta)
        if post.author_id:
            profile_for(post.author)
            Profile.objects.filter(user_id=post.author_id).update(
                reputation=F("reputation") + delta
            )
        _publish_change(post, "vote")
    post.refresh_from_db(fields=["score"])
    post.my_vote = value
    return post


def _set_accepted(thread: Thread, post: Post | None) -> None:
    old_id = thread.accepted_post_id
    if old_id:
        old_author = Post.objects.filter(pk=old_id).values_list("author_id", flat=True).first()
        if old_author:
            Profile.objects.filter(user_id=old_author).update(
                reputation=F("reputation") - ACCEPTED_ANSWER_REPUTATION
            )
    Thread.objects.filter(pk=thread.pk).update(accepted_post=post)
    thread.accepted_post = post
    if post is not None and post.author_id:
        profile_for(post.author)
        Profile.objects.filter(user_id=post.author_id).update(
            reputation=F("reputation") + ACCEPTED_ANSWER_REPUTATION
        )


@transaction.atomic
def accept_answer(*, user, thread: Thread, post: Post | None) -> Thread:
    """In a Q&A category, the thread's author (or a moderator) marks one reply as the answer
    (None clears it). The answer's author gains reputation."""
    thread = (
        Thread.objects.select_for_update(of=("self",)).select_related("category").get(pk=thread.pk)
    )
    if not perms.can_read_thread(user, thread) or not perms.can_accept_answer(user, thread):
        raise PermissionDenied("Only the question's author or a moderator accepts an answer.")
    if post is not None and (post.thread_id != thread.pk or post.is_opening or not post.is_visible):
        raise ValidationError({"post": ["Choose a visible reply of this thread."]})
    if (post.pk if post else None) == thread.accepted_post_id:
        return thread
    _set_accepted(thread, post)
    if post is not None and post.author_id:
        notify(
            recipients=[post.author],
            kind="forum.accepted",
            title=f"Your answer in {thread.title} was accepted",
            url=post.get_absolute_url(),
            actor=user,
            target=post,
        )
    publish(
        ("forum", "thread", thread.pk),
        {"type": "forum.accept", "post_id": post.pk if post else None},
    )
    if user.pk != thread.author_id:
        log_action(
            acting_user=user,
            action="forum.answer_accepted",
            target=thread,
            after={"post": post.pk if post else None},
        )
    return thread


# -- reading, watching ---------------------------------------------------------------------


def mark_thread_read(*, user, thread: Thread) -> datetime | None:
    """Remember that the member has seen the thread up to now; returns when they had last read
    it (None on a first visit), for the "new since your last visit" marker."""
    if not user.is_authenticated:
        return None
    now = timezone.now()
    with transaction.atomic():
        row = ThreadRead.objects.select_for_update().filter(user=user, thread=thread).first()
        if row is None:
            try:
                with transaction.atomic():
                    ThreadRead.objects.create(user=user, thread=thread, last_read_at=now)
            except IntegrityError:
                pass
            return None
        previous = row.last_read_at
        ThreadRead.objects.filter(pk=row.pk).update(last_read_at=now)
        return previous


@transaction.atomic
def set_watch(
    *, user, thread: Thread | None = None, category: Category | None = None, watching: bool
) -> bool:
    """Watch (or stop watching) a thread or a whole category: its new posts notify you."""
    if not perms.is_member(user):
        raise PermissionDenied("Sign in to watch.")
    if (thread is None) == (category is None):
        raise ValidationError({"target": ["Watch a thread or a category."]})
    if thread is not None and not perms.can_read_thread(user, thread):
        raise PermissionDenied("You cannot watch this thread.")
    if category is not None and not perms.can_read_category(user, category):
        raise PermissionDenied("You cannot watch this category.")
    lookup = {"thread": thread} if thread is not None else {"category": category}
    if watching:
        try:
            with transaction.atomic():
                Watch.objects.get_or_create(user=user, **lookup)
        except IntegrityError:
            pass
    else:
        Watch.objects.filter(user=user, **lookup).delete()
    return watching


# -- images in posts -----------------------------------------------------------------------


def upload_image(*, user, file) -> dict:
    """Store a checked, re-encoded image for use in a post; returns its URL and Markdown."""
    if not perms.is_member(user) or perms.is_suspended(user):
        raise PermissionDenied("Sign in to upload images.")
    try:
        image = validate_image(file, max_bytes=8 * 1024 * 1024)
    except ValidationError as error:
        raise ValidationError({"image": error.messages}) from error
    name = default_storage.save(f"forum/uploads/{user.pk}/{image.name}", image)
    request_thumbnails(name)
    url = default_storage.url(name)
    alt = re.sub(r"[\[\]]", "", image.name.rsplit(".", 1)[0])[:80]
    return {"url": url, "markdown": f"![{alt}]({url})"}


# -- moderation ----------------------------------------------------------------------------


def _require_moderator(user) -> None:
    if not perms.is_moderator(user):
        raise PermissionDenied("Only moderators can do this.")


def _locked_thread(thread: Thread) -> Thread:
    return (
        Thread.objects.select_for_update(of=("self",)).select_related("category").get(pk=thread.pk)
    )


@transaction.atomic
def set_thread_flags(
    *,
    acting_user,
    thread: Thread,
    is_pinned: bool | None = None,
    is_locked: bool | None = None,
    slow_mode_seconds: int | None = None,
) -> Thread:
    """Moderators pin, lock and set slow mode (seconds between one member's posts, 0 off)."""
    _require_moderator(acting_user)
    thread = _locked_thread(thread)
    changes = {}
    if is_pinned is not None and bool(is_pinned) != thread.is_pinned:
        changes["is_pinned"] = bool(is_pinned)
    if is_locked is not None and bool(is_locked) != thread.is_locked:
        changes["is_locked"] = bool(is_locked)
    if slow_mode_seconds is not None:
        try:
            seconds = int(slow_mode_seconds)
        except (TypeError, ValueError):
            seconds = -1
        if not 0 <= seconds <= 86_400:
            raise ValidationError(
                {"slow_mode_seconds": ["Choose 0 (off) up to 86400 seconds (a day)."]}
            )
        if seconds != thread.slow_mode_seconds:
            changes["slow_mode_seconds"] = seconds
    for field, value in changes.items():
        before = getattr(thread, field)
        setattr(thread, field, value)
        action = {
            "is_pinned": "pinned" if value else "unpinned",
            "is_locked": "locked" if value else "unlocked",
            "slow_mode_seconds": "slow_mode_set",
        }[field]
        log_action(
            acting_user=acting_user,
            action=f"forum.thread_{action}",
            target=thread,
            before={field: before},
            after={field: value},
        )
    if changes:
        thread.save(update_fields=list(changes))
    return thread


@transaction.atomic
def move_thread(*, acting_user, thread: Thread, category: Category) -> Thread:
    """Moderators move a thread to another category."""
    _require_moderator(acting_user)
    thread = _locked_thread(thread)
    if category.pk == thread.category_id:
        return thread
    old = thread.category
    thread.category = category
    thread.save(update_fields=["category"])
    recount_category(old.pk)
    recount_category(category.pk)
    log_action(
        acting_user=acting_user,
        action="forum.thread_moved",
        target=thread,
        before={"category": old.name},
        after={"category": category.name},
    )
    return thread


@transaction.atomic
def merge_threads(*, acting_user, source: Thread, target: Thread) -> Thread:
    """Moderators merge `source` into `target`: its posts join the target in time order, its
    opening post becomes a reply, and `source` redirects to `target` from then on."""
    _require_moderator(acting_user)
    if source.pk == target.pk:
        raise ValidationError({"target": ["Choose another thread to merge into."]})
    locked = {
        t.pk: t for t in Thread.objects.select_for_update().filter(pk__in=[source.pk, target.pk])
    }
    source, target = locked[source.pk], locked[target.pk]
    if target.deleted_at or target.merged_into_id:
        raise ValidationError({"target": ["This thread was deleted or merged already."]})
    if source.deleted_at or source.merged_into_id:
        raise ValidationError({"source": ["This thread was deleted or merged already."]})
    Post.objects.filter(thread=source, is_opening=True).update(is_opening=False, heading="")
    Post.objects.filter(thread=source).update(thread=target)
    ThreadRead.objects.filter(thread=source).delete()
    for watch in Watch.objects.filter(thread=source):
        Watch.objects.get_or_create(user_id=watch.user_id, thread=target)
    Watch.objects.filter(thread=source).delete()
    Thread.objects.filter(pk=source.pk).update(
        merged_into=target, deleted_at=timezone.now(), accepted_post=None
    )
    recount_thread(target.pk)
    for category_id in {source.category_id, target.category_id}:
        recount_category(category_id)
    log_action(
        acting_user=acting_user,
        action="forum.thread_merged",
        target=target,
        before={"source": source.pk, "title": source.title},
        after={"target": target.pk},
    )
    return target


def _set_post_visibility(post: Post, **changes) -> None:
    was = post.is_visible and post.thread.deleted_at is None
    for field, value in changes.items():
        setattr(post, field, value)
    post.save(update_fields=list(changes))
    now = post.is_visible and post.thread.deleted_at is None
    if was != now:
        if post.is_opening:
            recount_category(post.thread.category_id)
            if post.author_id:
                recount_profile(post.author_id)
        else:
            _count_visible(post, 1 if now else -1)
            _refresh_last_post(post.thread_id)


@transaction.atomic
def hide_post(*, acting_user, post: Post, reason: str = "", hidden: bool = True) -> Post:
    """Moderators hide a post (members see a "hidden by a moderator" note) or show it again."""
    _require_moderator(acting_user)
    if len(reason or "") > 300:
        raise ValidationError({"reason": ["At most 300 characters."]})
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("thread__category")
        .get(pk=post.pk)
    )
    if post.is_hidden == bool(hidden):
        return post
    _set_post_visibility(
        post, is_hidden=bool(hidden), hidden_reason=(reason or "") if hidden else ""
    )
    log_action(
        acting_user=acting_user,
        action="forum.post_hidden" if hidden else "forum.post_unhidden",
        target=post,
        after={"reason": reason},
    )
    _publish_change(post, "hide" if hidden else "unhide")
    return post


@transaction.atomic
def approve_post(*, acting_user, post: Post, approve: bool = True) -> Post | None:
    """Moderators approve a waiting post (it appears and notifies as if just posted) or reject
    it (it is deleted; a rejected opening post deletes its thread)."""
    _require_moderator(acting_user)
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("thread__category", "author")
        .get(pk=post.pk)
    )
    if post.is_approved:
        return post
    if not approve:
        post.deleted_at = timezone.now()
        post.deleted_by = acting_user
        post.save(update_fields=["deleted_at", "deleted_by"])
        if post.is_opening:
            Thread.objects.filter(pk=post.thread_id).update(deleted_at=post.deleted_at)
        log_action(acting_user=acting_user, action="forum.post_rejected", target=post)
        return None
    if post.is_opening:
        Thread.objects.filter(pk=post.thread_id).update(is_approved=True)
        post.thread.is_approved = True
    post.is_approved = True
    post.save(update_fields=["is_approved"])
    if post.author_id:
        profile_for(post.author)
    if post.deleted_at is None:
        _count_visible(post, 1)
        _refresh_last_post(post.thread_id)
        _announce(post)
    log_action(acting_user=acting_user, action="forum.post_approved", target=post)
    return post


@transaction.atomic
def report_post(*, reporter, post: Post, reason: str, message: str = "") -> Report:
    """A member reports a post to the moderators, once per post while the report is open."""
    if not perms.is_member(reporter) or not perms.can_read_thread(reporter, post.thread):
        raise PermissionDenied("You cannot report this post.")
    if reason not in Report.Reason.values:
        raise ValidationError({"reason": ["Choose a reason."]})
    message = (message or "").strip()
    if len(message) > 500:
        raise ValidationError({"message": ["At most 500 characters."]})
    if reason == Report.Reason.OTHER and not message:
        raise ValidationError({"message": ["Tell the moderators what is wrong."]})
    if post.author_id == reporter.pk:
        raise ValidationError({"post": ["You cannot report your own post."]})
    try:
        with transaction.atomic():
            return Report.objects.create(
                post=post, reporter=reporter, reason=reason, message=message
            )
    except IntegrityError as error:
        raise Conflict("You already reported this post; the moderators will look at it.") from error


@transaction.atomic
def resolve_report(*, acting_user, report: Report, hide: bool) -> Report:
    """Moderators close a report: dismiss it, or hide the post. Every open report on the same
    post is closed with it."""
    _require_moderator(acting_user)
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("post__thread__category")
        .get(pk=report.pk)
    )
    if report.resolved_at:
        return report
    if hide:
        hide_post(
            acting_user=acting_user,
            post=report.post,
            reason=f"Reported: {report.get_reason_display()}",
        )
    resolution = Report.Resolution.ACTIONED if hide else Report.Resolution.DISMISSED
    now = timezone.now()
    Report.objects.filter(post=report.post, resolved_at__isnull=True).update(
        resolution=resolution, resolved_at=now, resolved_by=acting_user
    )
    report.refresh_from_db()
    log_action(
        acting_user=acting_user,
        action=f"forum.report_{resolution}",
        target=report.post,
        after={"reason": report.reason, "message": report.message},
    )
    return report


@transaction.atomic
def suspend_member(*, acting_user, user, until: datetime | None, reason: str = "") -> Profile:
    """Moderators stop a member from posting, voting and reporting until a time (None lifts
    it). Moderators cannot suspend a moderator or an admin."""
    _require_moderator(acting_user)
    if user.pk == acting_user.pk:
        raise ValidationError({"user": ["You cannot suspend yourself."]})
    if perms.is_moderator(user):
        raise PermissionDenied(
            "Moderators and admins cannot be suspended here; change their role first."
        )
    if until is not None and until <= timezone.now():
        raise ValidationError({"until": ["Choose a time in the future."]})
    if until is not None and until > timezone.now() + timedelta(days=3660):
        raise ValidationError({"until": ["At most ten years."]})
    if len(reason or "") > 300:
        raise ValidationError({"reason": ["At most 300 characters."]})
    profile = _locked_profile(user)
    before = {"suspended_until": profile.suspended_until}
    profile.suspended_until = until
    profile.suspension_reason = (reason or "") if until else ""
    profile.save(update_fields=["suspended_until", "suspension_reason"])
    log_action(
        acting_user=acting_user,
        action="forum.member_suspended" if until else "forum.member_unsuspended",
        target=user,
        before=before,
        after={"suspended_until": until, "reason": reason},
    )
    return profile


# -- background ----------------------------------------------------------------------------


def recount_forum() -> dict:
    """Rebuild every counter from the rows (threads, categories, profiles). Idempotent."""
    threads = categories = profiles = 0
    for post_id in Post.objects.values_list("pk", flat=True).iterator():
        up_down = (
            Vote.objects.filter(post_id=post_id).aggregate(
                total=Count("id", filter=Q(value=1)) - Count("id", filter=Q(value=-1))
            )["total"]
            or 0
        )
        Post.objects.filter(pk=post_id).exclude(score=up_down).update(score=up_down)
    for thread_id in Thread.objects.values_list("pk", flat=True):
        with transaction.atomic():
            recount_thread(thread_id)
            score = (
                Post.objects.filter(thread_id=thread_id, is_opening=True)
                .values_list("score", flat=True)
                .first()
            )
            Thread.objects.filter(pk=thread_id).exclude(score=score or 0).update(score=score or 0)
        threads += 1
    for category_id in Category.objects.values_list("pk", flat=True):
        with transaction.atomic():
            recount_category(category_id)
        categories += 1
    for user_id in Profile.objects.values_list("user_id", flat=True):
        with transaction.atomic():
            recount_profile(user_id)
        profiles += 1
    return {"threads": threads, "categories": categories, "profiles": profiles}
