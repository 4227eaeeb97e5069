"""Demo data for the `make run` demo sites: short links with clicks, and bookmarks."""

import datetime as dt
import random

from django.utils import timezone

from core.demo import demo_data
from tenant_apps.links import services
from tenant_apps.links.models import ShortLink

USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",  # noqa: E501
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",  # noqa: E501
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",  # noqa: E501
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36",  # noqa: E501
]
REFERRERS = [
    "https://news.ycombinator.com/",
    "https://mastodon.social/@someone",
    "",
    "https://www.google.com/",
]


@demo_data
def seed(*, organization, owner):
    if ShortLink.objects.exists():
        return
    links = [
        services.create_short_link(
            organization=organization, user=owner, target_url="https://www.djangoproject.com/weblog/",
            alias="news", title="Django news", tags=["django", "reading"],
        ),
        services.create_short_link(
            organization=organization, user=owner, target_url="https://docs.python.org/3/whatsnew/",
            title="What's new in Python", tags=["python"], redirect_type=301,
        ),
        services.create_short_link(
            organization=organization, user=owner, target_url="https://example.com/members-only",
            alias="club-members", title="Members' page (password: demo)", password="demo",
        ),
        services.create_short_link(
            organization=organization, user=owner, target_url="https://example.com/spring-sale",
            alias="spring-sale", title="Ended sale",
            expires_at=timezone.now() - dt.timedelta(days=3),
        ),
    ]  # fmt: skip
    rng = random.Random(11)  # noqa: S311 - repeatable demo data, not security
    now = timezone.now()
    events = []
    for link in links[:2]:
        for index in range(rng.randint(40, 90)):
            at = now - dt.timedelta(days=rng.randint(0, 29), minutes=rng.randint(0, 1440))
            ip = f"198.51.100.{rng.randint(1, 60)}"
            ua = rng.choice(USER_AGENTS)
            events.append({
                "id": f"demo-{link.pk}-{index}", "link": link.pk, "at": at.timestamp(),
                "visitor": services.visitor_hash(ip=ip, user_agent=ua, day=at.date()),
                "ua": ua, "ref": rng.choice(REFERRERS),
            })  # fmt: skip
    services.record_clicks(events=events)
    for url, title, tags, shared, unread in [
        ("https://htmx.org/essays/", "htmx essays", ["web", "htmx"], True, True),
        (
            "https://www.postgresql.org/docs/current/ddl-schemas.html",
            "PostgreSQL schemas",
            ["postgres"],
            True,
            False,
        ),
        ("https://linkding.link/", "linkding", ["bookmarks", "self-hosted"], False, False),
    ]:
        services.save_bookmark(
            user=owner, url=url, title=title, tags=tags, is_shared=shared, is_unread=unread,
            description=f"Saved as an example of {tags[0]} reading.",
        )  # fmt: skip
