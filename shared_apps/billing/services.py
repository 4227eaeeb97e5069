"""Every change of an organization's billing state. Stripe calls happen outside the database
transaction; the state they return is written in one transaction per service."""

import datetime
import logging

import stripe
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.errors import ApplicationError, Conflict
from shared_apps.accounts.models import User
from shared_apps.billing import entitlements
from shared_apps.billing.models import BillingAccount, Plan, SubscriptionStatus
from shared_apps.billing.stripe_client import client, is_offline
from tenants.context import organization_url, public_schema
from tenants.models import Organization

logger = logging.getLogger(__name__)

INTERVALS = ("monthly", "yearly")


class StripeUnavailable(ApplicationError):
    status_code = 503
    code = "stripe_unavailable"


def _stripe_error(error: stripe.StripeError) -> StripeUnavailable:
    logger.warning("Stripe refused a request: %s", error)
    return StripeUnavailable("Stripe could not be reached or refused the request; try again.")


def _timestamp(value) -> datetime.datetime | None:
    return datetime.datetime.fromtimestamp(value, tz=datetime.UTC) if value else None


def _changed(organization: Organization) -> None:
    entitlements.invalidate(organization)
    transaction.on_commit(lambda: entitlements.invalidate(organization))


def owner_email(organization: Organization) -> str | None:
    """The signing-up owner's email. Users exist in the public and every tenant schema, so the
    public account is read with the public schema first in the search path."""
    if not organization.owner_id:
        return None
    with public_schema():
        return User.objects.filter(pk=organization.owner_id).values_list("email", flat=True).first()


def account_for(organization: Organization) -> BillingAccount:
    account, _ = BillingAccount.objects.get_or_create(organization=organization)
    return account


def _plan_or_error(plan_key: str) -> Plan:
    plan = Plan.objects.filter(key=plan_key, is_public=True).first()
    if plan is None:
        raise ValidationError({"plan": ["Choose one of the plans offered."]})
    return plan


def _check_interval(interval: str) -> None:
    if interval not in INTERVALS:
        raise ValidationError({"interval": ["Choose monthly or yearly billing."]})


def ensure_customer(*, organization: Organization) -> str:
    """The organization's one Stripe customer id, made on first need. The idempotency key
    makes two concurrent first calls create one customer."""
    account = account_for(organization)
    if account.stripe_customer_id:
        return account.stripe_customer_id
    try:
        customer = client().v1.customers.create(
            params={
                "name": organization.name,
                "metadata": {"organization_id": str(organization.pk)},
                **({"email": email} if (email := owner_email(organization)) else {}),
            },
            options={"idempotency_key": f"customer-for-organization-{organization.pk}"},
        )
    except stripe.StripeError as error:
        raise _stripe_error(error) from error
    with transaction.atomic():
        account = BillingAccount.objects.select_for_update().get(organization=organization)
        if not account.stripe_customer_id:
            account.stripe_customer_id = customer.id
            account.save(update_fields=["stripe_customer_id", "updated_at"])
    return account.stripe_customer_id


def has_subscription(organization: Organization) -> bool:
    account = BillingAccount.objects.filter(organization=organization).first()
    return bool(
        account
        and account.stripe_subscription_id
        and account.status not in ("canceled", "incomplete_expired")
    )


def start_checkout(*, organization: Organization, plan_key: str, interval: str) -> str:
    """URL of a Stripe Checkout page for the organization's first subscription. Changes to an
    existing subscription go through the Customer Portal instead."""
    _check_interval(interval)
    plan = _plan_or_error(plan_key)
    if is_offline():
        raise Conflict("Billing is in offline mode: switch plans directly.")
    if has_subscription(organization):
        raise Conflict("You already have a subscription: change it in the billing portal.")
    price = plan.price_for(interval)
    if not price:
        raise ValidationError({"plan": [f"{plan.name} cannot be bought {interval}."]})
    customer_id = ensure_customer(organization=organization)
    subscription_data: dict = {"metadata": {"organization_id": str(organization.pk)}}
    if plan.trial_days:
        subscription_data["trial_period_days"] = plan.trial_days
    try:
        session = client().v1.checkout.sessions.create(
            params={
                "mode": "subscription",
                "customer": customer_id,
                "line_items": [{"price": price, "quantity": 1}],
                "client_reference_id": str(organization.pk),
                "metadata": {"organization_id": str(organization.pk), "plan": plan.key},
                "subscription_data": subscription_data,
                "success_url": organization_url(organization, "/billing/?checkout=success"),
                "cancel_url": organization_url(organization, "/billing/?checkout=cancelled"),
            }
        )
    except stripe.StripeError as error:
        raise _stripe_error(error) from error
    return session.url


