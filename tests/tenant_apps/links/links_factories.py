"""Factories for links tests: plain functions that go through the services."""

from tenant_apps.links import services
from tenants.context import tenant_context


def make_link(organization, user, **fields):
    fields.setdefault("target_url", "https://example.org/page")
    with tenant_context(organization):
        return services.create_short_link(organization=organization, user=user, **fields)


def make_bookmark(organization, user, **fields):
    fields.setdefault("url", "https://example.org/article")
    with tenant_context(organization):
        return services.save_bookmark(user=user, **fields)


def flush(organization):
    with tenant_context(organization):
        return services.flush_click_buffer()


# --- factory_boy factories, for rows a test needs in bulk or in odd states (create them inside
# `tenant_context(org)`; they skip the services' checks on purpose) ---------------------------

import datetime as dt  # noqa: E402

import factory  # noqa: E402
from django.utils import timezone  # noqa: E402

from tenant_apps.links.models import Bookmark, Click, ShortLink, Tag  # noqa: E402


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"tag{n}")


class ShortLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShortLink

    code = factory.Sequence(lambda n: f"code{n}")
    target_url = "https://example.org/page"


class ClickFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Click

    link = factory.SubFactory(ShortLinkFactory)
    clicked_at = factory.LazyFunction(timezone.now)
    visitor = factory.Sequence(lambda n: f"visitor{n}")
    browser = "Firefox"
    os = "Linux"
    device = "desktop"
    event_id = factory.Sequence(lambda n: f"event{n}")


class BookmarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bookmark

    url = factory.Sequence(lambda n: f"https://example.org/{n}")
    title = factory.Sequence(lambda n: f"Bookmark {n}")
    created_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
