"""Every change of state in the shop. Services take keyword-only arguments, run in one
transaction each and raise `ValidationError` (naming the field) or `ApplicationError`.

Stock is never oversold: placing an order takes each line's quantity with a conditional
`UPDATE ... SET stock = stock - n WHERE stock >= n` (and a CheckConstraint keeps stock >= 0);
the reservation is given back exactly once, by a conditional status transition, when the
payment session expires, the order is cancelled or the reservation lapses."""

import dataclasses
import logging
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.text import slugify

from core.errors import ApplicationError, Conflict, PermissionDenied
from core.thumbnails import delete_thumbnails, request_thumbnails
from core.uploads import validate_image
from shared_apps.billing import entitlements, payments
from tenant_apps.console.audit import log_action
from tenant_apps.members.models import Role
from tenant_apps.members.selectors import has_role
from tenant_apps.store import money
from tenant_apps.store.models import (
    ZERO,
    Cart,
    CartLine,
    Category,
    DiscountCode,
    DiscountKind,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    Product,
    ProductImage,
    ProductStatus,
    Refund,
    ShippingMethod,
    StockState,
    StoreSettings,
    Variant,
)
from tenants.context import current_organization, organization_url, tenant_context

logger = logging.getLogger(__name__)

SESSION_CART_KEY = "store_cart"
MAX_LINE_QUANTITY = 99
MAX_CART_LINES = 50
MAX_IMAGES_PER_PRODUCT = 12
IMAGE_MAX_BYTES = 8 * 1024 * 1024
# A card order's stock is held for settings.STORE_RESERVATION_MINUTES: its Stripe Checkout
# Session expires then and the `checkout.session.expired` webhook gives the stock back. The
# reservation itself lasts a little longer, so that the webhook is what normally releases it and
# the sweeper (release_lapsed_reservations) only catches a lost webhook.
WEBHOOK_GRACE = timedelta(minutes=5)


def card_reservation() -> timedelta:
    """How long a card order holds its stock: the payment session's lifetime (the setting,
    kept within the 30 minutes to 24 hours Stripe accepts) plus the webhook's grace."""
    minutes = min(max(int(settings.STORE_RESERVATION_MINUTES), 30), 24 * 60)
    return timedelta(minutes=minutes) + WEBHOOK_GRACE


# Which statuses an admin may move an order to, from each status. Refund statuses are set by
# refunds, never chosen by hand.
TRANSITIONS: dict[str, set[str]] = {
    OrderStatus.PENDING: {OrderStatus.PAID, OrderStatus.CANCELLED},
    OrderStatus.PAID: {OrderStatus.FULFILLED, OrderStatus.SHIPPED, OrderStatus.CANCELLED},
    OrderStatus.FULFILLED: {OrderStatus.SHIPPED, OrderStatus.CANCELLED},
    OrderStatus.SHIPPED: {OrderStatus.DELIVERED},
    OrderStatus.PARTIALLY_REFUNDED: {
        OrderStatus.FULFILLED,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
        OrderStatus.CANCELLED,
    },
    OrderStatus.DELIVERED: set(),
    OrderStatus.CANCELLED: set(),
    OrderStatus.REFUNDED: set(),
}


def _require_admin(user) -> None:
    if not has_role(user, Role.ADMIN):
        raise PermissionDenied("Only the site's admins can manage the store.")


def can_manage(user) -> bool:
    return has_role(user, Role.ADMIN)


# -- settings ---------------------------------------------------------------------------------


def get_settings() -> StoreSettings:
    found = StoreSettings.objects.filter(pk=1).first()
    return found or StoreSettings(pk=1)


SETTINGS_FIELDS = (
    "tax_rate",
    "allow_offline_payment",
    "offline_instructions",
    "low_stock_threshold",
    "offline_hold_days",
)


@transaction.atomic
def update_settings(*, acting_user, **values) -> StoreSettings:
    """Save the shop's settings (admins only), with an audit row."""
    _require_admin(acting_user)
    current = StoreSettings.objects.select_for_update().filter(pk=1).first() or StoreSettings(pk=1)
    before = {f: str(getattr(current, f)) for f in SETTINGS_FIELDS}
    for field in SETTINGS_FIELDS:
        if field in values:
            setattr(current, field, values[field])
    if not (ZERO <= Decimal(current.tax_rate) <= 100):
        raise ValidationError({"tax_rate": ["Enter a tax rate from 0 to 100 percent."]})
    current.full_clean()
    current.save()
    log_action(
        acting_user=acting_user,
        action="store.settings_changed",
        target="Store settings",
        before=before,
        after={f: str(getattr(current, f)) for f in SETTINGS_FIELDS},
    )
    return current


# -- catalogue --------------------------------------------------------------------------------


def _unique_slug(model, text: str, *, exclude_pk=None, max_length: int = 200) -> str:
    base = slugify(text)[: max_length - 8].strip("-") or "item"
    slug, n = base, 1
    queryset = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    while queryset.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_slug(model, slug: str, *, exclude_pk=None) -> str:
    if slug != slugify(slug):
        raise ValidationError({"slug": ["Use lowercase letters, numbers and hyphens."]})
    queryset = model.objects.filter(slug=slug)
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    if queryset.exists():
        raise ValidationError({"slug": ["Another item already uses this address."]})
    return slug


def _same_text(field: str, value: str) -> Exact:
    """A filter: `field` equals `value` as the case-insensitive unique constraints compare
    them, lower() on both sides. Django's __iexact compares upper(), which differs for a few
    characters (the Kelvin sign "K" lowers to "k" but uppers to itself), so a check made with
    it could pass and the constraint then refuse the row."""
    return Exact(Lower(field), Lower(Value(value)))


