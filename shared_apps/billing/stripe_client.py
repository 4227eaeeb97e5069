"""The one StripeClient, configured from settings (tests point STRIPE_API_BASE at a fake)."""

import stripe
from django.conf import settings


def is_offline() -> bool:
    """No secret key configured: plans switch without payment, Connect is unavailable."""
    return not settings.STRIPE_SECRET_KEY


def client() -> stripe.StripeClient:
    base = settings.STRIPE_API_BASE
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": base, "connect": base, "files": base, "meter_events": base},
        max_network_retries=2,
    )
