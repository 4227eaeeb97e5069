"""Every change of state in the links app. Plain functions, keyword-only arguments, one
transaction each; bad input raises ValidationError naming the field."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import secrets
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import Resolver404, get_resolver, resolve, reverse
from django.utils import timezone

from shared_apps.billing import entitlements
from tenant_apps.links import codes, netscape
from tenant_apps.links.models import Bookmark, Click, LinkSettings, ShortLink, Tag
from tenant_apps.links.useragents import parse_user_agent
from tenant_apps.members.models import Role
from tenant_apps.members.selectors import has_role
from tenant_apps.notifications.services import notify

#: First path segments that are, or may become, pages of the site.
RESERVED_ALIASES = frozenset(
    {
        "accounts", "admin", "api", "billing", "console", "events", "forum", "links",
        "media", "members", "notifications", "recipes", "static", "store", "tasks",
        "favicon.ico", "robots.txt", "sitemap.xml", "login", "logout", "signup",
        "settings", "health", "well-known", "ws",
    }
)  # fmt: skip
CODE_LENGTH = 7
MAX_TAGS = 20
MAX_IMPORT_BYTES = 5 * 1024 * 1024
BUFFER_KEY = "links:click-buffer"
PROCESSING_KEY = "links:click-processing"
FLUSH_BATCH = 1000
CACHE_SECONDS = 300


# -- settings and permissions --------------------------------------------------------------


def get_settings() -> LinkSettings:
    row = cache.get("links:settings")
    if row is None:
        row, _ = LinkSettings.objects.get_or_create(id=1)
        cache.set("links:settings", row, CACHE_SECONDS)
    return row


def can_create_links(user) -> bool:
    if not has_role(user, Role.MEMBER):
        return False
    return get_settings().members_may_create_links or has_role(user, Role.MODERATOR)


def can_manage_link(user, link: ShortLink) -> bool:
    """The creator manages their link; moderators and above manage every link."""
    if not has_role(user, Role.MEMBER):
        return False
    return link.created_by_id == user.pk or has_role(user, Role.MODERATOR)


@transaction.atomic
def update_settings(
    *, user, default_redirect_type: int, members_may_create_links: bool
) -> LinkSettings:
    """Admins choose the default redirect type and whether plain members may create links."""
    if not has_role(user, Role.ADMIN):
        raise PermissionDenied("Only admins can change the link settings.")
    if int(default_redirect_type) not in (301, 302):
        raise ValidationError({"default_redirect_type": ["Choose 301 or 302."]})
    row = LinkSettings.objects.select_for_update().get_or_create(id=1)[0]
    row.default_redirect_type = int(default_redirect_type)
    row.members_may_create_links = bool(members_may_create_links)
    row.save()
    cache.delete("links:settings")
    transaction.on_commit(lambda: cache.delete("links:settings"))
    return row


# -- validation ----------------------------------------------------------------------------


def own_hosts(organization) -> list[str]:
    hosts = [f"{organization.schema_name}.{settings.BASE_DOMAIN}", settings.BASE_DOMAIN]
    hosts += list(organization.domains.values_list("domain", flat=True))
    return hosts


@functools.cache
def site_prefixes() -> frozenset[str]:
    """The first path segment of every page of the tenant site ("links", "accounts", ...)."""
    prefixes: set[str] = set()

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = getattr(pattern.pattern, "_route", None)
            if route is None:  # a regex pattern: our own catch-all
                continue
            full = prefix + route
            if hasattr(pattern, "url_patterns") and not full:
                walk(pattern.url_patterns, full)
                continue
            first = full.split("/", 1)[0]
            if first and "<" not in first:
                prefixes.add(first.lower())
            elif not first and hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, full)

    walk(get_resolver("config.urls_tenant").url_patterns, "")
    return frozenset(prefixes)


def alias_problem(alias: str) -> str | None:
    """Why an alias cannot be used, or None. An alias may never shadow a page of the site:
    it is checked against the first segment of every route of the tenant URLconf, then
    resolved there (only our own catch-all may answer), and against a reserved list."""
    problem = codes.is_valid_alias(alias, RESERVED_ALIASES)
    if problem:
        return problem
    if alias.lower() in site_prefixes():
        return "This alias is already a page of the site. Choose another one."
    for path in (f"/{alias}", f"/{alias}/"):
        try:
            match = resolve(path, urlconf="config.urls_tenant")
        except Resolver404:
            continue
        if match.url_name != "follow":
            return "This alias is already a page of the site. Choose another one."
    return None


def _clean_tags(names: Iterable[str], field: str = "tags") -> list[Tag]:
    cleaned: dict[str, str] = {}
    for raw in names:
        name = " ".join(str(raw).split()).strip().lstrip("#")
        if not name:
            continue
        if len(name) > 50:
            raise ValidationError({field: ["A tag can be at most 50 characters long."]})
        cleaned.setdefault(name.lower(), name)
    if len(cleaned) > MAX_TAGS:
        raise ValidationError({field: [f"At most {MAX_TAGS} tags."]})
    tags = []
    for lower, name in cleaned.items():
        tag = Tag.objects.filter(name__iexact=lower).first()
        if tag is None:
            try:
                with transaction.atomic():
                    tag = Tag.objects.create(name=name)
            except IntegrityError:  # another request created it meanwhile
                tag = Tag.objects.get(name__iexact=lower)
        tags.append(tag)
    return tags


def parse_tag_text(text: str) -> list[str]:
    return [part for part in (text or "").replace(",", " ").split() if part]


# -- short links ---------------------------------------------------------------------------


def _link_cache_key(code: str) -> str:
    return f"links:code:{code.lower()}"


#: Redirect data kept in each web process for a few seconds, so the hot path usually needs
#: no Redis read at all. Keyed by the full cache key, which carries the schema. An edit clears
#: this process's entry at once and other processes' within LOCAL_SECONDS.
_local_links: dict[str, tuple[float, dict]] = {}
LOCAL_SECONDS = 2.0
_LOCAL_MAX = 10_000


def forget_link(code: str) -> None:
    key = _link_cache_key(code)
    cache.delete(key)
    _local_links.pop(cache.make_key(key), None)


@transaction.atomic
def create_short_link(
    *,
    organization,
    user,
    target_url: str,
    alias: str = "",
    title: str = "",
    tags: Iterable[str] = (),
    expires_at: dt.datetime | None = None,
    max_clicks: int | None = None,
    password: str = "",
    redirect_type: int | None = None,
) -> ShortLink:
    """A new short link with the alias asked for, or a random unambiguous code. Random codes
    are collision-safe: the unique index decides, and a collision draws a new code."""
    if not can_create_links(user):
        raise PermissionDenied("You cannot create short links on this site.")
    entitlements.ensure_can_add(organization, "short_links", current=ShortLink.objects.count())
    fields = _validated_fields(
        organization=organization,
        target_url=target_url,
        title=title,
        expires_at=expires_at,
        max_clicks=max_clicks,
        redirect_type=redirect_type,
    )
    tag_objects = _clean_tags(tags)
    link = None
    if alias:
        problem = alias_problem(alias)
        if problem:
            raise ValidationError({"alias": [problem]})
        if ShortLink.objects.filter(code__iexact=alias).exists():
            raise ValidationError({"alias": ["This alias is already taken."]})
        try:
            with transaction.atomic():
                link = ShortLink.objects.create(
                    code=alias, is_custom_alias=True, created_by=user, **fields
                )
        except IntegrityError:
            raise ValidationError({"alias": ["This alias is already taken."]}) from None
    else:
        for attempt in range(8):
            code = codes.generate_code(CODE_LENGTH + attempt // 3)
            if alias_problem(code):
                continue
            try:
                with transaction.atomic():
                    link = ShortLink.objects.create(code=code, created_by=user, **fields)
                break
            except IntegrityError:
                continue
        if link is None:  # pragma: no cover - 8 collisions in a 1e12 space
            raise ValidationError({"alias": ["Could not draw a free code; try again."]})
    if password:
        link.password = make_password(password)
        link.save(update_fields=["password"])
    link.tags.set(tag_objects)
    # A visit before the link existed may have cached "no such link" for this code.
    forget_link(link.code)
    transaction.on_commit(lambda: forget_link(link.code))
    return link


def _validated_fields(
    *, organization, target_url, title, expires_at, max_clicks, redirect_type
) -> dict:
    target_url = (target_url or "").strip()
    problem = codes.validate_target_url(target_url, own_hosts(organization))
    if problem:
        raise ValidationError({"target_url": [problem]})
    if len(title or "") > 200:
        raise ValidationError({"title": ["A title can be at most 200 characters long."]})
    if max_clicks is not None and int(max_clicks) < 1:
        raise ValidationError({"max_clicks": ["The click limit must be at least 1."]})
    if redirect_type in (None, ""):
        redirect_type = get_settings().default_redirect_type
    if int(redirect_type) not in (301, 302):
        raise ValidationError({"redirect_type": ["Choose 301 or 302."]})
    return {
        "target_url": target_url,
        "title": (title or "").strip(),
        "expires_at": expires_at,
        "max_clicks": max_clicks,
        "redirect_type": int(redirect_type),
    }


@transaction.atomic
def update_short_link(
    *,
    organization,
    user,
    link: ShortLink,
    target_url: str,
    title: str = "",
    tags: Iterable[str] = (),
    expires_at: dt.datetime | None = None,
    max_clicks: int | None = None,
    password: str | None = None,
    redirect_type: int | None = None,
    is_enabled: bool = True,
) -> ShortLink:
    """Change where and how a link redirects; the code stays. `password=None` keeps the
    current password, an empty string removes it."""
    if not can_manage_link(user, link):
        raise PermissionDenied("You cannot change this link.")
    fields = _validated_fields(
        organization=organization,
        target_url=target_url,
        title=title,
        expires_at=expires_at,
        max_clicks=max_clicks,
        redirect_type=redirect_type,
    )
    tag_objects = _clean_tags(tags)
    locked = ShortLink.objects.select_for_update().get(pk=link.pk)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.is_enabled = bool(is_enabled)
    if password is not None:
        locked.password = make_password(password) if password else ""
    locked.save()
    locked.tags.set(tag_objects)
    forget_link(locked.code)
    # Again after commit: a redirect in between may have cached the old row.
    transaction.on_commit(lambda: forget_link(locked.code))
    return locked


@transaction.atomic
def delete_short_link(*, user, link: ShortLink) -> None:
    if not can_manage_link(user, link):
        raise PermissionDenied("You cannot delete this link.")
    code = link.code
    link.delete()
    forget_link(code)
    transaction.on_commit(lambda: forget_link(code))


def link_for_redirect(code: str) -> dict | None:
    """What the redirect needs: from this process's memory (a few seconds), else the cache
    (one Redis round trip), else the database."""
    key = _link_cache_key(code)
    local_key = cache.make_key(key)
    now = time.monotonic()
    cached = _local_links.get(local_key)
    if cached is not None and cached[0] > now:
        data = cached[1]
        return None if data.get("missing") else data
    data = cache.get(key)
    if data is None:
        link = ShortLink.objects.filter(code__iexact=code).first()
        data = {"missing": True}
        if link is not None:
            data = {
                "id": link.pk,
                "code": link.code,
                "target": link.target_url,
                "status": link.redirect_type,
                "enabled": link.is_enabled,
                "expires": link.expires_at.timestamp() if link.expires_at else None,
                "max_clicks": link.max_clicks,
                "clicks": link.click_count,
                "password": link.password,
            }
        cache.set(key, data, CACHE_SECONDS)
    if len(_local_links) >= _LOCAL_MAX:
        _local_links.clear()
    _local_links[local_key] = (now + LOCAL_SECONDS, data)
    return None if data.get("missing") else data


def check_link_password(*, data: dict, password: str) -> bool:
    return bool(data["password"]) and check_password(password or "", data["password"])


def claim_click(*, data: dict) -> bool:
    """For links with a click limit: count this visit atomically; False when the limit is
    used up. Links without a limit need no counter."""
    if not data["max_clicks"]:
        return True
    key = f"links:hits:{data['id']}"
    cache.add(key, data["clicks"], None)
    try:
        used = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.add(key, data["clicks"] + 1, None)
        used = data["clicks"] + 1
    return used <= data["max_clicks"]


_local_salts: dict[str, str] = {}


def _daily_salt(day: dt.date) -> str:
    """The tenant's random salt of the day, shared by every process through the cache and
    remembered in this one (it never changes during its day)."""
    key = cache.make_key(f"links:salt:{day.isoformat()}")
    salt = _local_salts.get(key)
    if salt is None:
        salt = cache.get_or_set(f"links:salt:{day.isoformat()}", secrets.token_hex(16), 2 * 86400)
        if len(_local_salts) > 1000:
            _local_salts.clear()
        _local_salts[key] = salt
    return salt


def visitor_hash(*, ip: str, user_agent: str, day: dt.date) -> str:
    """A visitor's fingerprint for one day. The salt is random per day and forgotten after
    two, so neither the IP address nor yesterday's visitors can be recovered."""
    raw = f"{_daily_salt(day)}|{ip}|{user_agent}".encode()
    return hashlib.sha256(raw).hexdigest()[:32]