def _save_unique(instance, field: str, message: str) -> None:
    """Save; a unique constraint raced past the checks becomes a field error."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise ValidationError({field: [message]}) from error


@transaction.atomic
def create_category(*, acting_user, name: str, slug: str = "", description: str = "", position=0):
    _require_admin(acting_user)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ["Give the category a name."]})
    if Category.objects.filter(_same_text("name", name)).exists():
        raise ValidationError({"name": ["A category with this name exists."]})
    slug = _check_slug(Category, slug) if slug else _unique_slug(Category, name, max_length=100)
    category = Category(name=name, slug=slug, description=description, position=position or 0)
    category.full_clean(validate_constraints=False)
    _save_unique(category, "name", "A category with this name exists.")
    log_action(acting_user=acting_user, action="store.category_created", target=category)
    return category


@transaction.atomic
def update_category(*, acting_user, category: Category, **values) -> Category:
    _require_admin(acting_user)
    for field in ("name", "slug", "description", "position"):
        if field in values and values[field] is not None:
            setattr(category, field, values[field])
    category.name = category.name.strip()
    if not category.name:
        raise ValidationError({"name": ["Give the category a name."]})
    if Category.objects.filter(_same_text("name", category.name)).exclude(pk=category.pk).exists():
        raise ValidationError({"name": ["A category with this name exists."]})
    _check_slug(Category, category.slug, exclude_pk=category.pk)
    category.full_clean(validate_constraints=False)
    _save_unique(category, "name", "A category with this name exists.")
    log_action(acting_user=acting_user, action="store.category_changed", target=category)
    return category


@transaction.atomic
def delete_category(*, acting_user, category: Category) -> None:
    _require_admin(acting_user)
    log_action(acting_user=acting_user, action="store.category_deleted", target=str(category))
    category.delete()


def _validated_product_fields(values: dict, currency: str) -> dict:
    cleaned = {}
    if "title" in values:
        title = (values["title"] or "").strip()
        if not title:
            raise ValidationError({"title": ["Give the product a title."]})
        if len(title) > 200:
            raise ValidationError({"title": ["Use at most 200 characters."]})
        cleaned["title"] = title
    if "price" in values:
        if values["price"] is None:
            raise ValidationError({"price": ["Enter a price."]})
        cleaned["price"] = money.check_price(values["price"], currency)
    if "status" in values:
        if values["status"] not in ProductStatus.values:
            raise ValidationError({"status": ["Choose draft or published."]})
        cleaned["status"] = values["status"]
    for field, limit in (("description", 20000), ("sku", 64)):
        if field in values:
            text = (values[field] or "").strip() if field == "sku" else (values[field] or "")
            if len(text) > limit:
                raise ValidationError({field: [f"Use at most {limit} characters."]})
            cleaned[field] = text
    return cleaned


def _check_sku(sku: str, *, product_pk=None, variant_pk=None) -> None:
    if not sku:
        return
    products = Product.objects.filter(_same_text("sku", sku))
    variants = Variant.objects.filter(_same_text("sku", sku))
    if product_pk:
        products = products.exclude(pk=product_pk)
        variants = variants.exclude(product_id=product_pk, name="")
    if variant_pk:
        variants = variants.exclude(pk=variant_pk)
    if products.exists() or variants.exists():
        raise ValidationError({"sku": ["Another product or variant already uses this SKU."]})


@transaction.atomic
def create_product(
    *,
    acting_user,
    organization,
    title: str,
    price,
    description: str = "",
    sku: str = "",
    slug: str = "",
    status: str = ProductStatus.DRAFT,
    category_ids=(),
    stock: int = 0,
) -> Product:
    """A product with its first (unnamed) variant holding `stock`. Refused (402) when the plan's
    product limit is reached."""
    _require_admin(acting_user)
    entitlements.ensure_can_add(organization, "products", current=Product.objects.count())
    currency = money.shop_currency()
    fields = _validated_product_fields(
        {"title": title, "price": price, "description": description, "sku": sku, "status": status},
        currency,
    )
    if stock is None or int(stock) < 0:
        raise ValidationError({"stock": ["Enter a stock of zero or more."]})
    _check_sku(fields["sku"])
    slug = _check_slug(Product, slug) if slug else _unique_slug(Product, fields["title"])
    product = Product(slug=slug, **fields)
    _save_unique(product, "slug", "Another product already uses this address.")
    product.categories.set(Category.objects.filter(pk__in=list(category_ids)))
    _save_unique(
        Variant(product=product, name="", sku=fields["sku"], stock=int(stock)),
        "sku",
        "Another product or variant already uses this SKU.",
    )
    log_action(acting_user=acting_user, action="store.product_created", target=product)
    return product


class StaleEdit(Conflict):
    """An edit made from a version of the row that another save has replaced meanwhile."""

    code = "stale_version"


@transaction.atomic
def update_product(
    *, acting_user, product: Product, category_ids=None, expected_version=None, **values
) -> Product:
    """Change a product's fields and categories. With `expected_version` (the version the
    admin's form or API client read), the edit is refused with StaleEdit (409) when another
    save came in between, so neither admin's changes are lost unseen. Every save raises the
    version by one."""
    _require_admin(acting_user)
    current = Product.objects.select_for_update().filter(pk=product.pk).first()
    if current is None:
        raise ValidationError({"product": ["This product no longer exists."]})
    if expected_version is not None and int(expected_version) != current.version:
        raise StaleEdit(
            "Someone else saved this product after you opened it (version "
            f"{current.version}, yours {int(expected_version)}). Check their changes and "
            "save again.",
            extra={"current_version": current.version},
        )
    product = current  # the locked, fresh row: fields this edit leaves alone stay as saved
    currency = money.shop_currency()
    fields = _validated_product_fields(values, currency)
    if values.get("slug"):
        fields["slug"] = _check_slug(Product, values["slug"], exclude_pk=product.pk)
    if "sku" in fields:
        _check_sku(fields["sku"], product_pk=product.pk)
    before = {"status": product.status, "price": str(product.price)}
    for field, value in fields.items():
        setattr(product, field, value)
    product.version += 1
    _save_unique(product, "slug", "Another product already uses this address.")
    if "sku" in fields:
        try:
            with transaction.atomic():
                Variant.objects.filter(product=product, name="").update(sku=fields["sku"])
        except IntegrityError as error:
            raise ValidationError(
                {"sku": ["Another product or variant already uses this SKU."]}
            ) from error
    if category_ids is not None:
        product.categories.set(Category.objects.filter(pk__in=list(category_ids)))
    log_action(
        acting_user=acting_user,
        action="store.product_changed",
        target=product,
        before=before,
        after={"status": product.status, "price": str(product.price)},
    )
    return product


@transaction.atomic
def delete_product(*, acting_user, product: Product) -> None:
    """Delete a product, its variants and images. Past orders keep their own copy of titles,
    SKUs and prices."""
    _require_admin(acting_user)
    names = list(product.images.values_list("image", flat=True))
    log_action(acting_user=acting_user, action="store.product_deleted", target=str(product))
    product.delete()

    def remove_files():
        for name in names:
            default_storage.delete(name)
            delete_thumbnails(name)

    transaction.on_commit(remove_files)


def _variant_fields(values: dict, currency: str) -> dict:
    cleaned = {}
    if "name" in values:
        name = (values["name"] or "").strip()
        if len(name) > 100:
            raise ValidationError({"name": ["Use at most 100 characters."]})
        cleaned["name"] = name
    if "sku" in values:
        sku = (values["sku"] or "").strip()
        if len(sku) > 64:
            raise ValidationError({"sku": ["Use at most 64 characters."]})
        cleaned["sku"] = sku
    if "price" in values:
        cleaned["price"] = money.check_price(values["price"], currency)
    if "position" in values and values["position"] is not None:
        cleaned["position"] = int(values["position"])
    return cleaned


@transaction.atomic
def add_variant(*, acting_user, product: Product, name: str, sku="", price=None, stock=0):
    """A named variant (size, colour...). The product's unnamed first variant is renamed rather
    than kept beside named ones, so a customer always chooses among real options."""
    _require_admin(acting_user)
    fields = _variant_fields({"name": name, "sku": sku, "price": price}, money.shop_currency())
    if not fields["name"]:
        raise ValidationError({"name": ["Name the variant, e.g. “M / Blue”."]})
    if stock is None or int(stock) < 0:
        raise ValidationError({"stock": ["Enter a stock of zero or more."]})
    if Variant.objects.filter(_same_text("name", fields["name"]), product=product).exists():
        raise ValidationError({"name": ["This product already has a variant with this name."]})
    _check_sku(fields["sku"])
    variant = Variant(
        product=product, stock=int(stock), position=product.variants.count(), **fields
    )
    _save_unique(variant, "sku", "Another variant already uses this SKU or name.")
    log_action(acting_user=acting_user, action="store.variant_created", target=variant)
    return variant


@transaction.atomic
def update_variant(*, acting_user, variant: Variant, **values) -> Variant:
    _require_admin(acting_user)
    fields = _variant_fields(values, money.shop_currency())
    if "name" in fields:
        siblings = Variant.objects.filter(product_id=variant.product_id).exclude(pk=variant.pk)
        if not fields["name"] and siblings.exists():
            raise ValidationError({"name": ["Name the variant, e.g. “M / Blue”."]})
        if fields["name"] and siblings.filter(_same_text("name", fields["name"])).exists():
            raise ValidationError({"name": ["This product already has a variant with this name."]})
    if "sku" in fields:
        _check_sku(fields["sku"], variant_pk=variant.pk)
    for field, value in fields.items():
        setattr(variant, field, value)
    _save_unique(variant, "sku", "Another variant already uses this SKU or name.")
    log_action(acting_user=acting_user, action="store.variant_changed", target=variant)
    return variant


@transaction.atomic
def delete_variant(*, acting_user, variant: Variant) -> None:
    _require_admin(acting_user)
    if not Variant.objects.filter(product_id=variant.product_id).exclude(pk=variant.pk).exists():
        raise ValidationError({"variant": ["A product needs at least one variant."]})
    log_action(acting_user=acting_user, action="store.variant_deleted", target=str(variant))
    variant.delete()


@transaction.atomic
def set_stock(*, acting_user, variant_id: int, stock: int, expected: int | None = None) -> Variant:
    """Set a variant's stock. With `expected` (the stock the admin saw), the change is refused
    when a sale or another admin changed it meanwhile, so nobody's change is lost."""
    _require_admin(acting_user)
    if stock is None or int(stock) < 0:
        raise ValidationError({"stock": ["Enter a stock of zero or more."]})
    if int(stock) > 1_000_000:
        raise ValidationError({"stock": ["Enter a stock up to 1,000,000."]})
    threshold = get_settings().low_stock_threshold
    queryset = Variant.objects.filter(pk=variant_id)
    if expected is not None:
        queryset = queryset.filter(stock=expected)
    updated = queryset.update(stock=int(stock), low_stock_alerted=int(stock) <= threshold)
    variant = Variant.objects.select_related("product").filter(pk=variant_id).first()
    if variant is None:
        raise ValidationError({"variant": ["This variant no longer exists."]})
    if not updated:
        raise Conflict(
            f"The stock changed to {variant.stock} meanwhile (a sale or another admin); "
            "check it and save again."
        )
    log_action(
        acting_user=acting_user,
        action="store.stock_set",
        target=variant,
        before={"stock": expected},
        after={"stock": int(stock)},
    )
    return variant


