"""Reads of the links app: lists with their relations loaded, and click analytics."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from tenant_apps.links.models import Bookmark, Click, ShortLink, Tag


def _searchable(text: str) -> str:
    # PostgreSQL text cannot hold NUL, so no row matches one, and psycopg refuses to send it.
    return text.replace("\x00", "")


def short_links(*, query: str = "", tag: str = "") -> QuerySet[ShortLink]:
    query, tag = _searchable(query), _searchable(tag)
    links = ShortLink.objects.select_related("created_by").prefetch_related("tags")
    if query:
        links = links.filter(
            Q(code__icontains=query) | Q(title__icontains=query) | Q(target_url__icontains=query)
        )
    if tag:
        links = links.filter(tags__name__iexact=tag)
    return links


def bookmarks_for(
    *, user, query: str = "", tag: str = "", state: str = "", scope: str = "mine"
) -> QuerySet[Bookmark]:
    """The user's own bookmarks, or the ones shared with the site (`scope="shared"`)."""
    query, tag = _searchable(query), _searchable(tag)
    if scope == "shared":
        items = Bookmark.objects.filter(is_shared=True)
    else:
        items = Bookmark.objects.filter(owner=user)
    items = items.select_related("owner").prefetch_related("tags")
    if query:
        items = items.filter(
            Q(title__icontains=query)
            | Q(url__icontains=query)
            | Q(description__icontains=query)
            | Q(notes__icontains=query)
            | Q(tags__name__iexact=query)
        ).distinct()
    if tag:
        items = items.filter(tags__name__iexact=tag)
    if state == "unread":
        items = items.filter(is_unread=True)
    elif state == "archived":
        items = items.filter(is_archived=True)
    elif state != "all":
        items = items.filter(is_archived=False)
    return items


def tags_with_counts() -> QuerySet[Tag]:
    return Tag.objects.annotate(
        bookmark_count=Count("bookmarks", distinct=True),
        link_count=Count("short_links", distinct=True),
    )


@dataclass
class Stats:
    total: int
    unique_visitors: int
    days: list[tuple[dt.date, int]]
    peak: int
    referrers: list[tuple[str, int]]
    browsers: list[tuple[str, int]]
    devices: list[tuple[str, int]]
    systems: list[tuple[str, int]]

    @property
    def breakdowns(self) -> list[tuple[str, list[tuple[str, int]]]]:
        return [
            ("Referrers", self.referrers),
            ("Browsers", self.browsers),
            ("Devices", self.devices),
            ("Operating systems", self.systems),
        ]

    def chart(self, width: int = 600, height: int = 160) -> list[dict]:
        """Bars for the server-rendered SVG chart."""
        if not self.days:
            return []
        slot = width / len(self.days)
        bars = []
        for index, (day, count) in enumerate(self.days):
            bar_height = round(count / self.peak * (height - 4)) if self.peak else 0
            bars.append(
                {
                    "x": round(index * slot + 1, 1),
                    "y": height - bar_height,
                    "width": max(round(slot - 2, 1), 1),
                    "height": bar_height,
                    "day": day,
                    "count": count,
                }
            )
        return bars


def _top(clicks, field: str, limit: int = 8) -> list[tuple[str, int]]:
    rows = clicks.values(field).annotate(n=Count("id")).order_by("-n", field)[:limit]
    return [(row[field] or "Direct / unknown", row["n"]) for row in rows]


def click_stats(*, link: ShortLink | None = None, days: int = 30) -> Stats:
    """Clicks of one link (or all links) over the last `days` days, and their breakdowns."""
    since = timezone.localdate() - dt.timedelta(days=days - 1)
    clicks = Click.objects.all() if link is None else Click.objects.filter(link=link)
    window = clicks.filter(clicked_at__date__gte=since)
    per_day = dict(
        window.annotate(day=TruncDate("clicked_at"))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    series = [
        (since + dt.timedelta(days=i), per_day.get(since + dt.timedelta(days=i), 0))
        for i in range(days)
    ]
    return Stats(
        total=clicks.count(),
        unique_visitors=clicks.values("visitor").distinct().count(),
        days=series,
        peak=max((n for _, n in series), default=0),
        referrers=_top(clicks, "referrer_host"),
        browsers=_top(clicks, "browser"),
        devices=_top(clicks, "device"),
        systems=_top(clicks, "os"),
    )


def clicks_for_export(*, link: ShortLink | None = None):
    clicks = Click.objects.select_related("link").order_by("clicked_at")
    if link is not None:
        clicks = clicks.filter(link=link)
    return clicks.iterator(chunk_size=2000)
