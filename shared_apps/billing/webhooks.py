"""Receiving Stripe events: verify the signature on the raw body, store each event once, and
hand it to a Celery task."""

import json

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction

from shared_apps.billing.models import StripeEvent


class BadWebhook(Exception):
    pass


def verify_event(*, payload: bytes, signature: str | None) -> dict:
    """The event, if signed with the platform's or the Connect endpoint's secret."""
    if not signature:
        raise BadWebhook("Missing Stripe-Signature header.")
    secrets = [
        s for s in (settings.STRIPE_WEBHOOK_SECRET, settings.STRIPE_CONNECT_WEBHOOK_SECRET) if s
    ]
    if not secrets:
        raise BadWebhook("Webhooks are not configured.")
    text = payload.decode("utf-8", errors="replace")
    for secret in secrets:
        try:
            stripe.WebhookSignature.verify_header(text, signature, secret, 300)
        except stripe.SignatureVerificationError:
            continue
        try:
            event = json.loads(text)
        except ValueError as error:
            raise BadWebhook("The body is not JSON.") from error
        if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
            raise BadWebhook("The body is not a Stripe event.")
        return event
    raise BadWebhook("The signature does not match.")


def record_event(*, event: dict) -> StripeEvent | None:
    """Store the event and queue its handling; None if this event id was already received."""
    from shared_apps.billing.tasks import process_stripe_event

    try:
        with transaction.atomic():
            stored = StripeEvent.objects.create(
                event_id=event["id"],
                type=event["type"],
                account=event.get("account") or "",
                payload=event,
            )
            transaction.on_commit(lambda: process_stripe_event.delay(stored.pk))
    except IntegrityError:
        return None
    return stored