@transaction.atomic
def add_image(*, acting_user, product: Product, upload, alt_text: str = "") -> ProductImage:
    """Check the upload by content, store it (re-encoded, without metadata) and queue its
    thumbnails. The first image becomes the main one."""
    _require_admin(acting_user)
    if product.images.count() >= MAX_IMAGES_PER_PRODUCT:
        raise ValidationError(
            {"image": [f"A product has at most {MAX_IMAGES_PER_PRODUCT} images."]}
        )
    try:
        photo = validate_image(upload, max_bytes=IMAGE_MAX_BYTES)
    except ValidationError as error:
        raise ValidationError({"image": error.messages}) from error
    if len(alt_text or "") > 200:
        raise ValidationError({"alt_text": ["Use at most 200 characters."]})
    name = default_storage.save(f"store/products/{photo.name}", photo)
    is_first = not product.images.exists()
    position = product.images.order_by("-position").values_list("position", flat=True).first() or 0
    image = ProductImage.objects.create(
        product=product,
        image=name,
        alt_text=(alt_text or "").strip(),
        position=position + 1,
        is_main=is_first,
    )
    transaction.on_commit(lambda: request_thumbnails(name))
    return image


@transaction.atomic
def set_main_image(*, acting_user, image: ProductImage) -> ProductImage:
    _require_admin(acting_user)
    ProductImage.objects.filter(product_id=image.product_id, is_main=True).update(is_main=False)
    ProductImage.objects.filter(pk=image.pk).update(is_main=True)
    image.is_main = True
    return image