def _redis():
    """The raw Redis client behind the default cache, or None with a non-Redis cache."""
    backend = getattr(cache, "_cache", None)
    if backend is None or not hasattr(backend, "get_client"):
        return None
    # Building a client object costs more than the command on the hot path; keep one per
    # backend (it is thread-safe and shares the backend's connection pool).
    client = getattr(backend, "_links_client", None)
    if client is None:
        client = backend._links_client = backend.get_client(write=True)
    return client


def buffer_key(name: str) -> str:
    """The tenant's Redis key for a click list: built by the cache's own key function, so
    it carries the schema like every other cache key."""
    return cache.make_key(name)


def buffer_click(*, link_id: int, ip: str, user_agent: str, referrer: str) -> None:
    """Remember a click for the next batch. The redirect does only this: one RPUSH. The
    first click into an empty buffer schedules a flush a few seconds later."""
    now = timezone.now()
    event = {
        "id": uuid.uuid4().hex,
        "link": link_id,
        "at": now.timestamp(),
        "visitor": visitor_hash(ip=ip, user_agent=user_agent, day=now.date()),
        "ua": user_agent[:512],
        "ref": referrer[:2048],
    }
    client = _redis()
    if client is None:
        record_clicks(events=[event])
        return
    length = client.rpush(buffer_key(BUFFER_KEY), json.dumps(event))
    if length == 1:
        from tenant_apps.links.tasks import flush_clicks

        flush_clicks.apply_async(countdown=5)


