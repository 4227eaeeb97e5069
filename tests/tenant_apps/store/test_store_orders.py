"""Order management by admins: the status workflow with a timeline and emails, cancelling
with restock, offline payments, low-stock alerts, the sales page, settings and the sweeper."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone
from store_factories import ADDRESS

from tenant_apps.notifications.models import Notification
from tenant_apps.store import services, tasks
from tenant_apps.store.models import (
    Order,
    OrderStatus,
    StockState,
    StoreSettings,
    Variant,
)
from tenants.context import tenant_context


def place(catalogue, quantity=2, **extra):
    return services.place_order(
        user=extra.pop("user", None),
        quantities={catalogue.mug_variant.pk: quantity},
        address=ADDRESS,
        shipping_method_id=catalogue.standard.pk,
        payment_method="offline",
        **extra,
    )


def test_admin_walks_an_order_through_the_workflow(alpha, as_user, shop_admin, catalogue):
    with tenant_context(alpha):
        order = place(catalogue)
    client = as_user(shop_admin)
    status_url = f"/store/manage/orders/{order.pk}/status/"
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert client.post(status_url, {"status": "paid"}).status_code == 302
        assert client.post(status_url, {"status": "fulfilled"}).status_code == 302
        response = client.post(status_url, {"status": "shipped"})
        assert response.status_code == 400
        assert "tracking_number" in response.context["status_form"].errors
        response = client.post(
            status_url,
            {"status": "shipped", "carrier": "DHL", "tracking_number": "JD0001",
             "tracking_url": "https://dhl.example/JD0001"},
        )  # fmt: skip
        assert response.status_code == 302
        assert client.post(status_url, {"status": "delivered"}).status_code == 302
    with tenant_context(alpha):
        order.refresh_from_db()
        assert order.status == OrderStatus.DELIVERED
        timeline = list(order.events.values_list("status", flat=True))
        assert timeline == ["pending", "paid", "fulfilled", "shipped", "delivered"]
    subjects = [m.subject for m in mail.outbox if m.to == [ADDRESS["email"]]]
    assert f"Order #{order.number} is on its way" in subjects
    assert f"Order #{order.number} was delivered" in subjects
    shipped = next(m for m in mail.outbox if "on its way" in m.subject)
    assert "JD0001" in shipped.body and "JD0001" in shipped.alternatives[0][0]
    page = client.get(f"/store/manage/orders/{order.pk}/").content.decode()
    assert "Shipped with DHL, tracking JD0001" in page
    # The customer's page shows the tracking link.
    customer = as_user(shop_admin).get(f"/store/orders/{order.access_token}/").content.decode()
    assert "https://dhl.example/JD0001" in customer


def test_illegal_transitions_are_refused(alpha, as_user, shop_admin, catalogue):
    with tenant_context(alpha):
        order = place(catalogue)
    client = as_user(shop_admin)
    response = client.post(f"/store/manage/orders/{order.pk}/status/", {"status": "delivered"})
    assert response.status_code == 400
    response = client.post(f"/store/manage/orders/{order.pk}/status/", {"status": "nonsense"})
    assert response.status_code == 400


def test_cancelling_a_paid_order_restocks_and_refunds(alpha, shop_admin, catalogue, in_alpha):
    order = place(catalogue, quantity=3)
    assert Variant.objects.get(pk=catalogue.mug_variant.pk).stock == 2
    services.mark_order_paid(acting_user=shop_admin, order=order)
    services.cancel_order(order_id=order.pk, acting_user=shop_admin, reason="Out of business")
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.stock_state == StockState.RELEASED
    assert order.refunded_amount == order.total
    assert Variant.objects.get(pk=catalogue.mug_variant.pk).stock == 5
    with pytest.raises(Exception):
        services.cancel_order(order_id=order.pk, acting_user=shop_admin)
    assert Variant.objects.get(pk=catalogue.mug_variant.pk).stock == 5


def test_shipped_orders_cannot_be_cancelled(alpha, shop_admin, catalogue, in_alpha):
    from django.core.exceptions import ValidationError

    order = place(catalogue)
    services.mark_order_paid(acting_user=shop_admin, order=order)
    services.change_order_status(
        acting_user=shop_admin, order=order, status="shipped", tracking_number="X1"
    )
    order.refresh_from_db()
    with pytest.raises(ValidationError):
        services.cancel_order(order_id=order.pk, acting_user=shop_admin)


def test_offline_refund_is_recorded_and_partial(alpha, shop_admin, catalogue, in_alpha):
    order = place(catalogue)
    services.mark_order_paid(acting_user=shop_admin, order=order)
    services.refund_order(acting_user=shop_admin, order=order, amount=Decimal("2.00"))
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIALLY_REFUNDED
    services.refund_order(acting_user=shop_admin, order=order, amount=None)
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED and order.refunded_amount == order.total


def test_members_cannot_change_orders(alpha, as_user, shopper, moderator, catalogue):
    with tenant_context(alpha):
        order = place(catalogue)
    for user in (shopper, moderator):
        client = as_user(user)
        assert client.get(f"/store/manage/orders/{order.pk}/").status_code == 403
        response = client.post(f"/store/manage/orders/{order.pk}/status/", {"status": "paid"})
        assert response.status_code == 403
        response = client.post(f"/store/manage/orders/{order.pk}/refund/", {"amount": "1"})
        assert response.status_code == 403
    with tenant_context(alpha):
        assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING


def test_beta_admin_cannot_reach_alphas_orders(alpha, beta, as_user, owner_of, catalogue):
    with tenant_context(alpha):
        order = place(catalogue)
    client = as_user(owner_of(beta), beta)
    assert client.get(f"/store/manage/orders/{order.pk}/").status_code == 404
    assert (
        client.post(f"/store/manage/orders/{order.pk}/status/", {"status": "paid"}).status_code
        == 404
    )
    assert f"#{order.number}" not in client.get("/store/manage/orders/").content.decode()


def test_admin_order_list_filters_and_query_count(
    alpha, as_user, shop_admin, catalogue, django_assert_max_num_queries
):
    with tenant_context(alpha):
        orders = [place(catalogue, quantity=1) for _ in range(4)]
        services.mark_order_paid(acting_user=shop_admin, order=orders[0])
    client = as_user(shop_admin)
    client.get("/store/manage/orders/")
    with django_assert_max_num_queries(12):
        page = client.get("/store/manage/orders/").content.decode()
    assert all(f"#{o.number}" in page for o in orders)
    paid = client.get("/store/manage/orders/?status=paid").content.decode()
    assert f"#{orders[0].number}" in paid and f"#{orders[1].number}<" not in paid
    found = client.get(f"/store/manage/orders/?q=%23{orders[2].number}").content.decode()
    assert f"#{orders[2].number}" in found


def test_low_stock_alerts_admins_once(alpha, shop_admin, alpha_owner, catalogue, in_alpha):
    place(catalogue, quantity=2)  # 5 -> 3: at the threshold
    place(catalogue, quantity=1)  # 3 -> 2: already alerted
    alerts = Notification.objects.filter(kind="store.low_stock")
    assert {n.recipient_id for n in alerts} == {shop_admin.pk, alpha_owner.pk}
    assert alerts.count() == 2
    assert "Mug (2 left)" in alerts.first().title or "Mug (3 left)" in alerts.first().title
    # Restocking re-arms the alert.
    services.set_stock(acting_user=shop_admin, variant_id=catalogue.mug_variant.pk, stock=10)
    assert not Variant.objects.get(pk=catalogue.mug_variant.pk).low_stock_alerted


def test_low_stock_list_on_the_overview(alpha, as_user, shop_admin, catalogue):
    page = as_user(shop_admin).get("/store/manage/").content.decode()
    assert "Club Tee - M" in page  # stock 3 with threshold 3


def test_sales_page_shows_revenue_and_chart(alpha, as_user, shop_admin, catalogue):
    with tenant_context(alpha):
        order = place(catalogue)
        services.mark_order_paid(acting_user=shop_admin, order=order)
        old = place(catalogue, quantity=1)
        services.mark_order_paid(acting_user=shop_admin, order=old)
        Order.objects.filter(pk=old.pk).update(paid_at=timezone.now() - timedelta(days=40))
        place(catalogue, quantity=1)  # pending: not revenue
    page = as_user(shop_admin).get("/store/manage/sales/").content.decode()
    assert "€20.90" in page  # 2 x 8.00 + 4.90
    assert "<svg" in page and "<rect" in page
    assert "1 paid orders" in page or ">1<" in page


def test_sales_page_empty_state_and_permissions(alpha, as_user, shop_admin, shopper):
    assert (
        "No sales in the last 30 days"
        in as_user(shop_admin).get("/store/manage/sales/").content.decode()
    )
    assert as_user(shopper).get("/store/manage/sales/").status_code == 403


def test_settings_page_saves_and_validates(alpha, as_user, shop_admin, shopper):
    client = as_user(shop_admin)
    data = {"tax_rate": "8.25", "allow_offline_payment": "on", "offline_instructions": "IBAN",
            "low_stock_threshold": "2", "offline_hold_days": "3"}  # fmt: skip
    assert client.post("/store/settings/", data).status_code == 302
    with tenant_context(alpha):
        assert StoreSettings.objects.get().tax_rate == Decimal("8.25")
    response = client.post("/store/settings/", {**data, "tax_rate": "101"})
    assert response.status_code == 400 and "tax_rate" in response.context["form"].errors
    assert as_user(shopper).post("/store/settings/", data).status_code == 403


def test_console_links_the_store_settings_page(alpha, as_user, shop_admin):
    assert "/store/settings/" in as_user(shop_admin).get("/console/features/").content.decode()


def test_sweeper_task_cancels_lapsed_offline_orders(alpha, catalogue, in_alpha):
    order = place(catalogue)
    fresh = place(catalogue, quantity=1)
    Order.objects.filter(pk=order.pk).update(reserved_until=timezone.now() - timedelta(hours=1))
    assert tasks.release_lapsed_reservations() == 1
    assert tasks.release_lapsed_reservations() == 0
    order.refresh_from_db()
    fresh.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and fresh.status == OrderStatus.PENDING
    assert Variant.objects.get(pk=catalogue.mug_variant.pk).stock == 4


def test_store_switched_off_is_a_404(alpha, client_for, catalogue):
    alpha.features = [f for f in alpha.features if f != "store"]
    alpha.save(update_fields=["features"])
    from tenants.routing import router

    router.clear()
    assert client_for(alpha).get("/store/").status_code == 404
    assert client_for(alpha).get("/api/v1/store/products/").status_code == 404