@transaction.atomic
def move_image(*, acting_user, image: ProductImage, direction: str) -> None:
    """Swap an image with its neighbour in the gallery order ("up" or "down")."""
    _require_admin(acting_user)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": ["Move up or down."]})
    images = list(
        ProductImage.objects.select_for_update().filter(product_id=image.product_id)
        .order_by("position", "id")
    )  # fmt: skip
    index = next(i for i, item in enumerate(images) if item.pk == image.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(images):
        return
    images[index], images[other] = images[other], images[index]
    for position, item in enumerate(images, start=1):
        ProductImage.objects.filter(pk=item.pk).update(position=position)


@transaction.atomic
def delete_image(*, acting_user, image: ProductImage) -> None:
    _require_admin(acting_user)
    name, product_id, was_main = image.image, image.product_id, image.is_main
    image.delete()
    if was_main:
        following = ProductImage.objects.filter(product_id=product_id).order_by("position").first()
        if following:
            ProductImage.objects.filter(pk=following.pk).update(is_main=True)

    def remove_file():
        default_storage.delete(name)
        delete_thumbnails(name)

    transaction.on_commit(remove_file)


# -- shipping methods and discount codes -----------------------------------------------------


@transaction.atomic
def save_shipping_method(*, acting_user, method: ShippingMethod | None = None, **values):
    _require_admin(acting_user)
    method = method or ShippingMethod()
    for field in ("name", "description", "price", "is_active", "position"):
        if field in values and values[field] is not None:
            setattr(method, field, values[field])
    method.name = (method.name or "").strip()
    if not method.name:
        raise ValidationError({"name": ["Name the shipping method."]})
    money.check_price(method.price, money.shop_currency())
    method.full_clean()
    method.save()
    log_action(acting_user=acting_user, action="store.shipping_saved", target=method)
    return method


@transaction.atomic
def delete_shipping_method(*, acting_user, method: ShippingMethod) -> None:
    _require_admin(acting_user)
    log_action(acting_user=acting_user, action="store.shipping_deleted", target=str(method))
    method.delete()


DISCOUNT_FIELDS = (
    "code",
    "kind",
    "value",
    "minimum_order",
    "expires_at",
    "usage_limit",
    "is_active",
)


@transaction.atomic
def save_discount_code(*, acting_user, discount: DiscountCode | None = None, **values):
    _require_admin(acting_user)
    discount = discount or DiscountCode()
    for field in DISCOUNT_FIELDS:
        if field in values:
            setattr(discount, field, values[field])
    discount.code = (discount.code or "").strip().upper()
    if not discount.code or not discount.code.replace("-", "").replace("_", "").isalnum():
        raise ValidationError({"code": ["Use letters, numbers, hyphens or underscores."]})
    taken = DiscountCode.objects.filter(_same_text("code", discount.code))
    if taken.exclude(pk=discount.pk).exists():
        raise ValidationError({"code": ["This code exists already."]})
    if discount.kind not in DiscountKind.values:
        raise ValidationError({"kind": ["Choose percent or fixed amount."]})
    if discount.value is None or discount.value <= 0:
        raise ValidationError({"value": ["Enter a value above zero."]})
    if discount.kind == DiscountKind.PERCENT and discount.value > 100:
        raise ValidationError({"value": ["A percentage is at most 100."]})
    currency = money.shop_currency()
    if discount.kind == DiscountKind.FIXED:
        money.check_price(discount.value, currency, field="value")
    money.check_price(discount.minimum_order, currency, field="minimum_order")
    if discount.usage_limit is not None and discount.usage_limit < discount.times_used:
        raise ValidationError(
            {"usage_limit": [f"It was used {discount.times_used} times already."]}
        )
    discount.full_clean(validate_constraints=False)
    _save_unique(discount, "code", "This code exists already.")
    log_action(acting_user=acting_user, action="store.discount_saved", target=discount)
    return discount


@transaction.atomic
def delete_discount_code(*, acting_user, discount: DiscountCode) -> None:
    _require_admin(acting_user)
    log_action(acting_user=acting_user, action="store.discount_deleted", target=str(discount))
    discount.delete()


# -- cart -------------------------------------------------------------------------------------


def _purchasable(variant_id) -> Variant:
    try:
        variant_id = int(variant_id)
    except (TypeError, ValueError):
        raise ValidationError({"variant": ["Choose a product option."]}) from None
    variant = (
        Variant.objects.select_related("product")
        .filter(pk=variant_id, product__status=ProductStatus.PUBLISHED)
        .first()
    )
    if variant is None:
        raise ValidationError({"variant": ["This product is not available."]})
    return variant


def _quantity(value) -> int:
    try:
        quantity = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"quantity": ["Enter a whole number."]}) from None
    if quantity < 0 or quantity > MAX_LINE_QUANTITY:
        raise ValidationError({"quantity": [f"Enter a quantity from 1 to {MAX_LINE_QUANTITY}."]})
    return quantity


def _stock_error(variant: Variant) -> ValidationError:
    if variant.stock <= 0:
        return ValidationError({"quantity": [f"{variant} is sold out."]})
    return ValidationError({"quantity": [f"Only {variant.stock} of {variant} left."]})


def session_cart(session) -> dict[int, int]:
    raw = session.get(SESSION_CART_KEY) or {}
    cart = {}
    for key, value in raw.items():
        try:
            cart[int(key)] = int(value)
        except (TypeError, ValueError):
            continue
    return cart


def _save_session_cart(session, cart: dict[int, int]) -> None:
    session[SESSION_CART_KEY] = {str(k): v for k, v in cart.items() if v > 0}
    session.modified = True


def _member_cart(user, *, lock: bool = False) -> Cart:
    cart, _ = Cart.objects.get_or_create(user=user)
    if lock:
        cart = Cart.objects.select_for_update().get(pk=cart.pk)
    return cart


def cart_quantities(*, user, session) -> dict[int, int]:
    """{variant_id: quantity} of the visitor's cart (session) or the member's (database)."""
    if user is not None and user.is_authenticated:
        return dict(CartLine.objects.filter(cart__user=user).values_list("variant_id", "quantity"))
    return session_cart(session)


@transaction.atomic
def set_cart_quantity(*, user, session, variant_id, quantity, add: bool = False) -> int:
    """Set (or with `add`, increase) a line's quantity; 0 removes it. Refused with a
    `quantity` error beyond the stock. Returns the line's new quantity."""
    quantity = _quantity(quantity)
    if add and quantity == 0:
        raise ValidationError({"quantity": [f"Enter a quantity from 1 to {MAX_LINE_QUANTITY}."]})
    if quantity == 0:
        variant_pk = int(variant_id) if str(variant_id).isdecimal() else None
        if user is not None and user.is_authenticated:
            CartLine.objects.filter(cart__user=user, variant_id=variant_pk).delete()
        else:
            cart = session_cart(session)
            cart.pop(variant_pk, None)
            _save_session_cart(session, cart)
        return 0
    variant = _purchasable(variant_id)
    if user is not None and user.is_authenticated:
        cart = _member_cart(user, lock=True)
        line = CartLine.objects.filter(cart=cart, variant=variant).first()
        current = line.quantity if line else 0
        count = CartLine.objects.filter(cart=cart).count()
    else:
        lines = session_cart(session)
        current = lines.get(variant.pk, 0)
        count = len(lines)
    new = current + quantity if add else quantity
    if new > MAX_LINE_QUANTITY:
        raise ValidationError({"quantity": [f"At most {MAX_LINE_QUANTITY} of one item."]})
    if new > variant.stock:
        raise _stock_error(variant)
    if not current and count >= MAX_CART_LINES:
        raise ValidationError({"quantity": [f"A cart holds at most {MAX_CART_LINES} items."]})
    if user is not None and user.is_authenticated:
        CartLine.objects.update_or_create(cart=cart, variant=variant, defaults={"quantity": new})
        Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())
    else:
        lines[variant.pk] = new
        _save_session_cart(session, lines)
    return new


@transaction.atomic
def merge_session_cart(*, user, session) -> int:
    """At login: move the visitor's session cart into the member's database cart, adding to
    lines already there and keeping every line within the stock. Returns lines merged."""
    lines = session_cart(session)
    if not lines:
        return 0
    cart = _member_cart(user, lock=True)
    existing = {line.variant_id: line for line in CartLine.objects.filter(cart=cart)}
    variants = Variant.objects.filter(pk__in=lines, product__status=ProductStatus.PUBLISHED)
    merged = 0
    for variant in variants:
        line = existing.get(variant.pk)
        wanted = lines[variant.pk] + (line.quantity if line else 0)
        quantity = min(wanted, variant.stock, MAX_LINE_QUANTITY)
        if quantity <= 0:
            continue
        CartLine.objects.update_or_create(
            cart=cart, variant=variant, defaults={"quantity": quantity}
        )
        merged += 1
    session.pop(SESSION_CART_KEY, None)
    session.modified = True
    return merged


def clear_cart(*, user, session, variant_ids=None) -> None:
    if user is not None and user.is_authenticated:
        lines = CartLine.objects.filter(cart__user=user)
        if variant_ids is not None:
            lines = lines.filter(variant_id__in=list(variant_ids))
        lines.delete()
    else:
        cart = session_cart(session)
        for key in list(cart) if variant_ids is None else variant_ids:
            cart.pop(key, None)
        _save_session_cart(session, cart)


