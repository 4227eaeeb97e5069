"""Reads of the forum, each with its joins built in, filtered by what the user may read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from tenant_apps.forum import permissions as perms
from tenant_apps.forum.models import (
    Category,
    Post,
    Profile,
    Report,
    Tag,
    Thread,
    ThreadRead,
    Vote,
    Watch,
)

SORTS = {"latest", "top", "unanswered", "new"}
# ts_headline works on the raw Markdown, which may contain "<": it marks matches with private-use
# characters, and `snippet_html` escapes everything before turning them into <mark>.
MARK_START, MARK_STOP = "\ue000", "\ue001"


def categories_for(user) -> list[Category]:
    """Top-level categories the user may read, each with its readable `children` list."""
    readable = Category.objects.filter(visibility__in=perms.readable_visibilities(user))
    rows = list(readable)
    by_parent: dict[int | None, list[Category]] = {}
    for row in rows:
        by_parent.setdefault(row.parent_id, []).append(row)
    top = by_parent.get(None, [])
    for row in top:
        row.subcategories = by_parent.get(row.pk, [])
    return top


def readable_categories(user) -> QuerySet[Category]:
    return Category.objects.filter(visibility__in=perms.readable_visibilities(user))


def category_by_slug(user, slug: str) -> Category | None:
    category = Category.objects.filter(slug__iexact=slug).select_related("parent").first()
    if category is None or not perms.can_read_category(user, category):
        return None
    category.subcategories = list(readable_categories(user).filter(parent=category))
    return category


def visible_threads(user) -> QuerySet[Thread]:
    queryset = Thread.objects.filter(
        category__visibility__in=perms.readable_visibilities(user), deleted_at__isnull=True
    )
    if not perms.is_moderator(user):
        mine = Q(author=user) if user.is_authenticated else Q(pk__in=[])
        queryset = queryset.filter(Q(is_approved=True) | mine)
    return queryset


def thread_list(
    user,
    *,
    category: Category | None = None,
    tag: Tag | None = None,
    author_id: int | None = None,
    sort: str = "latest",
    include_subcategories: bool = True,
) -> QuerySet[Thread]:
    """Threads for a list page: pinned first on "latest"; "top" by the opening post's score;
    "unanswered" without replies (and, in Q&A, without an accepted answer); "new" by creation.
    Each row carries `last_read_at` for the signed-in user (None: never opened)."""
    queryset = (
        visible_threads(user)
        .select_related("category", "author", "author__forum_profile", "last_poster")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
    )
    if category is not None:
        ids = [category.pk]
        if include_subcategories:
            ids += list(category.children.values_list("pk", flat=True))
        queryset = queryset.filter(category_id__in=ids)
    if tag is not None:
        queryset = queryset.filter(tags=tag)
    if author_id is not None:
        queryset = queryset.filter(author_id=author_id)
    if sort == "top":
        queryset = queryset.order_by("-score", "-last_post_at", "-id")
    elif sort == "unanswered":
        queryset = queryset.filter(reply_count=0, accepted_post__isnull=True).order_by(
            "-created_at", "-id"
        )
    elif sort == "new":
        queryset = queryset.order_by("-created_at", "-id")
    else:
        queryset = queryset.order_by("-is_pinned", "-last_post_at", "-id")
    if user.is_authenticated:
        queryset = queryset.annotate(
            last_read_at=Subquery(
                ThreadRead.objects.filter(user=user, thread=OuterRef("pk")).values("last_read_at")[
                    :1
                ]
            )
        )
    return queryset


def thread_for(user, thread_id: int) -> Thread | None:
    """The thread if the user may read it (moderators also get deleted ones)."""
    thread = (
        Thread.objects.select_related(
            "category", "category__parent", "author", "accepted_post", "merged_into"
        )
        .prefetch_related("tags")
        .filter(pk=thread_id)
        .first()
    )
    if thread is None or not perms.can_read_thread(user, thread):
        return None
    return thread


def can_follow_thread(user, thread_id: str) -> bool:
    """The live topic check: may this user (maybe anonymous) see thread `thread_id`'s posts?"""
    try:
        return thread_for(user, int(thread_id)) is not None
    except (TypeError, ValueError):
        return False


def posts_of(user, thread: Thread) -> QuerySet[Post]:
    """The posts of a thread in order. Deleted and hidden posts stay as placeholders (their
    text is shown to moderators only); a post waiting for approval is seen by its author and
    the moderators. Each row has `my_vote` for the signed-in user."""
    queryset = Post.objects.filter(thread=thread).select_related(
        "author", "author__forum_profile", "reply_to", "reply_to__author"
    )
    if not perms.is_moderator(user):
        mine = Q(author=user) if user.is_authenticated else Q(pk__in=[])
        queryset = queryset.filter(Q(is_approved=True) | mine)
    if user.is_authenticated:
        queryset = queryset.annotate(
            my_vote=Subquery(
                Vote.objects.filter(post=OuterRef("pk"), user=user).values("value")[:1]
            )
        )
    return queryset.order_by("created_at", "id")


