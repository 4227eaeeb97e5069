"""The shop: catalogue (categories, products, variants, images), carts, checkout settings
(shipping methods, discount codes, tax) and orders with their lines, timeline and refunds.
Tables live in every tenant schema. Money is `Decimal` with the order's currency beside it."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

MONEY = {"max_digits": 12, "decimal_places": 2}
ZERO = Decimal("0")


class StoreSettings(models.Model):
    """The shop's settings: one row per tenant (id is always 1)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    tax_rate = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
        help_text="Percent added to the goods and shipping at checkout (0 for none).",
    )
    allow_offline_payment = models.BooleanField(
        default=True, help_text="Customers may order now and pay by bank transfer or in person."
    )
    offline_instructions = models.TextField(
        max_length=2000,
        blank=True,
        help_text="Shown to customers who choose to pay offline (bank details, pickup...).",
    )
    low_stock_threshold = models.PositiveIntegerField(
        default=3, help_text="Admins are alerted when a variant's stock falls to this or below."
    )
    offline_hold_days = models.PositiveSmallIntegerField(
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Unpaid offline orders keep their stock this many days, then are cancelled.",
    )

    class Meta:
        verbose_name = "store settings"
        verbose_name_plural = "store settings"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="store_settings_single"),
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0, tax_rate__lte=100), name="store_settings_tax_rate"
            ),
        ]

    def __str__(self) -> str:
        return "Store settings"


class Category(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)
    description = models.TextField(max_length=2000, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="store_category_slug_unique"),
            models.UniqueConstraint(Lower("name"), name="store_category_name_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class ProductStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Product(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    description = models.TextField(max_length=20000, blank=True, help_text="Markdown.")
    price = models.DecimalField(
        **MONEY, help_text="In the shop's currency; variants may set their own."
    )
    sku = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=16, choices=ProductStatus.choices, default=ProductStatus.DRAFT
    )
    categories = models.ManyToManyField(Category, blank=True, related_name="products")
    # Raised by every saved edit: an edit made from an older version is refused rather than
    # silently overwriting another admin's (services.update_product).
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="store_product_slug_unique"),
            models.UniqueConstraint(
                Lower("sku"), condition=~Q(sku=""), name="store_product_sku_ci_unique"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="store_product_price_gte_0"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ProductStatus]),
                name="store_product_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "price"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == ProductStatus.PUBLISHED


class Variant(models.Model):
    """What a customer actually buys: a product in one size/colour, with its own SKU, price
    (or the product's) and stock. A product without options has one variant with no name."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    name = models.CharField(max_length=100, blank=True, help_text='e.g. "M / Blue".')
    sku = models.CharField(max_length=64, blank=True)
    price = models.DecimalField(
        **MONEY, null=True, blank=True, help_text="Empty: the product's price."
    )
    stock = models.IntegerField(default=0)
    position = models.PositiveIntegerField(default=0)
    low_stock_alerted = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            # The last line of defence against overselling: no update can take stock below 0.
            models.CheckConstraint(condition=Q(stock__gte=0), name="store_variant_stock_gte_0"),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gte=0),
                name="store_variant_price_gte_0",
            ),
            models.UniqueConstraint(
                Lower("sku"), condition=~Q(sku=""), name="store_variant_sku_ci_unique"
            ),
            models.UniqueConstraint(
                "product", Lower("name"), name="store_variant_product_name_ci_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.title} - {self.name}" if self.name else self.product.title

    @property
    def unit_price(self) -> Decimal:
        return self.price if self.price is not None else self.product.price

    @property
    def in_stock(self) -> bool:
        return self.stock > 0


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.CharField(max_length=255, help_text="Storage name of the original.")
    alt_text = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)
    is_main = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_main", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product"], condition=Q(is_main=True), name="store_image_one_main"
            )
        ]

    def __str__(self) -> str:
        return self.alt_text or self.image


class Cart(models.Model):
    """A member's cart, kept in the database (anonymous visitors' carts live in the session)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="store_cart"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Cart of {self.user}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="store_cartline_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="store_cartline_qty_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x variant {self.variant_id}"


class ShippingMethod(models.Model):
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    price = models.DecimalField(**MONEY)
    is_active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "price", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="store_shipping_price_gte_0")
        ]

    def __str__(self) -> str:
        return self.name


class DiscountKind(models.TextChoices):
    PERCENT = "percent", "Percent off"
    FIXED = "fixed", "Fixed amount off"