# -- pricing ----------------------------------------------------------------------------------


@dataclasses.dataclass
class Totals:
    currency: str
    subtotal: Decimal
    discount: Decimal
    shipping: Decimal
    tax_rate: Decimal
    tax: Decimal
    total: Decimal
    discount_code: DiscountCode | None = None


def find_discount(code: str, *, subtotal: Decimal, now=None) -> DiscountCode:
    """The usable discount code, or a `discount_code` error saying why not."""
    code = (code or "").strip()
    discount = DiscountCode.objects.filter(code__iexact=code).first() if code else None
    now = now or timezone.now()
    if discount is None or not discount.is_active:
        raise ValidationError({"discount_code": ["This discount code is not valid."]})
    if discount.expires_at and discount.expires_at <= now:
        raise ValidationError({"discount_code": ["This discount code has expired."]})
    if discount.usage_limit is not None and discount.times_used >= discount.usage_limit:
        raise ValidationError({"discount_code": ["This discount code has been used up."]})
    if discount.minimum_order and subtotal < discount.minimum_order:
        raise ValidationError(
            {"discount_code": [
                f"This code needs an order of at least "
                f"{money.format_money(discount.minimum_order, money.shop_currency())}."
            ]}
        )  # fmt: skip
    return discount


def compute_totals(
    *,
    subtotal: Decimal,
    currency: str,
    shipping: ShippingMethod | None,
    discount: DiscountCode | None,
    tax_rate: Decimal,
) -> Totals:
    """Exact totals: discount on the goods, then tax on goods after discount plus shipping,
    each amount rounded half up to the currency's minor unit."""
    q = lambda amount: money.quantize(amount, currency)  # noqa: E731
    subtotal = q(subtotal)
    amount_off = ZERO
    if discount is not None:
        if discount.kind == DiscountKind.PERCENT:
            amount_off = q(subtotal * discount.value / 100)
        else:
            amount_off = q(discount.value)
        amount_off = min(amount_off, subtotal)
    shipping_amount = q(shipping.price) if shipping else ZERO
    taxable = subtotal - amount_off + shipping_amount
    tax = q(taxable * Decimal(tax_rate) / 100)
    return Totals(
        currency=currency,
        subtotal=subtotal,
        discount=amount_off,
        shipping=shipping_amount,
        tax_rate=Decimal(tax_rate),
        tax=tax,
        total=taxable + tax,
        discount_code=discount,
    )


# -- placing orders ---------------------------------------------------------------------------

ADDRESS_FIELDS = {
    "email": 254,
    "full_name": 200,
    "phone": 40,
    "address_line1": 200,
    "address_line2": 200,
    "city": 100,
    "postal_code": 20,
    "country": 2,
    "note": 1000,
}
REQUIRED_ADDRESS = ("email", "full_name", "address_line1", "city", "postal_code", "country")


def _clean_address(address: dict) -> dict:
    from django.core.validators import validate_email

    cleaned, errors = {}, {}
    for field, limit in ADDRESS_FIELDS.items():
        value = str(address.get(field) or "").strip()
        if field in REQUIRED_ADDRESS and not value:
            errors[field] = ["This field is required."]
        elif len(value) > limit:
            errors[field] = [f"Use at most {limit} characters."]
        cleaned[field] = value
    if cleaned["email"] and "email" not in errors:
        try:
            validate_email(cleaned["email"])
        except ValidationError:
            errors["email"] = ["Enter a valid email address."]
    country = cleaned["country"].upper()
    if country and (len(country) != 2 or not country.isalpha()):
        errors["country"] = ["Use a two-letter country code such as DE."]
    cleaned["country"] = country
    if errors:
        raise ValidationError(errors)
    return cleaned


def _next_order_number() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('store_order_number_seq')")
        return cursor.fetchone()[0]


def _admins():
    from shared_apps.accounts.models import User

    return User.objects.filter(is_active=True, member__role__in=[Role.OWNER, Role.ADMIN])


def _alert_low_stock(variant_ids) -> None:
    """Tell the admins, once per fall, about variants at or below the low-stock threshold."""
    from tenant_apps.notifications.services import notify

    threshold = get_settings().low_stock_threshold
    low = Variant.objects.select_related("product").filter(
        pk__in=list(variant_ids), stock__lte=threshold, low_stock_alerted=False
    )
    admins = list(_admins())
    for variant in low:
        if not Variant.objects.filter(pk=variant.pk, low_stock_alerted=False).update(
            low_stock_alerted=True
        ):
            continue  # another sale alerted already
        notify(
            recipients=admins,
            kind="store.low_stock",
            title=f"Low stock: {variant} ({variant.stock} left)",
            body=f"SKU {variant.sku or '—'}. Restock it in the store's product page.",
            url=f"/store/manage/products/{variant.product_id}/",
            target=variant,
        )


def _event(order: Order, message: str, *, status: str = "", actor=None) -> OrderEvent:
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return OrderEvent.objects.create(order=order, status=status, message=message[:500], actor=actor)


def _queue_email(order_id: int, kind: str) -> None:
    from tenant_apps.store.tasks import send_order_email

    organization = current_organization()

    def queue():  # after commit, possibly outside the request: queue in this tenant's schema
        with tenant_context(organization):
            send_order_email.delay(order_id, kind)

    transaction.on_commit(queue)