def _referrer_host(referrer: str) -> str:
    try:
        return (urlsplit(referrer).hostname or "")[:253]
    except ValueError:
        return ""


@transaction.atomic
def record_clicks(*, events: list[dict]) -> int:
    """Write a batch of buffered clicks. Idempotent: each event has an id, and an id already
    written is skipped, so a batch replayed after a crash counts nothing twice. The creator of
    a link whose click limit this batch reaches is notified."""
    if not events:
        return 0
    ids = [event["id"] for event in events]
    done = set(Click.objects.filter(event_id__in=ids).values_list("event_id", flat=True))
    live = set(
        ShortLink.objects.filter(pk__in={e["link"] for e in events}).values_list("pk", flat=True)
    )
    rows = []
    per_link: Counter = Counter()
    for event in events:
        if event["id"] in done or event["link"] not in live:
            continue
        done.add(event["id"])
        agent = parse_user_agent(event.get("ua", ""))
        rows.append(
            Click(
                link_id=event["link"],
                clicked_at=dt.datetime.fromtimestamp(event["at"], tz=dt.UTC),
                visitor=event["visitor"],
                referrer_host=_referrer_host(event.get("ref", "")),
                browser=agent.browser[:64],
                os=agent.os[:64],
                device=agent.device,
                event_id=event["id"],
            )
        )
        per_link[event["link"]] += 1
    Click.objects.bulk_create(rows, batch_size=500)
    limited = list(
        ShortLink.objects.filter(pk__in=per_link, max_clicks__isnull=False)
        .select_for_update(of=("self",))
        .select_related("created_by")
    )
    for link_id, count in per_link.items():
        ShortLink.objects.filter(pk=link_id).update(click_count=F("click_count") + count)
    for link in limited:
        # Only the batch that crosses the limit tells the creator; a replayed batch writes no
        # clicks, so it crosses nothing and notifies nobody twice.
        before, after = link.click_count, link.click_count + per_link[link.pk]
        if link.created_by_id and before < link.max_clicks <= after:
            notify(
                recipients=[link.created_by],
                kind="links.click_limit",
                title=f"/{link.code} reached its limit of {link.max_clicks} clicks",
                body="Visitors now see that the link is used up. Raise the limit to reopen it.",
                url=reverse("links:detail", args=[link.pk]),
                target=link,
            )
    return len(rows)


