"""Reads for the billing pages."""

import dataclasses
import datetime
import logging

import stripe
from django.db.models import QuerySet

from shared_apps.billing import entitlements
from shared_apps.billing.models import BillingAccount, Plan
from shared_apps.billing.stripe_client import client, is_offline
from tenants.models import Organization

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Invoice:
    number: str
    created: datetime.datetime
    amount_cents: int
    currency: str
    status: str
    hosted_url: str | None
    pdf_url: str | None

    @property
    def amount(self) -> float:
        return self.amount_cents / 100


def offered_plans() -> QuerySet[Plan]:
    return Plan.objects.filter(is_public=True)


def billing_account_of(organization: Organization) -> BillingAccount | None:
    return BillingAccount.objects.select_related("plan").filter(organization=organization).first()


def current_plan(organization: Organization) -> Plan | None:
    return Plan.objects.filter(key=entitlements.plan_key(organization)).first()


def invoices_of(organization: Organization, *, limit: int = 24) -> list[Invoice] | None:
    """The organization's invoices, newest first; None when Stripe could not be asked."""
    account = billing_account_of(organization)
    if is_offline() or account is None or not account.stripe_customer_id:
        return []
    try:
        page = client().v1.invoices.list(
            params={"customer": account.stripe_customer_id, "limit": limit}
        )
    except stripe.StripeError as error:
        logger.warning("Could not list invoices: %s", error)
        return None
    return [
        Invoice(
            number=invoice.number or invoice.id,
            created=datetime.datetime.fromtimestamp(invoice.created, tz=datetime.UTC),
            amount_cents=invoice.total,
            currency=invoice.currency.upper(),
            status=invoice.status,
            hosted_url=invoice.hosted_invoice_url,
            pdf_url=invoice.invoice_pdf,
        )
        for invoice in page.data
    ]