@transaction.atomic
def place_order(
    *,
    user,
    quantities: dict[int, int],
    address: dict,
    shipping_method_id,
    payment_method: str,
    discount_code: str = "",
) -> Order:
    """Turn a cart into a pending order: every line's stock is reserved with a conditional
    update (all or nothing), the discount code's use is counted within its limit, and the
    totals are fixed. Card orders then go to `start_card_payment`; offline orders wait for the
    admin; an order with nothing to pay is paid at once."""
    settings_row = get_settings()
    currency = money.shop_currency()
    cleaned = _clean_address(address)
    if not quantities:
        raise ValidationError({"cart": ["Your cart is empty."]})
    if len(quantities) > MAX_CART_LINES:
        raise ValidationError({"cart": [f"A cart holds at most {MAX_CART_LINES} items."]})
    shipping = ShippingMethod.objects.filter(pk=shipping_method_id, is_active=True).first()
    if shipping is None and (
        shipping_method_id or ShippingMethod.objects.filter(is_active=True).exists()
    ):
        raise ValidationError({"shipping_method": ["Choose a shipping method."]})
    if payment_method not in (PaymentMethod.CARD, PaymentMethod.OFFLINE):
        raise ValidationError({"payment_method": ["Choose how to pay."]})
    if payment_method == PaymentMethod.OFFLINE and not settings_row.allow_offline_payment:
        raise ValidationError({"payment_method": ["This shop does not take offline payments."]})

    variants = {
        v.pk: v
        for v in Variant.objects.select_related("product").filter(
            pk__in=list(quantities), product__status=ProductStatus.PUBLISHED
        )
    }
    lines = []
    for variant_id in sorted(quantities):  # one lock order for every buyer: no deadlocks
        quantity = _quantity(quantities[variant_id])
        variant = variants.get(variant_id)
        if variant is None:
            raise ValidationError({"cart": ["An item in your cart is no longer available."]})
        if quantity == 0:
            continue
        taken = Variant.objects.filter(pk=variant_id, stock__gte=quantity).update(
            stock=F("stock") - quantity
        )
        if not taken:
            variant.refresh_from_db(fields=["stock"])
            left = "is sold out" if variant.stock <= 0 else f"has only {variant.stock} left"
            raise ValidationError({"cart": [f"{variant} {left}."]})
        lines.append((variant, quantity, money.quantize(variant.unit_price, currency)))
    if not lines:
        raise ValidationError({"cart": ["Your cart is empty."]})
    subtotal = sum((price * quantity for _, quantity, price in lines), ZERO)

    discount = None
    if (discount_code or "").strip():
        discount = find_discount(discount_code, subtotal=subtotal)
        counted = (
            DiscountCode.objects.filter(pk=discount.pk, is_active=True)
            .filter(Q(usage_limit__isnull=True) | Q(times_used__lt=F("usage_limit")))
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
            .update(times_used=F("times_used") + 1)
        )
        if not counted:
            raise ValidationError({"discount_code": ["This discount code has been used up."]})
    totals = compute_totals(
        subtotal=subtotal,
        currency=currency,
        shipping=shipping,
        discount=discount,
        tax_rate=settings_row.tax_rate,
    )
    if totals.total == 0:
        payment_method = PaymentMethod.FREE
    elif payment_method == PaymentMethod.CARD:
        reason = payments.not_set_up_reason(current_organization())
        if reason:
            raise ValidationError({"payment_method": [reason]})
    hold = (
        card_reservation()
        if payment_method == PaymentMethod.CARD
        else timedelta(days=settings_row.offline_hold_days)
    )
    order = Order.objects.create(
        number=_next_order_number(),
        user=user if user is not None and user.is_authenticated else None,
        **cleaned,
        currency=currency,
        subtotal=totals.subtotal,
        discount_code=discount,
        discount_label=discount.code if discount else "",
        discount_amount=totals.discount,
        shipping_method=shipping,
        shipping_name=shipping.name if shipping else "No shipping",
        shipping_amount=totals.shipping,
        tax_rate=totals.tax_rate,
        tax_amount=totals.tax,
        total=totals.total,
        payment_method=payment_method,
        reserved_until=timezone.now() + hold,
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            variant=variant,
            product_title=variant.product.title,
            variant_name=variant.name,
            sku=variant.sku or variant.product.sku,
            unit_price=price,
            quantity=quantity,
            line_total=price * quantity,
        )
        for variant, quantity, price in lines
    )
    _event(order, "Order placed.", status=OrderStatus.PENDING, actor=user)
    _alert_low_stock([variant.pk for variant, _, _ in lines])
    if payment_method == PaymentMethod.FREE:
        _mark_paid(order, message="Nothing to pay: order confirmed.")
    elif payment_method == PaymentMethod.OFFLINE:
        _queue_email(order.pk, "placed")
    _notify_admins_of_order(order)
    return order


@dataclasses.dataclass
class CheckoutResult:
    order: Order
    payment_url: str | None = None  # card orders: Stripe's payment page
    payment_error: str = ""  # card orders whose payment page could not open (now cancelled)


def check_out_cart(
    *,
    user,
    session,
    address: dict,
    shipping_method_id,
    payment_method: str,
    discount_code: str = "",
) -> CheckoutResult:
    """Check out the visitor's (session) or member's (database) cart, for the pages and the
    API alike: the lines as the cart shows them (capped to the stock left) become a pending
    order (`place_order`: stock reserved, discount counted, totals fixed), those lines leave
    the cart, and a card order gets its Stripe payment page. Should Stripe refuse, the order
    is cancelled (its stock given back) and `payment_error` says why."""
    from tenant_apps.store.selectors import cart_view

    quantities = cart_view(cart_quantities(user=user, session=session)).quantities()
    if not quantities:
        raise ValidationError({"cart": ["Your cart is empty."]})
    order = place_order(
        user=user,
        quantities=quantities,
        address=address,
        shipping_method_id=shipping_method_id,
        payment_method=payment_method,
        discount_code=discount_code,
    )
    clear_cart(user=user, session=session, variant_ids=list(quantities))
    result = CheckoutResult(order=order)
    if order.payment_method == PaymentMethod.CARD:
        try:
            result.payment_url = start_card_payment(order=order)
        except (ApplicationError, ValidationError) as error:
            result.payment_error = getattr(error, "message", None) or " ".join(error.messages)
            order.refresh_from_db()
    return result


def _notify_admins_of_order(order: Order) -> None:
    from tenant_apps.notifications.services import notify

    notify(
        recipients=_admins(),
        kind="store.new_order",
        title=f"New order #{order.number} ({money.format_money(order.total, order.currency)})",
        body=f"{order.full_name} · {order.get_payment_method_display()}",
        url=f"/store/manage/orders/{order.pk}/",
        target=order,
    )


def start_card_payment(*, order: Order) -> str:
    """Open the Stripe Checkout page for a pending card order on the shop's connected account
    and return its URL. If Stripe refuses, the order is cancelled and its stock given back,
    and the error goes up to be shown."""
    organization = current_organization()
    token = order.access_token
    lines = [
        payments.LineItem(
            name=f"{line.product_title} - {line.variant_name}"
            if line.variant_name
            else line.product_title,
            unit_amount=money.to_minor(line.unit_price, order.currency),
            quantity=line.quantity,
        )
        for line in order.lines.all()
    ]
    # Stripe takes one amount per line; the discount, shipping and tax become one line each
    # only where they add to the total, so the charged total is the order's exact total.
    extra = order.total - sum((line.line_total for line in order.lines.all()), ZERO)
    if order.discount_amount:
        # With a discount, charge one line for the whole order so nothing goes negative.
        lines = [
            payments.LineItem(
                name=f"Order #{order.number}",
                unit_amount=money.to_minor(order.total, order.currency),
            )
        ]
    elif extra > 0:
        if order.shipping_amount:
            lines.append(
                payments.LineItem(
                    name=f"Shipping: {order.shipping_name}",
                    unit_amount=money.to_minor(order.shipping_amount, order.currency),
                )
            )
        if order.tax_amount:
            lines.append(
                payments.LineItem(
                    name=f"Tax ({order.tax_rate.normalize()} %)",
                    unit_amount=money.to_minor(order.tax_amount, order.currency),
                )
            )
    try:
        session = payments.create_checkout_session(
            organization=organization,
            line_items=lines,
            currency=order.currency.lower(),
            success_url=organization_url(organization, f"/store/orders/{token}/?paid=1"),
            cancel_url=organization_url(organization, f"/store/orders/{token}/"),
            metadata={"store_order_id": str(order.pk), "order_number": str(order.number)},
            customer_email=order.email,
            reference=f"store-order-{order.number}",
            # Fixed by the order, so that "pay now" again replays the same session.
            expires_at=order.reserved_until - WEBHOOK_GRACE,
        )
    except (ApplicationError, ValidationError):
        cancel_order(order_id=order.pk, acting_user=None, reason="The payment page could not open.")
        raise
    Order.objects.filter(pk=order.pk).update(stripe_session_id=session.id)
    order.stripe_session_id = session.id
    return session.url


