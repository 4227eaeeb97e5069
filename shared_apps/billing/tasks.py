"""Stripe events are handled here, after the webhook stored them. Each task takes the stored
event's id, re-reads state from Stripe, and can run twice without doing the work twice."""

import logging
from contextlib import nullcontext

from django.db import transaction
from django.utils import timezone

from config.celery import app
from shared_apps.billing import payments, services
from shared_apps.billing.models import StripeEvent
from tenants.context import tenant_context

logger = logging.getLogger(__name__)


def _subscription_id_of(obj: dict) -> str | None:
    if obj.get("object") == "subscription":
        return obj.get("id")
    if obj.get("object") == "checkout.session":
        return obj.get("subscription")
    if obj.get("object") == "invoice":
        parent = obj.get("parent") or {}
        details = parent.get("subscription_details") or {}
        return details.get("subscription") or obj.get("subscription")
    return None


def _handle_platform_event(event: dict) -> None:
    event_type = event["type"]
    obj = event["data"]["object"]
    if event_type == "account.updated":
        services.sync_connected_account(account_id=obj["id"])
        return
    subscription_id = _subscription_id_of(obj)
    if event_type == "checkout.session.completed" and obj.get("mode") != "subscription":
        return
    if not subscription_id:
        return
    account = services.sync_subscription(subscription_id=subscription_id)
    if account is None:
        return
    if event_type == "invoice.payment_failed":
        services.notify_payment_failed(organization=account.organization, invoice=obj)
    elif event_type == "customer.subscription.trial_will_end":
        services.notify_trial_ending(organization=account.organization, subscription=obj)


def _tenant_of_connected_event(event: dict):
    """The organization whose handlers an event from a connected account goes to, or None
    (account.updated is the platform's own; unknown accounts and unhandled types are logged
    or ignored by _handle_connected_event)."""
    if not event.get("account") or event["type"] == "account.updated":
        return None
    if not payments.handlers_for(event["type"]):
        return None
    return payments.organization_for_account(event["account"])


def _handle_connected_event(event: dict) -> None:
    """Runs inside the transaction that process_stripe_event opened in the owning tenant's
    schema, so that what the handlers queue for after commit runs in that schema too."""
    account_id = event["account"]
    if event["type"] == "account.updated":
        services.sync_connected_account(account_id=account_id)
        return
    handlers = payments.handlers_for(event["type"])
    if not handlers:
        return
    organization = payments.organization_for_account(account_id)
    if organization is None:
        logger.warning("Event %s from unknown connected account %s", event["id"], account_id)
        return
    with tenant_context(organization):
        for handler in handlers:
            handler(event)


@app.task(bind=True, max_retries=5, default_retry_delay=30)
def process_stripe_event(self, stored_event_id: int) -> None:
    """Handle one stored event, once. A failure is recorded on the event and retried; the
    handlers re-read state, so a retry after a partial run is safe."""
    try:
        payload = StripeEvent.objects.filter(pk=stored_event_id).values_list("payload", flat=True)
        organization = _tenant_of_connected_event(payload[0]) if payload else None
        # The transaction commits inside the tenant's context: on_commit work that a handler
        # queues (emails, tasks) then runs in the tenant's schema, not in the public one.
        where = tenant_context(organization) if organization is not None else nullcontext()
        with where, transaction.atomic():
            stored = StripeEvent.objects.select_for_update().filter(pk=stored_event_id).first()
            if stored is None or stored.processed_at is not None:
                return
            event = stored.payload
            if event.get("account"):
                _handle_connected_event(event)
            else:
                _handle_platform_event(event)
            stored.processed_at = timezone.now()
            stored.error = ""
            stored.save(update_fields=["processed_at", "error"])
    except Exception as error:
        logger.exception("Stripe event %s failed", stored_event_id)
        StripeEvent.objects.filter(pk=stored_event_id).update(error=repr(error)[:2000])
        raise self.retry(exc=error) from error