class DiscountCode(models.Model):
    code = models.CharField(max_length=40)
    kind = models.CharField(max_length=8, choices=DiscountKind.choices)
    value = models.DecimalField(**MONEY)
    minimum_order = models.DecimalField(
        **MONEY, null=True, blank=True, help_text="Goods total needed to use it (empty: none)."
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    usage_limit = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: no limit.")
    times_used = models.PositiveIntegerField(default=0, editable=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(Lower("code"), name="store_discount_code_ci_unique"),
            models.CheckConstraint(condition=Q(value__gt=0), name="store_discount_value_gt_0"),
            models.CheckConstraint(
                condition=~Q(kind="percent") | Q(value__lte=100),
                name="store_discount_percent_lte_100",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["percent", "fixed"]), name="store_discount_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(usage_limit__isnull=True) | Q(times_used__lte=F("usage_limit")),
                name="store_discount_within_limit",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class OrderStatus(models.TextChoices):
    PENDING = "pending", "Pending payment"
    PAID = "paid", "Paid"
    FULFILLED = "fulfilled", "Fulfilled"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"
    REFUNDED = "refunded", "Refunded"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"


class PaymentMethod(models.TextChoices):
    CARD = "card", "Card (Stripe)"
    OFFLINE = "offline", "Pay offline"
    FREE = "free", "Nothing to pay"


class StockState(models.TextChoices):
    RESERVED = "reserved", "Reserved"  # taken from stock while the customer pays
    SOLD = "sold", "Sold"  # paid: the reservation became a sale
    RELEASED = "released", "Released"  # put back (expired, cancelled)


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class Order(models.Model):
    number = models.PositiveIntegerField(unique=True, editable=False)
    access_token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="store_orders",
    )
    email = models.EmailField()
    full_name = models.CharField(max_length=200)
    phone = models.CharField(max_length=40, blank=True)
    address_line1 = models.CharField(max_length=200)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=2, help_text="ISO 3166 code, e.g. DE.")
    note = models.TextField(max_length=1000, blank=True)

    currency = models.CharField(max_length=3)
    subtotal = models.DecimalField(**MONEY)
    discount_code = models.ForeignKey(
        DiscountCode, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    discount_label = models.CharField(max_length=40, blank=True)
    discount_amount = models.DecimalField(**MONEY, default=ZERO)
    shipping_method = models.ForeignKey(
        ShippingMethod, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    shipping_name = models.CharField(max_length=100)
    shipping_amount = models.DecimalField(**MONEY)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2)
    tax_amount = models.DecimalField(**MONEY)
    total = models.DecimalField(**MONEY)
    refunded_amount = models.DecimalField(**MONEY, default=ZERO)

    status = models.CharField(
        max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING
    )
    payment_method = models.CharField(max_length=8, choices=PaymentMethod.choices)
    stock_state = models.CharField(
        max_length=8, choices=StockState.choices, default=StockState.RESERVED
    )
    reserved_until = models.DateTimeField(null=True, blank=True)
    stripe_session_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    stripe_payment_intent = models.CharField(max_length=255, blank=True)
    carrier = models.CharField(max_length=100, blank=True)
    tracking_number = models.CharField(max_length=100, blank=True)
    tracking_url = models.URLField(max_length=500, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(subtotal__gte=0)
                & Q(discount_amount__gte=0)
                & Q(shipping_amount__gte=0)
                & Q(tax_amount__gte=0)
                & Q(total__gte=0),
                name="store_order_amounts_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=F("total")),
                name="store_order_refund_within_total",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in OrderStatus]),
                name="store_order_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["stock_state", "reserved_until"]),
        ]

    def __str__(self) -> str:
        return f"#{self.number}"

    @property
    def is_open_for_refund(self) -> bool:
        return (
            self.paid_at is not None
            and self.refunded_amount < self.total
            and self.status != OrderStatus.CANCELLED
        )

    @property
    def refundable_amount(self) -> Decimal:
        return self.total - self.refunded_amount


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        Variant, null=True, blank=True, on_delete=models.SET_NULL, related_name="order_lines"
    )
    product_title = models.CharField(max_length=200)
    variant_name = models.CharField(max_length=100, blank=True)
    sku = models.CharField(max_length=64, blank=True)
    unit_price = models.DecimalField(**MONEY)
    quantity = models.PositiveIntegerField()
    line_total = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="store_orderline_qty_gte_1"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0) & Q(line_total__gte=0),
                name="store_orderline_amounts_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_title}"


class OrderEvent(models.Model):
    """One entry of an order's timeline."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=20, choices=OrderStatus.choices, blank=True)
    message = models.CharField(max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.message


class Refund(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="refunds")
    amount = models.DecimalField(**MONEY)
    reason = models.CharField(max_length=300, blank=True)
    stripe_refund_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="store_refund_amount_gt_0")
        ]

    def __str__(self) -> str:
        return f"{self.amount} on {self.order}"