def _mark_paid(order: Order, *, message: str, payment_intent: str = "", actor=None) -> bool:
    """PENDING → PAID exactly once (a conditional update). Returns whether this call did it."""
    now = timezone.now()
    updated = Order.objects.filter(pk=order.pk, status=OrderStatus.PENDING).update(
        status=OrderStatus.PAID,
        paid_at=now,
        stock_state=StockState.SOLD,
        reserved_until=None,
        stripe_payment_intent=payment_intent or F("stripe_payment_intent"),
        updated_at=now,
    )
    if not updated:
        return False
    order.refresh_from_db()
    _event(order, message, status=OrderStatus.PAID, actor=actor)
    _queue_email(order.pk, "paid")
    return True


def _release_stock(order: Order) -> bool:
    """Give a reserved or sold order's stock back, exactly once."""
    updated = Order.objects.filter(
        pk=order.pk, stock_state__in=[StockState.RESERVED, StockState.SOLD]
    ).update(stock_state=StockState.RELEASED, reserved_until=None)
    if not updated:
        return False
    for line in order.lines.filter(variant__isnull=False):
        Variant.objects.filter(pk=line.variant_id).update(stock=F("stock") + line.quantity)
    threshold = get_settings().low_stock_threshold
    Variant.objects.filter(
        pk__in=order.lines.values("variant_id"), stock__gt=threshold, low_stock_alerted=True
    ).update(low_stock_alerted=False)
    return True


def _release_discount(order: Order) -> None:
    if order.discount_code_id and order.paid_at is None:
        DiscountCode.objects.filter(pk=order.discount_code_id, times_used__gt=0).update(
            times_used=F("times_used") - 1
        )


@transaction.atomic
def expire_order(*, order_id: int, reason: str) -> bool:
    """An unpaid order whose payment session expired (or whose reservation lapsed): cancelled,
    stock and discount use given back. Only from pending, so it happens once."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        return False
    updated = Order.objects.filter(pk=order_id, status=OrderStatus.PENDING).update(
        status=OrderStatus.CANCELLED, updated_at=timezone.now()
    )
    if not updated:
        return False
    _release_stock(order)
    _release_discount(order)
    _event(order, reason, status=OrderStatus.CANCELLED)
    _queue_email(order.pk, "cancelled")
    return True


@transaction.atomic
def mark_order_paid(*, acting_user, order: Order) -> Order:
    """An admin records an offline payment."""
    _require_admin(acting_user)
    if not _mark_paid(order, message="Payment received (offline).", actor=acting_user):
        raise Conflict("Only a pending order can be marked paid.")
    log_action(acting_user=acting_user, action="store.order_paid", target=order)
    return order


@transaction.atomic
def change_order_status(
    *,
    acting_user,
    order: Order,
    status: str,
    carrier: str = "",
    tracking_number: str = "",
    tracking_url: str = "",
    note: str = "",
) -> Order:
    """Move an order along its workflow (admins). Shipping needs a tracking number; every step
    writes the timeline and emails the customer. Cancelling gives the stock back and refunds
    what was paid."""
    _require_admin(acting_user)
    if status not in OrderStatus.values:
        raise ValidationError({"status": ["Choose a status."]})
    if status == OrderStatus.PAID:
        return mark_order_paid(acting_user=acting_user, order=order)
    if status == OrderStatus.CANCELLED:
        return cancel_order(order_id=order.pk, acting_user=acting_user, reason=note)
    if status not in TRANSITIONS.get(order.status, set()):
        raise ValidationError(
            {"status": [f"A {order.get_status_display().lower()} order cannot become "
                        f"{OrderStatus(status).label.lower()}."]}
        )  # fmt: skip
    fields = {"status": status, "updated_at": timezone.now()}
    if status == OrderStatus.SHIPPED:
        tracking_number = (tracking_number or "").strip()[:100]
        if not tracking_number:
            raise ValidationError({"tracking_number": ["Enter the parcel's tracking number."]})
        if tracking_url and not tracking_url.startswith(("https://", "http://")):
            raise ValidationError({"tracking_url": ["Enter a web address starting https://."]})
        fields.update(
            carrier=(carrier or "").strip()[:100],
            tracking_number=tracking_number,
            tracking_url=(tracking_url or "")[:500],
        )
    # From the status the admin saw: two admins clicking at once move it once.
    if not Order.objects.filter(pk=order.pk, status=order.status).update(**fields):
        raise Conflict("The order changed meanwhile; reload it.")
    before = order.status
    order.refresh_from_db()
    message = f"Marked {order.get_status_display().lower()}."
    if status == OrderStatus.SHIPPED:
        message = f"Shipped with {order.carrier or 'carrier'}, tracking {order.tracking_number}."
    if note:
        message = f"{message} {note.strip()[:300]}"
    _event(order, message, status=status, actor=acting_user)
    log_action(
        acting_user=acting_user,
        action="store.order_status_changed",
        target=order,
        before={"status": before},
        after={"status": status},
    )
    _queue_email(order.pk, status)
    return order


@transaction.atomic
def cancel_order(*, order_id: int, acting_user, reason: str = "") -> Order:
    """Cancel an order that has not shipped: stock goes back (restock), an unpaid order frees
    its discount use, and a paid one is refunded in full (through Stripe when paid there)."""
    if acting_user is not None:
        _require_admin(acting_user)
    order = Order.objects.select_for_update().get(pk=order_id)
    allowed = TRANSITIONS.get(order.status, set())
    if OrderStatus.CANCELLED not in allowed:
        raise ValidationError(
            {"status": [f"A {order.get_status_display().lower()} order cannot be cancelled."]}
        )
    if order.paid_at and order.refundable_amount > 0:
        _refund(order, amount=order.refundable_amount, reason="Order cancelled", actor=acting_user)
    Order.objects.filter(pk=order.pk).update(
        status=OrderStatus.CANCELLED, updated_at=timezone.now()
    )
    order.refresh_from_db()
    _release_stock(order)
    _release_discount(order)
    _event(
        order,
        "Cancelled; items put back in stock." + (f" {reason.strip()[:300]}" if reason else ""),
        status=OrderStatus.CANCELLED,
        actor=acting_user,
    )
    if acting_user is not None:
        log_action(acting_user=acting_user, action="store.order_cancelled", target=order)
    _queue_email(order.pk, "cancelled")
    return order


def _refund(order: Order, *, amount: Decimal, reason: str, actor) -> Refund:
    """Refund `amount` of a locked, paid order: through Stripe for card orders (idempotent per
    refund number), recorded for offline ones. Updates refunded amount and status."""
    number = order.refunds.count() + 1
    stripe_id = None
    if order.payment_method == PaymentMethod.CARD and order.stripe_payment_intent:
        result = payments.refund(
            organization=current_organization(),
            payment_intent_id=order.stripe_payment_intent,
            amount=money.to_minor(amount, order.currency),
            reason="requested_by_customer",
            reference=f"store-order-{order.number}-refund-{number}",
        )
        stripe_id = result.id
    refund = Refund.objects.create(
        order=order, amount=amount, reason=reason[:300], stripe_refund_id=stripe_id, actor=actor
    )
    _apply_refunded_total(order, order.refunded_amount + amount, actor=actor)
    return refund


def _apply_refunded_total(order: Order, refunded: Decimal, *, actor=None) -> bool:
    """Set the order's refunded amount (never lowering it) and the matching status."""
    refunded = min(refunded, order.total)
    if refunded <= order.refunded_amount:
        return False
    fields = {"refunded_amount": refunded, "updated_at": timezone.now()}
    if order.status != OrderStatus.CANCELLED:
        fields["status"] = (
            OrderStatus.REFUNDED if refunded >= order.total else OrderStatus.PARTIALLY_REFUNDED
        )
    Order.objects.filter(pk=order.pk).update(**fields)
    order.refresh_from_db()
    label = money.format_money(refunded, order.currency)
    _event(
        order,
        f"Refunded {label} in total.",
        status=fields.get("status", ""),
        actor=actor,
    )
    _queue_email(order.pk, "refunded")
    return True


