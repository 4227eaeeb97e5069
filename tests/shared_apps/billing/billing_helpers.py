"""Helpers for billing tests (webhook delivery as Stripe does it)."""

from django.test import TestCase

from tests.fakes.stripe_server import signed_webhook

API_KEY = "sk_test_platform_key_for_billing"
WEBHOOK_SECRET = "whsec_platform_test"
CONNECT_WEBHOOK_SECRET = "whsec_connect_test"
WEBHOOK_URL = "/billing/stripe/webhook/"


def deliver(client, events, *, secret=None):
    """Post each event to the webhook as Stripe would, running what it queues on commit."""
    responses = []
    for event in events:
        chosen = secret or (CONNECT_WEBHOOK_SECRET if event.get("account") else WEBHOOK_SECRET)
        body, signature = signed_webhook(event, chosen)
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client.post(
                WEBHOOK_URL, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
            )
        assert response.status_code == 200, response.content
        responses.append(response)
    return responses
