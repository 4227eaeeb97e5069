"""The fake Stripe for every test that takes payments: the real stripe library pointed at
tests/fakes/stripe_server.py, webhook delivery as Stripe does it (signed, on the platform's
endpoint), and onboarding a tenant's connected account through the real pages and webhook.

    from tests.stripe_support import connect_account, deliver, fake_stripe

Billing's and the store's fixtures are built on these; import from here, not from another
test folder (pytest puts each folder on sys.path, so sibling imports do not travel)."""

import contextlib

from django.test import TestCase

from tests.fakes.stripe_server import FakeStripe, signed_webhook

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


@contextlib.contextmanager
def fake_stripe(settings):
    """A running fake Stripe; `settings` (pytest-django's fixture) point the library at it."""
    with FakeStripe(api_key=API_KEY) as fake:
        settings.STRIPE_SECRET_KEY = API_KEY
        settings.STRIPE_API_BASE = fake.api_base
        settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.STRIPE_CONNECT_WEBHOOK_SECRET = CONNECT_WEBHOOK_SECRET
        yield fake


def connect_account(fake, organization, *, admin_client, public_client, charges_enabled=True):
    """Onboard `organization`'s Stripe account as its admin does (the connect page), then as
    Stripe reports it (the account.updated webhook). `admin_client` is logged in as an admin
    of that organization. Returns the connected account id."""
    from shared_apps.billing.models import BillingAccount

    response = admin_client.post("/billing/payments/connect/")
    assert response.status_code == 302, response.content
    account_id = BillingAccount.objects.get(organization=organization).connect_account_id
    deliver(
        public_client,
        fake.update_account(
            account_id,
            charges_enabled=charges_enabled,
            details_submitted=True,
            payouts_enabled=charges_enabled,
        ),
    )
    return account_id