@transaction.atomic
def refund_order(*, acting_user, order: Order, amount, reason: str = "") -> Refund:
    """A full or partial refund (admins), at most what is left to refund."""
    _require_admin(acting_user)
    order = Order.objects.select_for_update().get(pk=order.pk)
    if not order.is_open_for_refund:
        raise ValidationError({"amount": ["This order has nothing left to refund."]})
    if amount in (None, ""):
        amount = order.refundable_amount
    try:
        amount = money.check_price(Decimal(str(amount)), order.currency, field="amount")
    except ArithmeticError:
        raise ValidationError({"amount": ["Enter an amount."]}) from None
    if amount <= 0:
        raise ValidationError({"amount": ["A refund must be for more than zero."]})
    if amount > order.refundable_amount:
        raise ValidationError(
            {"amount": [f"At most {money.format_money(order.refundable_amount, order.currency)} "
                        "is left to refund."]}
        )  # fmt: skip
    refund = _refund(order, amount=amount, reason=reason or "", actor=acting_user)
    log_action(
        acting_user=acting_user,
        action="store.order_refunded",
        target=order,
        after={"amount": str(amount)},
    )
    return refund


# -- Stripe webhooks (registered in apps.py; they run in this tenant's schema) ---------------


def _order_for_session(session: dict) -> Order | None:
    order = Order.objects.filter(stripe_session_id=session.get("id")).first()
    if order is None:
        order_id = (session.get("metadata") or {}).get("store_order_id")
        if order_id and str(order_id).isdecimal():
            order = Order.objects.filter(pk=int(order_id), stripe_session_id__isnull=True).first()
    return order


def on_checkout_completed(event: dict) -> None:
    """Payment succeeded: the order is paid (once). Should the reservation have been given
    back already (a very late payment), the stock is taken again if it is there; if not the
    admins are told to refund."""
    session = event["data"]["object"]
    order = _order_for_session(session)
    if order is None or session.get("payment_status") not in ("paid", "no_payment_required"):
        return
    order = Order.objects.select_for_update().get(pk=order.pk)
    intent = session.get("payment_intent") or ""
    if isinstance(intent, dict):
        intent = intent.get("id", "")
    if order.status == OrderStatus.PENDING:
        _mark_paid(order, message="Paid by card.", payment_intent=intent)
        return
    if order.status == OrderStatus.CANCELLED and order.paid_at is None:
        _late_payment(order, intent)


def _late_payment(order: Order, intent: str) -> None:
    retaken: list | None = []
    try:
        with transaction.atomic():  # all lines or none
            for line in order.lines.filter(variant__isnull=False):
                if not Variant.objects.filter(pk=line.variant_id, stock__gte=line.quantity).update(
                    stock=F("stock") - line.quantity
                ):
                    raise ValidationError("sold out")
                retaken.append(line)
    except ValidationError:
        retaken = None
    now = timezone.now()
    Order.objects.filter(pk=order.pk).update(
        status=OrderStatus.PAID if retaken is not None else OrderStatus.CANCELLED,
        paid_at=now,
        stripe_payment_intent=intent,
        stock_state=StockState.SOLD if retaken is not None else StockState.RELEASED,
    )
    order.refresh_from_db()
    if retaken is not None:
        _event(order, "Paid by card after the reservation had lapsed; stock taken again.",
               status=OrderStatus.PAID)  # fmt: skip
        _queue_email(order.pk, "paid")
    else:
        from tenant_apps.notifications.services import notify

        _event(order, "Paid by card after the items were sold to others: refund it.")
        notify(
            recipients=_admins(),
            kind="store.new_order",
            title=f"Order #{order.number} was paid too late: refund it",
            url=f"/store/manage/orders/{order.pk}/",
            target=order,
        )


def on_checkout_expired(event: dict) -> None:
    session = event["data"]["object"]
    order = _order_for_session(session)
    if order is not None:
        expire_order(order_id=order.pk, reason="The payment session expired; stock released.")


def on_charge_refunded(event: dict) -> None:
    """A refund made here or in the Stripe dashboard: the refunded total follows Stripe's
    (an absolute figure, so a replayed event changes nothing)."""
    charge = event["data"]["object"]
    intent = charge.get("payment_intent")
    if isinstance(intent, dict):
        intent = intent.get("id")
    order = (
        Order.objects.select_for_update().filter(stripe_payment_intent=intent).first()
        if intent
        else None
    )
    if order is None:
        return
    refunded = money.from_minor(int(charge.get("amount_refunded") or 0), order.currency)
    if refunded > order.refunded_amount:
        missing = refunded - order.refunded_amount
        Refund.objects.create(order=order, amount=missing, reason="Refunded in Stripe")
        _apply_refunded_total(order, refunded)


# -- background sweeps ------------------------------------------------------------------------


def release_lapsed_reservations(*, now=None) -> int:
    """Cancel unpaid orders whose reservation lapsed (a lost expiry webhook, offline orders
    never paid) and give their stock back. Each order is released at most once."""
    now = now or timezone.now()
    lapsed = Order.objects.filter(
        status=OrderStatus.PENDING, stock_state=StockState.RESERVED, reserved_until__lt=now
    ).values_list("pk", flat=True)
    released = 0
    for order_id in list(lapsed[:500]):
        if expire_order(order_id=order_id, reason="Not paid in time; stock released."):
            released += 1
    return released
