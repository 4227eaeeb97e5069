"""Stripe. With no STRIPE_SECRET_KEY (the `make run` default) billing runs in offline mode:
plans switch without payment and Connect payments are unavailable."""

from config.settings.env import env, env_int

STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", "")
# Signing secret of the platform endpoint (account events) and of the Connect endpoint (events
# from connected accounts); both may point at /billing/stripe/webhook/.
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", "")
STRIPE_CONNECT_WEBHOOK_SECRET = env("STRIPE_CONNECT_WEBHOOK_SECRET", "")
# Tests point the real stripe library at a local fake Stripe server.
STRIPE_API_BASE = env("STRIPE_API_BASE", "https://api.stripe.com")
# Days a subscription may stay past due before the tenant site turns read-only.
BILLING_GRACE_DAYS = env_int("BILLING_GRACE_DAYS", 7)
