"""The demo data for `make run` shows every feature and runs through the services."""

from tenant_apps.store import demo
from tenant_apps.store.models import (
    DiscountCode,
    Order,
    OrderStatus,
    Product,
    ProductImage,
    ShippingMethod,
    Variant,
)
from tenants.context import tenant_context


def test_demo_data_fills_a_shop_with_every_feature(alpha, alpha_owner, client_for, as_user):
    with tenant_context(alpha):
        demo.seed(organization=alpha, owner=alpha_owner)
        demo.seed(organization=alpha, owner=alpha_owner)  # a second run adds nothing
        assert Product.objects.count() == 5
        assert Product.objects.filter(status="draft").count() == 1
        assert Variant.objects.filter(product__slug="club-t-shirt").count() == 4
        assert Variant.objects.filter(stock=0).exists()
        assert ProductImage.objects.filter(is_main=True).count() == 5
        assert ShippingMethod.objects.count() == 3 and DiscountCode.objects.count() == 2
        statuses = set(Order.objects.values_list("status", flat=True))
        assert {
            OrderStatus.PENDING, OrderStatus.PAID, OrderStatus.FULFILLED, OrderStatus.SHIPPED,
            OrderStatus.DELIVERED, OrderStatus.PARTIALLY_REFUNDED,
        } <= statuses  # fmt: skip
    assert "Club T-shirt" in client_for(alpha).get("/store/").content.decode()
    sales = as_user(alpha_owner).get("/store/manage/sales/").content.decode()
    assert "<rect" in sales and "Enamel mug" in sales
