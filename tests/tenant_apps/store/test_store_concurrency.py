"""Races on real connections (threads, committed data): many buyers for the last units, a
discount code's usage limit, and the reservation sweeper."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone
from store_factories import ADDRESS

from tenant_apps.store import services
from tenant_apps.store.models import (
    DiscountCode,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    ShippingMethod,
    StockState,
    Variant,
)
from tenants.context import tenant_context
from tests.conftest import run_in_threads


@pytest.fixture
def committed_stock(django_db_setup, committed):
    """A published product with 10 units, really committed in alpha; removed afterwards."""
    from shared_apps.accounts.models import User
    from tenants.models import Organization

    alpha = Organization.objects.get(schema_name="alpha")
    with tenant_context(alpha):
        owner = User.objects.get(email="owner@alpha.test")
        product = services.create_product(
            acting_user=owner, organization=alpha, title="Last ten", price=Decimal("9.99"),
            status="published", stock=10,
        )  # fmt: skip
        variant = product.variants.get()
    yield alpha, owner, variant
    with tenant_context(alpha):
        Order.objects.all().delete()
        Product.objects.filter(pk=product.pk).delete()
        DiscountCode.objects.all().delete()
        ShippingMethod.objects.all().delete()
        from tenant_apps.notifications.models import Notification

        Notification.objects.filter(kind__startswith="store.").delete()


def _buy(alpha, variant_id, *, code="", n=0):
    def run():
        with tenant_context(alpha):
            return services.place_order(
                user=None,
                quantities={variant_id: 1},
                address={**ADDRESS, "email": f"buyer{n}@example.com"},
                shipping_method_id=None,
                payment_method="offline",
                discount_code=code,
            ).pk

    return run


def test_fifty_concurrent_checkouts_for_ten_units_sell_exactly_ten(committed_stock):
    alpha, _, variant = committed_stock
    results = run_in_threads([_buy(alpha, variant.pk, n=n) for n in range(50)])
    succeeded = [value for kind, value in results if kind == "ok"]
    failed = [value for kind, value in results if kind == "error"]
    assert len(succeeded) == 10, results
    assert len(failed) == 40
    assert all("sold out" in str(error) for error in failed), failed[:3]
    with tenant_context(alpha):
        assert Variant.objects.get(pk=variant.pk).stock == 0
        sold = OrderLine.objects.filter(variant=variant).aggregate(n=Sum("quantity"))["n"]
        assert sold == 10
        numbers = list(Order.objects.values_list("number", flat=True))
        assert len(set(numbers)) == 10
        assert not Variant.objects.filter(stock__lt=0).exists()


def test_usage_limit_holds_under_concurrent_checkouts(committed_stock):
    alpha, owner, variant = committed_stock
    with tenant_context(alpha):
        services.save_discount_code(
            acting_user=owner, code="THREE", kind="percent", value=Decimal("10"), usage_limit=3
        )
    results = run_in_threads([_buy(alpha, variant.pk, code="THREE", n=n) for n in range(8)])
    assert sum(1 for kind, _ in results if kind == "ok") == 3, results
    with tenant_context(alpha):
        assert DiscountCode.objects.get(code="THREE").times_used == 3
        assert Variant.objects.get(pk=variant.pk).stock == 7  # failed orders took nothing


def test_sweeper_and_webhook_racing_release_stock_once(committed_stock):
    alpha, _, variant = committed_stock
    order_id = _buy(alpha, variant.pk)()
    with tenant_context(alpha):
        Order.objects.filter(pk=order_id).update(reserved_until=timezone.now() - timedelta(1))

    def sweep():
        with tenant_context(alpha):
            return services.release_lapsed_reservations()

    def expire():
        with tenant_context(alpha):
            return services.expire_order(order_id=order_id, reason="expired")

    results = run_in_threads([sweep, expire, sweep, expire])
    assert all(kind == "ok" for kind, _ in results), results
    with tenant_context(alpha):
        order = Order.objects.get(pk=order_id)
        assert order.status == OrderStatus.CANCELLED and order.stock_state == StockState.RELEASED
        assert Variant.objects.get(pk=variant.pk).stock == 10
        assert order.events.filter(status=OrderStatus.CANCELLED).count() == 1
