"""Billing tests run the real stripe library against tests/fakes/stripe_server.py, set up by
tests/stripe_support.py (shared with the apps that take payments)."""

import pytest

from tests.stripe_support import API_KEY, deliver, fake_stripe


@pytest.fixture(autouse=True)
def _fresh_billing_cache_and_eager_tasks(db):
    """Entitlements are cached in Redis, which a rolled-back test cannot undo; and webhook
    handling is a Celery task, run in-process here."""
    from config.celery import app
    from shared_apps.billing import entitlements
    from tenants.models import Organization

    def forget():
        for organization in Organization.objects.all():
            entitlements.invalidate(organization)

    forget()
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager
    forget()


@pytest.fixture
def stripe_fake(settings):
    """A fake Stripe with Pro and Business prices; settings point the library at it."""
    from shared_apps.billing.models import Plan

    with fake_stripe(settings) as fake:
        client = fake.client(API_KEY)
        for key, monthly, yearly in (("pro", 1900, 19000), ("business", 7900, 79000)):
            product = client.v1.products.create(params={"name": key.title()})
            prices = {
                interval: client.v1.prices.create(
                    params={
                        "product": product.id,
                        "currency": "usd",
                        "unit_amount": amount,
                        "recurring": {"interval": interval},
                    }
                ).id
                for interval, amount in (("month", monthly), ("year", yearly))
            }
            Plan.objects.filter(key=key).update(
                stripe_price_monthly=prices["month"],
                stripe_price_yearly=prices["year"],
                trial_days=0,
            )
        yield fake


@pytest.fixture
def owner_client(client_for, owner_of):
    def make(organization):
        client = client_for(organization)
        client.force_login(owner_of(organization))
        return client

    return make


@pytest.fixture
def subscribe(stripe_fake, owner_client, public_client):
    """subscribe(org, plan="pro") -> the Stripe subscription id, through Checkout and webhooks."""

    def run(organization, plan="pro", interval="monthly"):
        response = owner_client(organization).post(
            "/billing/choose/", {"plan": plan, "interval": interval}
        )
        assert response.status_code == 302, response.content
        session = stripe_fake.all("checkout.session")[0]
        events = stripe_fake.complete_checkout(session["id"])
        deliver(public_client, events)
        return stripe_fake.get(session["id"])["subscription"]

    return run
