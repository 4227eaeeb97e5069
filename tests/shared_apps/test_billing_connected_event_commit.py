"""Work a connected-account handler queues for after commit runs in the owning tenant's schema.

This needs a real commit (inside a test transaction, captured on-commit callbacks run after the
tenant context has been left), so it uses the `committed` fixture and processes a stored event
the way the Celery task does."""

import uuid

from django.db import connection, transaction

from shared_apps.billing import payments
from shared_apps.billing.models import BillingAccount, StripeEvent
from shared_apps.billing.tasks import process_stripe_event
from tenants.models import Organization


def test_after_commit_work_of_a_connected_handler_runs_in_the_tenants_schema(committed):
    alpha = Organization.objects.get(schema_name="alpha")
    account_id = f"acct_{uuid.uuid4().hex[:12]}"
    billing, _ = BillingAccount.objects.get_or_create(organization=alpha)
    previous_account = billing.connect_account_id
    BillingAccount.objects.filter(pk=billing.pk).update(connect_account_id=account_id)
    event_id = f"evt_{uuid.uuid4().hex[:12]}"
    stored = StripeEvent.objects.create(
        event_id=event_id,
        type="checkout.session.completed",
        account=account_id,
        payload={
            "id": event_id,
            "type": "checkout.session.completed",
            "account": account_id,
            "data": {"object": {"id": "cs_commit_test", "object": "checkout.session"}},
        },
    )
    ran_in = []

    def handler(event):
        ran_in.append(("handler", connection.schema_name))
        transaction.on_commit(lambda: ran_in.append(("after commit", connection.schema_name)))

    payments.on_connected_event("checkout.session.completed")(handler)
    try:
        process_stripe_event(stored.pk)
    finally:
        payments._handlers["checkout.session.completed"].remove(handler)
        connection.set_schema_to_public()
        StripeEvent.objects.filter(pk=stored.pk).delete()
        BillingAccount.objects.filter(pk=billing.pk).update(connect_account_id=previous_account)
    assert ran_in == [("handler", "alpha"), ("after commit", "alpha")]
    assert StripeEvent.objects.filter(pk=stored.pk).count() == 0