def flush_click_buffer() -> int:
    """Move buffered clicks to the database in batches. Clicks are moved atomically to a
    processing list first and removed from it only after their batch committed; a worker
    killed in between leaves them there for the next run, which skips what was written."""
    client = _redis()
    if client is None:
        return 0
    buffer, processing = buffer_key(BUFFER_KEY), buffer_key(PROCESSING_KEY)
    written = 0
    with client.lock(buffer_key("links:click-flush-lock"), timeout=120, blocking_timeout=30):
        while True:
            pending = client.lrange(processing, 0, -1)
            if not pending:
                pipe = client.pipeline(transaction=True)
                for _ in range(FLUSH_BATCH):
                    pipe.lmove(buffer, processing, "LEFT", "RIGHT")
                moved = [item for item in pipe.execute() if item is not None]
                if not moved:
                    break
                pending = client.lrange(processing, 0, -1)
            events = []
            for raw in pending:
                try:
                    events.append(json.loads(raw))
                except ValueError:
                    continue
            written += record_clicks(events=events)
            client.delete(processing)
    return written


def buffered_click_count() -> int:
    client = _redis()
    if client is None:
        return 0
    return client.llen(buffer_key(BUFFER_KEY)) + client.llen(buffer_key(PROCESSING_KEY))


# -- bookmarks -----------------------------------------------------------------------------


