"""Demo data for the `make run` demo sites: a small shop with categories, products (variants,
images, a draft, a sold-out item), shipping, a discount code, settings and orders in every
step of the workflow, so the sales chart has bars."""

import io
import secrets
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from core.demo import demo_data
from tenant_apps.store import services
from tenant_apps.store.models import Order, OrderStatus, PaymentMethod, Product

COLOURS = [(14, 116, 144), (190, 18, 60), (21, 128, 61), (202, 138, 4), (79, 70, 229)]
ADDRESS = {
    "email": "customer@example.com",
    "full_name": "Ada Customer",
    "address_line1": "1 Market Street",
    "city": "Berlin",
    "postal_code": "10115",
    "country": "DE",
}


def _picture(colour) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 600), colour).save(buffer, "PNG")
    return SimpleUploadedFile("product.png", buffer.getvalue(), content_type="image/png")


@demo_data
def seed(*, organization, owner):
    if Product.objects.exists():
        return
    services.update_settings(
        acting_user=owner,
        tax_rate=Decimal("19.00"),
        allow_offline_payment=True,
        offline_instructions="Bank transfer to DE00 1234 5678 9000, quoting your order number.",
        low_stock_threshold=3,
        offline_hold_days=7,
    )
    shirts = services.create_category(acting_user=owner, name="T-shirts", position=1)
    mugs = services.create_category(acting_user=owner, name="Mugs", position=2)
    books = services.create_category(acting_user=owner, name="Books", position=3)
    standard = services.save_shipping_method(
        acting_user=owner, name="Standard (3-5 days)", price=Decimal("4.90")
    )
    services.save_shipping_method(
        acting_user=owner, name="Express (next day)", price=Decimal("12.00"), position=1
    )
    services.save_shipping_method(
        acting_user=owner, name="Pickup at the club", price=Decimal("0"), position=2
    )
    services.save_discount_code(
        acting_user=owner, code="WELCOME10", kind="percent", value=Decimal("10")
    )
    services.save_discount_code(
        acting_user=owner, code="FIVEOFF", kind="fixed", value=Decimal("5"),
        minimum_order=Decimal("30"), usage_limit=100,
        expires_at=timezone.now() + timedelta(days=60),
    )  # fmt: skip

    def product(title, price, category, description, stock=20, **extra):
        item = services.create_product(
            acting_user=owner, organization=organization, title=title, price=Decimal(price),
            description=description, status=extra.get("status", "published"),
            category_ids=[category.pk], stock=stock, sku=extra.get("sku", ""),
        )  # fmt: skip
        services.add_image(
            acting_user=owner, product=item, upload=_picture(secrets.choice(COLOURS)),
            alt_text=title,
        )  # fmt: skip
        return item

    tee = product(
        "Club T-shirt", "24.00", shirts,
        "Soft **organic cotton** with the club logo.\n\n- Unisex fit\n- Machine washable",
        sku="TEE",
    )  # fmt: skip
    first = tee.variants.get()
    services.update_variant(acting_user=owner, variant=first, name="S / Teal", sku="TEE-S-TEAL")
    services.set_stock(acting_user=owner, variant_id=first.pk, stock=8)
    options = (("M / Teal", 12, None), ("L / Teal", 2, None), ("XL / Red", 0, "26.00"))
    for name, stock, price in options:
        services.add_variant(
            acting_user=owner, product=tee, name=name,
            sku=f"TEE-{name.replace(' / ', '-').upper()}",
            price=Decimal(price) if price else None, stock=stock,
        )  # fmt: skip
    services.add_image(acting_user=owner, product=tee, upload=_picture(COLOURS[1]), alt_text="Back")
    mug = product(
        "Enamel mug", "12.50", mugs, "Camp-style enamel mug, 350 ml.", stock=40, sku="MUG"
    )
    product("Season yearbook", "18.00", books, "Photos and stories of the season.", stock=1)
    product("Sticker pack", "3.90", shirts, "Ten weatherproof stickers.", stock=0)
    product("Winter hoodie", "49.00", shirts, "Coming soon.", status="draft")

    # Orders at every step, spread over the last weeks for the sales chart.
    paths = [
        [],
        [OrderStatus.FULFILLED],
        [OrderStatus.SHIPPED],
        [OrderStatus.FULFILLED, OrderStatus.SHIPPED, OrderStatus.DELIVERED],
    ]
    mug_variant = mug.variants.get()
    for day in range(1, 25, 2):
        order = services.place_order(
            user=None,
            quantities={mug_variant.pk: 1 + secrets.randbelow(3)},
            address={**ADDRESS, "email": f"buyer{day}@example.com"},
            shipping_method_id=standard.pk,
            payment_method=PaymentMethod.OFFLINE,
            discount_code="WELCOME10" if day % 5 == 0 else "",
        )
        services.mark_order_paid(acting_user=owner, order=order)
        for status in paths[(day // 2) % len(paths)]:
            order.refresh_from_db()
            services.change_order_status(
                acting_user=owner, order=order, status=status, carrier="DHL",
                tracking_number=f"00340434{day:06d}", tracking_url="https://www.dhl.com/",
            )  # fmt: skip
        when = timezone.now() - timedelta(days=day)
        Order.objects.filter(pk=order.pk).update(created_at=when, paid_at=when)
    refunded = services.place_order(
        user=owner, quantities={first.pk: 1}, address=ADDRESS, shipping_method_id=standard.pk,
        payment_method=PaymentMethod.OFFLINE,
    )  # fmt: skip
    services.mark_order_paid(acting_user=owner, order=refunded)
    services.refund_order(acting_user=owner, order=refunded, amount=Decimal("10.00"), reason="Late")
    services.place_order(
        user=owner, quantities={mug_variant.pk: 3}, address=ADDRESS, shipping_method_id=standard.pk,
        payment_method=PaymentMethod.OFFLINE, discount_code="FIVEOFF",
    )  # fmt: skip
