"""Reads of the store: catalogue queries with their filters, the cart with live stock, orders
and the sales figures. Querysets are built here with their joins, so no page queries in a loop."""

import dataclasses
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from tenant_apps.store import money
from tenant_apps.store.models import (
    ZERO,
    Category,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    ProductImage,
    ProductStatus,
    Variant,
)

SORTS = {
    "newest": ("-created_at", "-id"),
    "price": ("price", "id"),
    "-price": ("-price", "-id"),
    "title": ("title", "id"),
}
SALE_STATUSES = [
    OrderStatus.PAID,
    OrderStatus.FULFILLED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.PARTIALLY_REFUNDED,
    OrderStatus.REFUNDED,
]


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() and number >= 0 else None


def products(
    *,
    include_drafts: bool = False,
    query: str = "",
    category: str = "",
    min_price=None,
    max_price=None,
    in_stock: bool = False,
    sort: str = "newest",
):
    """Products with their variants, images and categories prefetched; published only unless
    `include_drafts`. `min_price`/`max_price` compare the product's price."""
    queryset = Product.objects.all()
    if not include_drafts:
        queryset = queryset.filter(status=ProductStatus.PUBLISHED)
    query = (query or "").strip()[:200]
    if query:
        queryset = queryset.filter(
            Q(title__icontains=query)
            | Q(description__icontains=query)
            | Q(sku__iexact=query)
            | Q(variants__sku__iexact=query)
        ).distinct()
    if category:
        queryset = queryset.filter(categories__slug=category)
    low, high = _decimal(min_price), _decimal(max_price)
    if low is not None:
        queryset = queryset.filter(price__gte=low)
    if high is not None:
        queryset = queryset.filter(price__lte=high)
    if in_stock:
        queryset = queryset.filter(
            Exists(Variant.objects.filter(product=OuterRef("pk"), stock__gt=0))
        )
    return queryset.order_by(*SORTS.get(sort, SORTS["newest"])).prefetch_related(
        "variants",
        "categories",
        Prefetch("images", queryset=ProductImage.objects.order_by("-is_main", "position", "id")),
    )


def product_by_slug(slug: str, *, include_drafts: bool = False) -> Product | None:
    return products(include_drafts=include_drafts).filter(slug=slug).first()


def categories_with_counts():
    return Category.objects.annotate(
        published=Count("products", filter=Q(products__status=ProductStatus.PUBLISHED))
    )


@dataclasses.dataclass
class CartItem:
    variant: Variant
    quantity: int
    unit_price: Decimal
    line_total: Decimal
    problem: str = ""

    @property
    def main_image(self):
        images = list(self.variant.product.images.all())
        return images[0] if images else None


@dataclasses.dataclass
class CartView:
    items: list[CartItem]
    currency: str

    @property
    def subtotal(self) -> Decimal:
        return sum((item.line_total for item in self.items), ZERO)

    @property
    def count(self) -> int:
        return sum(item.quantity for item in self.items)

    @property
    def has_problems(self) -> bool:
        return any(item.problem for item in self.items)

    def quantities(self) -> dict[int, int]:
        return {item.variant.pk: item.quantity for item in self.items}


def cart_view(quantities: dict[int, int]) -> CartView:
    """The cart's lines with current prices and stock. Lines beyond the stock are flagged
    (and capped), lines no longer for sale are dropped."""
    currency = money.shop_currency()
    variants = (
        Variant.objects.select_related("product")
        .filter(pk__in=list(quantities), product__status=ProductStatus.PUBLISHED)
        .prefetch_related(
            Prefetch(
                "product__images",
                queryset=ProductImage.objects.order_by("-is_main", "position", "id"),
            )
        )
    )
    items = []
    for variant in sorted(variants, key=lambda v: v.pk):
        wanted = quantities[variant.pk]
        quantity, problem = wanted, ""
        if variant.stock <= 0:
            quantity, problem = 0, "Sold out"
        elif wanted > variant.stock:
            quantity, problem = variant.stock, f"Only {variant.stock} left"
        price = money.quantize(variant.unit_price, currency)
        items.append(CartItem(variant, quantity, price, price * quantity, problem))
    return CartView(items=items, currency=currency)


def orders_for_admin(*, status: str = "", query: str = ""):
    queryset = Order.objects.annotate(item_count=Sum("lines__quantity"))
    if status in OrderStatus.values:
        queryset = queryset.filter(status=status)
    query = (query or "").strip()[:100]
    if query:
        number = query.lstrip("#")
        condition = Q(email__icontains=query) | Q(full_name__icontains=query)
        if number.isdecimal():
            condition |= Q(number=int(number))
        queryset = queryset.filter(condition)
    return queryset.order_by("-created_at", "-id")


def orders_of(user):
    return (
        Order.objects.filter(user=user)
        .annotate(item_count=Sum("lines__quantity"))
        .order_by("-created_at", "-id")
    )


def order_detail(**lookup) -> Order | None:
    return (
        Order.objects.filter(**lookup)
        .prefetch_related("lines", "events__actor", "refunds")
        .select_related("user")
        .first()
    )


def low_stock_variants(threshold: int):
    return (
        Variant.objects.select_related("product")
        .filter(stock__lte=threshold)
        .order_by("stock", "product__title")
    )


def sales_summary(days: int = 30) -> dict:
    """Revenue (paid orders, minus refunds) and orders per day over the last `days` days, as
    SVG bar geometry (the console's usage chart approach: no script, CSP-safe)."""
    currency = money.shop_currency()
    today = timezone.localdate()
    start = today - timedelta(days=days - 1)
    since = timezone.now() - timedelta(days=days + 1)
    per_day = {start + timedelta(days=i): {"orders": 0, "revenue": ZERO} for i in range(days)}
    sold = Order.objects.filter(paid_at__gte=since, status__in=SALE_STATUSES)
    rows = (
        sold.annotate(day=TruncDate("paid_at"))
        .values("day")
        .annotate(n=Count("pk"), revenue=Sum("total"), refunded=Sum("refunded_amount"))
    )
    for row in rows:
        if row["day"] in per_day:
            per_day[row["day"]]["orders"] += row["n"]
            per_day[row["day"]]["revenue"] += (row["revenue"] or ZERO) - (row["refunded"] or ZERO)
    peak = max((v["revenue"] for v in per_day.values()), default=ZERO) or Decimal(1)
    width, height, gap = 20, 120, 4
    bars = []
    for index, (day, value) in enumerate(per_day.items()):
        bar_height = int(value["revenue"] * (height - 20) / peak) if value["revenue"] > 0 else 0
        bars.append(
            {
                "x": index * (width + gap),
                "y": height - bar_height,
                "width": width,
                "height": bar_height,
                "day": day,
                "orders": value["orders"],
                "revenue": value["revenue"],
            }
        )
    revenue = sum((v["revenue"] for v in per_day.values()), ZERO)
    order_count = sum(v["orders"] for v in per_day.values())
    top = (
        OrderLine.objects.filter(order__in=sold.filter(paid_at__gte=since))
        .values("product_title")
        .annotate(quantity=Sum("quantity"), revenue=Sum("line_total"))
        .order_by("-quantity", "product_title")[:5]
    )
    return {
        "currency": currency,
        "bars": bars,
        "revenue": revenue,
        "orders": order_count,
        "average": money.quantize(revenue / order_count, currency) if order_count else ZERO,
        "pending": Order.objects.filter(status=OrderStatus.PENDING).count(),
        "top_products": list(top),
        "view_width": days * (width + gap),
        "view_height": height,
        "start": start,
        "end": today,
    }
