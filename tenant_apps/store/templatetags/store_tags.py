"""`{% load store_tags %}`: `{{ amount|money:currency }}` and `{{ image|thumb:"medium" }}`."""

from django import template

from core.thumbnails import thumbnail_url
from tenant_apps.store.money import format_money, shop_currency

register = template.Library()


@register.filter
def money(amount, currency=None):
    return format_money(amount, currency or shop_currency())


@register.filter
def thumb(image, size="medium"):
    if not image:
        return ""
    name = getattr(image, "image", image)
    return thumbnail_url(name, size)


@register.filter
def has_stock(product) -> bool:
    """Whether any variant of the product is in stock (uses the prefetched variants)."""
    return any(variant.stock > 0 for variant in product.variants.all())