def can_edit_bookmark(user, bookmark: Bookmark) -> bool:
    return bookmark.owner_id == getattr(user, "pk", None)


def _bookmark_url(url: str) -> str:
    url = (url or "").strip()
    problem = codes.validate_target_url(url, ())
    if problem:
        raise ValidationError({"url": [problem]})
    return url


@transaction.atomic
def save_bookmark(
    *,
    user,
    url: str,
    title: str = "",
    description: str = "",
    notes: str = "",
    tags: Iterable[str] = (),
    is_unread: bool = False,
    is_archived: bool = False,
    is_shared: bool = False,
    bookmark: Bookmark | None = None,
) -> Bookmark:
    """Create a bookmark, or change `bookmark`. Saving a URL the user already bookmarked
    updates that bookmark instead of failing, so the bookmarklet can be clicked twice."""
    if not has_role(user, Role.MEMBER):
        raise PermissionDenied("Only members can save bookmarks.")
    if bookmark is not None and not can_edit_bookmark(user, bookmark):
        raise PermissionDenied("You cannot change this bookmark.")
    url = _bookmark_url(url)
    for name, value, limit in (
        ("title", title, 300),
        ("description", description, 5000),
        ("notes", notes, 10000),
    ):
        if len(value or "") > limit:
            raise ValidationError({name: [f"At most {limit} characters."]})
    tag_objects = _clean_tags(tags)
    if bookmark is None:
        bookmark = Bookmark.objects.filter(owner=user, url=url).first() or Bookmark(
            owner=user, created_at=timezone.now()
        )
    elif Bookmark.objects.filter(owner=user, url=url).exclude(pk=bookmark.pk).exists():
        raise ValidationError({"url": ["You already bookmarked this URL."]})
    bookmark.url = url
    bookmark.title = (title or "").strip()
    bookmark.description = description or ""
    bookmark.notes = notes or ""
    bookmark.is_unread = bool(is_unread)
    bookmark.is_archived = bool(is_archived)
    bookmark.is_shared = bool(is_shared)
    bookmark.save()
    bookmark.tags.set(tag_objects)
    return bookmark


@transaction.atomic
def delete_bookmark(*, user, bookmark: Bookmark) -> None:
    if not can_edit_bookmark(user, bookmark):
        raise PermissionDenied("You cannot delete this bookmark.")
    bookmark.delete()


