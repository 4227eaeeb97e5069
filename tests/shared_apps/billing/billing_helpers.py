"""Billing tests' names for the shared Stripe test support (tests/stripe_support.py), kept for
the tests that import them from here."""

from tests.stripe_support import (  # noqa: F401
    API_KEY,
    CONNECT_WEBHOOK_SECRET,
    WEBHOOK_SECRET,
    WEBHOOK_URL,
    deliver,
)
