"""The fake Stripe for store tests, and connecting alpha's account through the real pages and
webhook. The webhook delivery helper is imported from the billing tests (one copy)."""

import contextlib

from tests.fakes.stripe_server import FakeStripe
from tests.shared_apps.billing.billing_helpers import (
    API_KEY,
    CONNECT_WEBHOOK_SECRET,
    WEBHOOK_SECRET,
    deliver,
)

__all__ = ["connect_account", "deliver", "fake_stripe"]


@contextlib.contextmanager
def fake_stripe(settings):
    with FakeStripe(api_key=API_KEY) as fake:
        settings.STRIPE_SECRET_KEY = API_KEY
        settings.STRIPE_API_BASE = fake.api_base
        settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.STRIPE_CONNECT_WEBHOOK_SECRET = CONNECT_WEBHOOK_SECRET
        yield fake


def connect_account(fake, organization, client_for, member_of, public_client) -> str:
    """Onboard `organization`'s Stripe account as billing's own tests do (admin page, then
    the account.updated webhook). Returns the connected account id."""
    from shared_apps.billing.models import BillingAccount
    from tenant_apps.members.models import Role

    client = client_for(organization)
    client.force_login(
        member_of(organization, email=f"payments@{organization.schema_name}.test", role=Role.ADMIN)
    )
    response = client.post("/billing/payments/connect/")
    assert response.status_code == 302, response.content
    account_id = BillingAccount.objects.get(organization=organization).connect_account_id
    deliver(
        public_client,
        fake.update_account(
            account_id, charges_enabled=True, details_submitted=True, payouts_enabled=True
        ),
    )
    return account_id
