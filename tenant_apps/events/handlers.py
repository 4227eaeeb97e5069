"""What the events app plugs into other apps: Stripe Connect events (run in this tenant's
schema by billing) and the permission check of the live check-in topic."""

from tenant_apps.events import services
from tenant_apps.events.models import Event, OrderStatus


def checkout_completed(event: dict) -> None:
    session = event["data"]["object"]
    if services.ORDER_METADATA_KEY not in (session.get("metadata") or {}):
        return  # another app's checkout (the store)
    if session.get("payment_status", "paid") not in ("paid", "no_payment_required"):
        return
    services.confirm_paid_order(session=session)


def checkout_expired(event: dict) -> None:
    session = event["data"]["object"]
    if services.ORDER_METADATA_KEY not in (session.get("metadata") or {}):
        return
    order = services._order_of_session(session)
    if order is not None and order.status == OrderStatus.PENDING:
        services.expire_order(order_id=order.pk, force=True)


def can_follow_checkin(user, event_id: str = "", *rest) -> bool:
    """Live check-in and sales counts: the door staff (moderators) and organizers only."""
    from tenant_apps.members.models import Role
    from tenant_apps.members.selectors import has_role

    if rest or not event_id.isdigit() or not user.is_authenticated:
        return False
    return has_role(user, Role.MODERATOR) and Event.objects.filter(pk=int(event_id)).exists()