@transaction.atomic
def bulk_edit_tags(
    *, user, bookmark_ids: list[int], add: Iterable[str] = (), remove: Iterable[str] = ()
) -> int:
    """Add and remove tags on several of the user's own bookmarks at once."""
    bookmarks = list(Bookmark.objects.filter(owner=user, pk__in=bookmark_ids))
    if not bookmarks:
        raise ValidationError({"bookmarks": ["Select at least one of your bookmarks."]})
    to_add = _clean_tags(add, "add")
    remove_names = {name.lower() for name in remove}
    to_remove = [tag for tag in Tag.objects.all() if tag.name.lower() in remove_names]
    for bookmark in bookmarks:
        bookmark.tags.add(*to_add)
        bookmark.tags.remove(*to_remove)
    return len(bookmarks)


@transaction.atomic
def rename_tag(*, user, tag: Tag, name: str) -> Tag:
    """Rename a tag; renaming to an existing tag's name merges the two."""
    if not has_role(user, Role.MODERATOR):
        raise PermissionDenied("Only moderators and admins can manage tags.")
    name = " ".join((name or "").split())
    if not name or len(name) > 50:
        raise ValidationError({"name": ["Enter a tag name of at most 50 characters."]})
    other = Tag.objects.filter(name__iexact=name).exclude(pk=tag.pk).first()
    if other is not None:
        return merge_tags(user=user, source=tag, target=other)
    tag.name = name
    tag.save(update_fields=["name"])
    return tag


@transaction.atomic
def merge_tags(*, user, source: Tag, target: Tag) -> Tag:
    """Move every link and bookmark from `source` to `target`, then delete `source`."""
    if not has_role(user, Role.MODERATOR):
        raise PermissionDenied("Only moderators and admins can manage tags.")
    if source.pk == target.pk:
        raise ValidationError({"target": ["Choose a different tag to merge into."]})
    for bookmark in source.bookmarks.all():
        bookmark.tags.add(target)
    for link in source.short_links.all():
        link.tags.add(target)
    source.delete()
    return target


@transaction.atomic
def import_bookmarks(*, user, html: str) -> dict:
    """Import a browser's bookmark export. Folders become tags as well as the folder path;
    dates are kept; URLs that are not http(s) are skipped and counted."""
    if not has_role(user, Role.MEMBER):
        raise PermissionDenied("Only members can import bookmarks.")
    if len(html.encode()) > MAX_IMPORT_BYTES:
        raise ValidationError({"file": ["The file is too large (at most 5 MB)."]})
    parsed = netscape.parse_bookmarks(html)
    if not parsed:
        raise ValidationError(
            {"file": ["No bookmarks found: is this a browser's bookmark export?"]}
        )
    created = updated = skipped = 0
    existing = {b.url: b for b in Bookmark.objects.filter(owner=user)}
    for item in parsed:
        if codes.validate_target_url(item.url, ()) is not None:
            skipped += 1
            continue
        tags = _clean_tags([*item.tags, *item.folders][:MAX_TAGS])
        bookmark = existing.get(item.url)
        if bookmark is None:
            bookmark = Bookmark.objects.create(
                owner=user,
                url=item.url,
                title=item.title[:300],
                description=item.description[:5000],
                folder=" / ".join(item.folders)[:500],
                is_unread=item.to_read,
                is_shared=not item.is_private,
                created_at=item.add_date or timezone.now(),
            )
            existing[item.url] = bookmark
            created += 1
        else:
            updated += 1
        bookmark.tags.add(*tags)
    return {"created": created, "updated": updated, "skipped": skipped}


def export_bookmarks(*, user) -> str:
    """The user's bookmarks as a Netscape bookmark file, folders and tags included."""
    bookmarks = (
        Bookmark.objects.filter(owner=user)
        .prefetch_related("tags")
        .order_by("folder", "created_at")
    )
    items = [
        netscape.Bookmark(
            url=b.url,
            title=b.title,
            add_date=b.created_at.replace(microsecond=0),
            last_modified=b.updated_at.replace(microsecond=0),
            tags=tuple(tag.name.replace(",", " ") for tag in b.tags.all()),
            description=b.description,
            folders=tuple(part for part in b.folder.split(" / ") if part),
            is_private=not b.is_shared,
            to_read=b.is_unread,
        )
        for b in bookmarks
    ]
    return netscape.export_bookmarks(items)
