"""Background work of the store. Queued inside a tenant request or tenant_context, a task runs
in that tenant's schema. Tasks take ids and re-read state, so running twice is harmless."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from config.celery import app
from tenant_apps.store import services
from tenant_apps.store.models import Order, OrderStatus
from tenants.context import current_organization, organization_url

SUBJECTS = {
    "placed": "We received your order #{number}",
    "paid": "Order #{number} confirmed",
    OrderStatus.FULFILLED: "Order #{number} is packed",
    OrderStatus.SHIPPED: "Order #{number} is on its way",
    OrderStatus.DELIVERED: "Order #{number} was delivered",
    "cancelled": "Order #{number} was cancelled",
    "refunded": "A refund for order #{number}",
}


@app.task
def send_order_email(order_id: int, kind: str) -> bool:
    """The customer's email (text and HTML) about one step of their order."""
    order = Order.objects.prefetch_related("lines").filter(pk=order_id).first()
    if order is None or kind not in SUBJECTS:
        return False
    organization = current_organization()
    context = {
        "order": order,
        "kind": kind,
        "order_url": organization_url(organization, f"/store/orders/{order.access_token}/"),
        "site_name": organization.name if organization else "",
        "settings": services.get_settings(),
    }
    subject = SUBJECTS[kind].format(number=order.number)
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("store/emails/order.txt", context),
        to=[order.email],
    )
    message.attach_alternative(render_to_string("store/emails/order.html", context), "text/html")
    message.send()
    return True


@app.task
def release_lapsed_reservations() -> int:
    """Beat (every 5 minutes, in each tenant): give back stock of unpaid orders whose
    reservation lapsed."""
    return services.release_lapsed_reservations()