def open_portal(*, organization: Organization) -> str:
    """URL of the Stripe Customer Portal (card, plan change, cancel, invoices)."""
    if is_offline():
        raise Conflict("Billing is in offline mode: there is no payment portal.")
    customer_id = ensure_customer(organization=organization)
    try:
        session = client().v1.billing_portal.sessions.create(
            params={
                "customer": customer_id,
                "return_url": organization_url(organization, "/billing/"),
            }
        )
    except stripe.StripeError as error:
        raise _stripe_error(error) from error
    return session.url


def switch_plan_offline(*, organization: Organization, plan_key: str, interval: str) -> None:
    """Offline mode only: the plan changes at once, without payment. Nothing is deleted when
    going down; over-limit content stays and creation is blocked."""
    _check_interval(interval)
    plan = _plan_or_error(plan_key)
    if not is_offline():
        raise Conflict("Plans are changed through Stripe Checkout or the billing portal.")
    with transaction.atomic():
        account = account_for(organization)
        account = BillingAccount.objects.select_for_update().get(pk=account.pk)
        account.plan = plan
        account.interval = interval
        account.is_offline = True
        account.status = SubscriptionStatus.ACTIVE
        account.past_due_since = None
        account.save()
        Organization.objects.filter(pk=organization.pk).update(plan=plan.key)
        _changed(organization)


def _organization_for_subscription(subscription) -> Organization | None:
    metadata = subscription.get("metadata") or {}
    customer = subscription.get("customer")
    customer_id = customer if isinstance(customer, str) else (customer or {}).get("id")
    account = BillingAccount.objects.filter(stripe_customer_id=customer_id).first()
    if account is not None:
        return account.organization
    organization_id = metadata.get("organization_id")
    if organization_id and str(organization_id).isdigit():
        return Organization.objects.filter(pk=int(organization_id)).first()
    return None


def sync_subscription(*, subscription_id: str) -> BillingAccount | None:
    """Refetch the subscription from Stripe and store its current state. Events may arrive in
    any order; whichever runs last writes what Stripe holds now."""
    try:
        subscription = client().v1.subscriptions.retrieve(subscription_id).to_dict()
    except stripe.InvalidRequestError:
        logger.warning("Subscription %s no longer exists at Stripe", subscription_id)
        return None
    except stripe.StripeError as error:
        raise _stripe_error(error) from error
    organization = _organization_for_subscription(subscription)
    if organization is None:
        logger.warning("Subscription %s belongs to no organization", subscription_id)
        return None
    items = subscription["items"]["data"]
    price_id = items[0]["price"]["id"] if items else None
    period_end = items[0].get("current_period_end") if items else None
    plan = (
        Plan.objects.filter(stripe_price_monthly=price_id).first()
        or Plan.objects.filter(stripe_price_yearly=price_id).first()
    )
    with transaction.atomic():
        account_for(organization)
        account = BillingAccount.objects.select_for_update().get(organization=organization)
        if (
            account.stripe_subscription_id
            and account.stripe_subscription_id != subscription["id"]
            and subscription["status"] == "canceled"
        ):
            # An old subscription's late cancellation must not end the current one.
            return account
        account.stripe_subscription_id = subscription["id"]
        if not account.stripe_customer_id:
            account.stripe_customer_id = subscription["customer"]
        account.status = subscription["status"]
        account.is_offline = False
        if plan is not None:
            account.plan = plan
            account.interval = "yearly" if plan.stripe_price_yearly == price_id else "monthly"
        account.trial_end = _timestamp(subscription.get("trial_end"))
        account.current_period_end = _timestamp(period_end)
        account.cancel_at_period_end = bool(subscription.get("cancel_at_period_end"))
        if subscription["status"] in ("past_due", "unpaid"):
            account.past_due_since = account.past_due_since or timezone.now()
        else:
            account.past_due_since = None
        account.save()
        effective = (
            account.plan.key
            if account.plan
            and account.status
            in (
                "trialing",
                "active",
                "past_due",
            )
            else "free"
        )
        Organization.objects.filter(pk=organization.pk).update(plan=effective)
        _changed(organization)
    return account


