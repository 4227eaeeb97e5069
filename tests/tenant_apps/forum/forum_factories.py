"""Helpers and factory_boy factories for forum tests. Rows are made through the services (so
counters and search vectors are right) inside `tenant_context(org)`."""

import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tenant_apps.forum import services
from tenant_apps.forum.models import Category, Tag
from tenants.context import tenant_context


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    position = factory.Sequence(lambda n: n)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"tag{n}")
    slug = factory.Sequence(lambda n: f"tag{n}")


def make_category(org, admin, **data):
    with tenant_context(org):
        return services.create_category(acting_user=admin, **{"name": "General", **data})


def make_thread(org, author, category, *, title="Hello world", body="First post", tags=()):
    with tenant_context(org):
        return services.create_thread(
            author=author, category=category, title=title, body=body, tags=tags
        )


def make_reply(org, author, thread, *, body="A reply", reply_to=None):
    with tenant_context(org):
        return services.create_reply(author=author, thread=thread, body=body, reply_to=reply_to)


def opening_post(org, thread):
    with tenant_context(org):
        return thread.posts.get(is_opening=True)


def png_upload(name="photo.png", size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 100, 50)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
