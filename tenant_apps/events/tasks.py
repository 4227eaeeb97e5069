"""Background work of the events app. Queued inside a tenant request or tenant_context, a task
runs in that tenant's schema. Each takes ids, re-reads the rows and is safe to run twice."""

from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from config.celery import app
from tenant_apps.events import documents, emails, services
from tenant_apps.events.models import Order, Ticket, WaitlistEntry, WaitlistStatus
from tenants.context import current_organization
from tenants.storage import private_storage


@app.task
def release_hold(order_id: int) -> bool:
    """Queued with the hold's expiry as ETA: releases the seats of a checkout not paid in time."""
    return services.expire_order(order_id=order_id)


@app.task
def release_lapsed_holds() -> int:
    """Beat, once a minute per tenant: the safety net for holds and offers whose task was lost."""
    return services.release_lapsed_holds()


@app.task
def offer_waitlist(event_id: int) -> int:
    return services.offer_waitlist(event_id=event_id)


@app.task
def expire_offer_task(entry_id: int) -> bool:
    return services.expire_offer(entry_id=entry_id)


@app.task
def send_reminders() -> int:
    """Beat, every 15 minutes per tenant: reminders for events starting within 24 hours."""
    return services.send_reminders()


@app.task
def cancel_order_task(order_id: int, acting_user_id: int | None) -> str:
    from shared_apps.accounts.models import User

    user = User.objects.filter(pk=acting_user_id).first() if acting_user_id else None
    order = Order.objects.get(pk=order_id)
    return str(services.cancel_order(acting_user=user, order=order))


@app.task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def refund_late_payment(order_id: int) -> None:
    services.refund_late_payment(order_id=order_id)


def ticket_pdf(ticket: Ticket) -> bytes:
    """The ticket's PDF, made and stored privately the first time."""
    storage = private_storage()
    if ticket.pdf_name and storage.exists(ticket.pdf_name):
        with storage.open(ticket.pdf_name) as handle:
            return handle.read()
    content = documents.ticket_pdf(ticket, site_name=current_organization().name)
    name = storage.save(f"events/tickets/{ticket.code}.pdf", ContentFile(content))
    Ticket.objects.filter(pk=ticket.pk).update(pdf_name=name)
    ticket.pdf_name = name
    return content


def _order(order_id: int) -> Order:
    return Order.objects.select_related("event").get(pk=order_id)


@app.task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_order_confirmation(order_id: int) -> bool:
    """The confirmation email with one PDF ticket per seat attached. Claimed by a conditional
    UPDATE in the same transaction as the send, so it goes out once (a failed send retries)."""
    order = _order(order_id)
    tickets = list(order.tickets.select_related("ticket_type", "event").filter(status="valid"))
    attachments = [(f"ticket-{t.code}.pdf", ticket_pdf(t), "application/pdf") for t in tickets]
    with transaction.atomic():
        if not Order.objects.filter(pk=order_id, confirmation_sent_at__isnull=True).update(
            confirmation_sent_at=timezone.now()
        ):
            return False
        emails.send(
            to=order.email,
            subject=f"Your tickets for {order.event.title}",
            template="confirmation",
            context={
                "order": order,
                "event": order.event,
                "tickets": tickets,
                "when": documents.when_text(order.event),
                "where": documents.where_text(order.event),
                "order_url": emails.absolute(f"/events/orders/{order.token}/"),
            },
            attachments=attachments,
        )
    return True


@app.task
def send_reminder_email(order_id: int) -> None:
    order = _order(order_id)
    tickets = list(order.tickets.filter(status="valid"))
    if not tickets:
        return
    emails.send(
        to=order.email,
        subject=f"Tomorrow: {order.event.title}",
        template="reminder",
        context={
            "order": order,
            "event": order.event,
            "tickets": tickets,
            "when": documents.when_text(order.event),
            "where": documents.where_text(order.event),
            "order_url": emails.absolute(f"/events/orders/{order.token}/"),
        },
    )


@app.task
def send_ticket_cancelled(ticket_id: int, refunded: str) -> None:
    ticket = Ticket.objects.select_related("event", "order", "ticket_type").get(pk=ticket_id)
    emails.send(
        to=ticket.attendee_email,
        subject=f"Your ticket for {ticket.event.title} was cancelled",
        template="ticket_cancelled",
        context={
            "ticket": ticket,
            "event": ticket.event,
            "refunded": Decimal(refunded),
            "currency": ticket.order.currency,
        },
    )


@app.task
def send_order_cancelled(order_id: int, refunded: str) -> None:
    order = _order(order_id)
    emails.send(
        to=order.email,
        subject=f"Cancelled: {order.event.title}",
        template="order_cancelled",
        context={"order": order, "event": order.event, "refunded": Decimal(refunded)},
    )


@app.task
def send_waitlist_offer(entry_id: int) -> None:
    entry = WaitlistEntry.objects.select_related("event", "ticket_type").get(pk=entry_id)
    if entry.status != WaitlistStatus.OFFERED:
        return
    emails.send(
        to=entry.email,
        subject=f"A seat is free for {entry.event.title}",
        template="waitlist_offer",
        context={
            "entry": entry,
            "event": entry.event,
            "claim_url": emails.absolute(f"/events/waitlist/{entry.token}/"),
        },
    )