def post_for(user, post_id: int) -> Post | None:
    post = Post.objects.select_related("thread__category", "author").filter(pk=post_id).first()
    if post is None or not perms.can_read_thread(user, post.thread):
        return None
    if not post.is_approved and not (perms.is_moderator(user) or post.author_id == user.pk):
        return None
    return post


def post_position(user, post: Post) -> int:
    """How many posts come before this one on the thread page (to find its page)."""
    return (
        posts_of(user, post.thread)
        .filter(Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, id__lt=post.pk))
        .count()
    )


def is_watching(user, *, thread: Thread | None = None, category: Category | None = None) -> bool:
    if not user.is_authenticated:
        return False
    lookup = {"thread": thread} if thread is not None else {"category": category}
    return Watch.objects.filter(user=user, **lookup).exists()


def tags_in_use(user) -> QuerySet[Tag]:
    from django.db.models import Count

    return (
        Tag.objects.annotate(
            uses=Count("threads", filter=Q(threads__in=visible_threads(user)), distinct=True)
        )
        .filter(uses__gt=0)
        .order_by("-uses", "name")
    )


def profile_by_handle(handle: str) -> Profile | None:
    return Profile.objects.select_related("user").filter(handle__iexact=handle).first()


def recent_posts_by(user, author_id: int, limit: int = 20) -> list[Post]:
    """A member's recent visible posts in threads the viewer may read."""
    return list(
        Post.objects.filter(
            author_id=author_id,
            is_approved=True,
            is_hidden=False,
            deleted_at__isnull=True,
            thread__in=visible_threads(user).filter(is_approved=True),
        )
        .select_related("thread", "thread__category")
        .order_by("-created_at", "-id")[:limit]
    )


def moderation_queue() -> dict:
    reports = (
        Report.objects.filter(resolved_at__isnull=True)
        .select_related("post", "post__author", "post__thread", "reporter")
        .order_by("created_at", "id")
    )
    pending = (
        Post.objects.filter(is_approved=False, deleted_at__isnull=True)
        .select_related("author", "thread", "thread__category")
        .order_by("created_at", "id")
    )
    return {"reports": reports, "pending": pending}


def suspended_profiles() -> QuerySet[Profile]:
    return Profile.objects.filter(suspended_until__gt=timezone.now()).select_related("user")


# -- search --------------------------------------------------------------------------------


@dataclass
class SearchFilters:
    q: str = ""
    category: Category | None = None
    author: Profile | None = None
    tag: Tag | None = None
    after: date | None = None
    before: date | None = None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def search_posts(user, filters: SearchFilters) -> QuerySet[Post]:
    """Full-text search over titles (weight A) and post bodies (weight B) through the
    GIN-indexed generated `search_vector`, best match first (ts_rank), with a highlighted
    `snippet` (ts_headline). Only visible posts of threads the user may read."""
    query = SearchQuery(filters.q, search_type="websearch", config="english")
    # The readable categories are a short list: filtering on their ids through a plain join
    # (rather than a subquery of threads) lets the planner start from the GIN index.
    categories = readable_categories(user)
    if filters.category is not None:
        categories = categories.filter(Q(pk=filters.category.pk) | Q(parent=filters.category))
    category_ids = list(categories.values_list("pk", flat=True))
    queryset = Post.objects.filter(
        search_vector=query,
        is_approved=True,
        is_hidden=False,
        deleted_at__isnull=True,
        thread__category_id__in=category_ids,
        thread__deleted_at__isnull=True,
        thread__is_approved=True,
    )
    if filters.tag is not None:
        queryset = queryset.filter(thread__tags=filters.tag)
    if filters.author is not None:
        queryset = queryset.filter(author_id=filters.author.user_id)
    if filters.after:
        queryset = queryset.filter(created_at__gte=_day_start(filters.after))
    if filters.before:
        queryset = queryset.filter(created_at__lt=_day_start(filters.before + timedelta(days=1)))
    return (
        queryset.annotate(
            rank=SearchRank(F("search_vector"), query),
            snippet=SearchHeadline(
                "body",
                query,
                config="english",
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
            ),
        )
        .select_related("thread", "thread__category", "author", "author__forum_profile")
        .order_by("-rank", "-created_at", "-id")
    )


def has_unread_flag(thread: Thread) -> bool:
    last_read = getattr(thread, "last_read_at", None)
    return last_read is not None and thread.last_post_at > last_read


def snippet_html(snippet: str) -> str:
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    html = escape(" ".join((snippet or "").split()))
    return mark_safe(html.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>"))  # noqa: S308
