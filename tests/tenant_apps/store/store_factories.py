"""Store test data, made through the services so that every invariant holds."""

import dataclasses
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tenant_apps.store import services
from tenant_apps.store.models import Category, DiscountCode, Product, ShippingMethod, Variant

ADDRESS = {
    "email": "guest@example.com",
    "full_name": "Grace Guest",
    "phone": "",
    "address_line1": "1 Main Street",
    "address_line2": "",
    "city": "Berlin",
    "postal_code": "10115",
    "country": "DE",
    "note": "",
}


@dataclasses.dataclass
class Catalogue:
    shirts: Category
    tee: Product
    tee_m: Variant
    tee_l: Variant
    mug: Product
    mug_variant: Variant
    draft: Product
    standard: ShippingMethod
    express: ShippingMethod
    percent: DiscountCode
    fixed: DiscountCode


def png(name="photo.png", colour=(200, 30, 30), size=(40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def make_product(admin, organization, *, title="Thing", price="10.00", stock=5, **extra):
    return services.create_product(
        acting_user=admin,
        organization=organization,
        title=title,
        price=Decimal(price),
        stock=stock,
        status=extra.pop("status", "published"),
        **extra,
    )


def make_catalogue(*, admin, organization) -> Catalogue:
    shirts = services.create_category(acting_user=admin, name="T-shirts")
    tee = make_product(
        admin, organization, title="Club Tee", price="20.00", stock=3, sku="TEE",
        description="**Soft** cotton", category_ids=[shirts.pk],
    )  # fmt: skip
    tee_m = tee.variants.get()
    services.update_variant(acting_user=admin, variant=tee_m, name="M", sku="TEE-M")
    tee_l = services.add_variant(
        acting_user=admin, product=tee, name="L", sku="TEE-L", price=Decimal("22.50"), stock=4
    )
    mug = make_product(admin, organization, title="Mug", price="8.00", stock=5, sku="MUG")
    draft = make_product(admin, organization, title="Secret hoodie", price="40", status="draft")
    standard = services.save_shipping_method(
        acting_user=admin, name="Standard", price=Decimal("4.90")
    )
    express = services.save_shipping_method(
        acting_user=admin, name="Express", price=Decimal("12.00"), position=1
    )
    percent = services.save_discount_code(
        acting_user=admin, code="TEN", kind="percent", value=Decimal("10")
    )
    fixed = services.save_discount_code(
        acting_user=admin, code="FIVE", kind="fixed", value=Decimal("5"),
        minimum_order=Decimal("30"), usage_limit=2,
    )  # fmt: skip
    return Catalogue(
        shirts=shirts, tee=tee, tee_m=tee_m, tee_l=tee_l, mug=mug,
        mug_variant=mug.variants.get(), draft=draft, standard=standard, express=express,
        percent=percent, fixed=fixed,
    )  # fmt: skip


def checkout_data(catalogue, **overrides) -> dict:
    data = {**ADDRESS, "shipping_method": catalogue.standard.pk, "payment_method": "offline"}
    data.update(overrides)
    return data