def notify_payment_failed(*, organization: Organization, invoice) -> None:
    """Email the owner that a payment failed, with a link to fix it (text and HTML)."""
    context = {
        "organization": organization,
        "amount": (invoice.get("amount_due") or 0) / 100,
        "currency": (invoice.get("currency") or "").upper(),
        "billing_url": organization_url(organization, "/billing/"),
        "grace_days": settings.BILLING_GRACE_DAYS,
        "hosted_invoice_url": invoice.get("hosted_invoice_url"),
    }
    _send_owner_email(organization, "payment_failed", context)


def notify_trial_ending(*, organization: Organization, subscription) -> None:
    context = {
        "organization": organization,
        "trial_end": _timestamp(subscription.get("trial_end")),
        "billing_url": organization_url(organization, "/billing/"),
    }
    _send_owner_email(organization, "trial_ending", context)


def _send_owner_email(organization: Organization, name: str, context: dict) -> None:
    recipient = owner_email(organization)
    if not recipient:
        return
    subject = render_to_string(f"billing/email/{name}_subject.txt", context).strip()
    text = render_to_string(f"billing/email/{name}.txt", context)
    html = render_to_string(f"billing/email/{name}.html", context)
    message = EmailMultiAlternatives(subject, text, to=[recipient])
    message.attach_alternative(html, "text/html")
    transaction.on_commit(message.send)


# -- Stripe Connect ----------------------------------------------------------------------------


def start_connect_onboarding(*, organization: Organization) -> str:
    """URL of Stripe's onboarding for the organization's connected account (made on first
    need, one per organization)."""
    if is_offline():
        raise Conflict("Payments need Stripe, which is not configured on this platform.")
    account = account_for(organization)
    stripe_client = client()
    try:
        if not account.connect_account_id:
            connected = stripe_client.v1.accounts.create(
                params={
                    "type": "standard",
                    "metadata": {"organization_id": str(organization.pk)},
                    **({"email": email} if (email := owner_email(organization)) else {}),
                },
                options={"idempotency_key": f"connect-account-for-{organization.pk}"},
            )
            with transaction.atomic():
                locked = BillingAccount.objects.select_for_update().get(pk=account.pk)
                if not locked.connect_account_id:
                    locked.connect_account_id = connected.id
                    locked.save(update_fields=["connect_account_id", "updated_at"])
                account = locked
        link = stripe_client.v1.account_links.create(
            params={
                "account": account.connect_account_id,
                "type": "account_onboarding",
                "refresh_url": organization_url(organization, "/billing/payments/connect/"),
                "return_url": organization_url(organization, "/billing/payments/?connected=1"),
            }
        )
    except stripe.StripeError as error:
        raise _stripe_error(error) from error
    return link.url


def sync_connected_account(*, account_id: str) -> BillingAccount | None:
    """Refetch a connected account and store whether it can take payments."""
    try:
        connected = client().v1.accounts.retrieve(account_id).to_dict()
    except stripe.StripeError as error:
        raise _stripe_error(error) from error
    with transaction.atomic():
        account = (
            BillingAccount.objects.select_for_update().filter(connect_account_id=account_id).first()
        )
        if account is None:
            return None
        account.connect_charges_enabled = bool(connected.get("charges_enabled"))
        account.connect_details_submitted = bool(connected.get("details_submitted"))
        account.connect_payouts_enabled = bool(connected.get("payouts_enabled"))
        account.save()
        _changed(account.organization)
    return account
