from django.contrib import admin

from tenant_apps.store.models import (
    Cart,
    CartLine,
    Category,
    DiscountCode,
    Order,
    OrderEvent,
    OrderLine,
    Product,
    ProductImage,
    Refund,
    ShippingMethod,
    StoreSettings,
    Variant,
)


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    fields = ["name", "sku", "price", "stock", "position"]


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0
    fields = ["image", "alt_text", "position", "is_main"]
    readonly_fields = ["image"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["title", "sku", "price", "status", "created_at"]
    list_filter = ["status", "categories"]
    search_fields = ["title", "sku", "variants__sku"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["categories"]
    inlines = [VariantInline, ProductImageInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    list_display = ["__str__", "sku", "price", "stock"]
    search_fields = ["sku", "name", "product__title"]
    list_select_related = ["product"]
    raw_id_fields = ["product"]


@admin.register(ShippingMethod)
class ShippingMethodAdmin(admin.ModelAdmin):
    list_display = ["name", "price", "is_active", "position"]


@admin.register(DiscountCode)
class DiscountCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "value", "times_used", "usage_limit", "expires_at", "is_active"]
    search_fields = ["code"]
    readonly_fields = ["times_used"]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    readonly_fields = [
        "product_title",
        "variant_name",
        "sku",
        "unit_price",
        "quantity",
        "line_total",
    ]
    exclude = ["variant"]


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "status", "message", "actor"]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Read-mostly: status changes go through the store's manage pages (stock, refunds,
    emails and the timeline move together there)."""

    list_display = ["number", "created_at", "email", "status", "payment_method", "total"]
    list_filter = ["status", "payment_method", "stock_state"]
    search_fields = ["number", "email", "full_name"]
    readonly_fields = [
        "number", "access_token", "user", "currency", "subtotal", "discount_code",
        "discount_label", "discount_amount", "shipping_method", "shipping_name",
        "shipping_amount", "tax_rate", "tax_amount", "total", "refunded_amount", "status",
        "payment_method", "stock_state", "reserved_until", "stripe_session_id",
        "stripe_payment_intent", "created_at", "paid_at", "updated_at",
    ]  # fmt: skip
    inlines = [OrderLineInline, OrderEventInline]


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = ["order", "amount", "stripe_refund_id", "created_at"]
    readonly_fields = ["order", "amount", "reason", "stripe_refund_id", "actor", "created_at"]


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ["user", "updated_at"]
    raw_id_fields = ["user"]


@admin.register(CartLine)
class CartLineAdmin(admin.ModelAdmin):
    list_display = ["cart", "variant", "quantity"]
    raw_id_fields = ["cart", "variant"]


@admin.register(StoreSettings)
class StoreSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "tax_rate", "allow_offline_payment", "low_stock_threshold"]
