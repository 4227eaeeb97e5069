"""Payments for tenants' own customers through Stripe Connect: the ONE module the store and
ticketing apps call. Charges are direct charges on the organization's connected account, with
the plan's platform fee as `application_fee_amount`.

    from shared_apps.billing import payments

    if not payments.payments_enabled(organization):
        ...  # offer free / pay-offline orders; payments.not_set_up_reason(organization) says why
    session = payments.create_checkout_session(
        organization=organization,
        line_items=[payments.LineItem(name="T-shirt", unit_amount=2500, quantity=2)],
        currency="eur",
        success_url=..., cancel_url=...,
        metadata={"order_id": "42"},
        reference="order-42",
    )
    redirect(session.url)

    @payments.on_connected_event("checkout.session.completed")
    def order_paid(event: dict) -> None:  # runs in the owning tenant's schema
        ...

Handlers receive the Stripe event as a plain dict and run in the schema of the organization
that owns the connected account (and no other), inside a transaction. They must be idempotent:
use the event's `data.object.id` (e.g. the session id) to find and update the order.
"""

import dataclasses
import datetime
import decimal
import logging
from collections.abc import Callable

import stripe
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.errors import ApplicationError
from shared_apps.billing.models import BillingAccount
from shared_apps.billing.stripe_client import client, is_offline
from tenants.models import Organization

logger = logging.getLogger(__name__)

CONNECTED_EVENT_TYPES = frozenset(
    {"checkout.session.completed", "checkout.session.expired", "charge.refunded"}
)
_handlers: dict[str, list[Callable[[dict], None]]] = {}


class PaymentsNotSetUp(ApplicationError):
    """The organization has no connected Stripe account able to take payments."""

    status_code = 409
    code = "payments_not_set_up"


class PaymentFailed(ApplicationError):
    """Stripe refused or could not be reached."""

    status_code = 502
    code = "payment_provider_error"


@dataclasses.dataclass(frozen=True)
class LineItem:
    name: str
    unit_amount: int  # minor units (cents)
    quantity: int = 1


@dataclasses.dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str
    amount_total: int
    application_fee_amount: int
    account: str


@dataclasses.dataclass(frozen=True)
class Refund:
    id: str
    amount: int
    status: str


def _connected_account(organization: Organization) -> BillingAccount | None:
    return (
        BillingAccount.objects.select_related("plan")
        .filter(organization_id=organization.pk, connect_account_id__isnull=False)
        .first()
    )


def not_set_up_reason(organization: Organization) -> str | None:
    """None when the organization can take card payments, else a sentence saying why not."""
    if is_offline():
        return (
            "Card payments are not available on this platform yet; "
            "orders can be free or paid offline."
        )
    account = _connected_account(organization)
    if account is None:
        return (
            "This site has not connected a Stripe account yet; orders can be free or paid offline."
        )
    if not account.connect_charges_enabled:
        return (
            "This site's Stripe account is not ready to take payments yet; "
            "orders can be free or paid offline."
        )
    return None


def payments_enabled(organization: Organization) -> bool:
    return not_set_up_reason(organization) is None


def platform_fee_percent(organization: Organization) -> decimal.Decimal:
    from shared_apps.billing import entitlements
    from shared_apps.billing.models import Plan

    plan = Plan.objects.filter(key=entitlements.plan_key(organization)).first()
    return plan.platform_fee_percent if plan else decimal.Decimal(0)


def application_fee_for(organization: Organization, amount: int) -> int:
    """The platform's fee on a sale of `amount` minor units, rounded half up."""
    fee = decimal.Decimal(amount) * platform_fee_percent(organization) / 100
    return int(fee.quantize(decimal.Decimal(1), rounding=decimal.ROUND_HALF_UP))


def _require_ready(organization: Organization) -> BillingAccount:
    reason = not_set_up_reason(organization)
    if reason:
        raise PaymentsNotSetUp(reason)
    return _connected_account(organization)


def create_checkout_session(
    *,
    organization: Organization,
    line_items: list[LineItem],
    currency: str,
    success_url: str,
    cancel_url: str,
    metadata: dict[str, str] | None = None,
    customer_email: str | None = None,
    reference: str | None = None,
    expires_at: datetime.datetime | None = None,
) -> CheckoutSession:
    """A Stripe Checkout Session (payment mode) as a direct charge on the organization's
    connected account, with the plan's platform fee. `reference` (e.g. "order-42") becomes the
    session's client_reference_id and its idempotency key, so a double submit makes one
    session. `expires_at` (an aware datetime) ends the session earlier than Stripe's default
    of 24 hours; Stripe accepts 30 minutes to 24 hours after the session's creation. Keep it
    fixed for one reference: a retry with the same reference (and parameters) gets the first
    session back even when less than 30 minutes of it are left. Raises PaymentsNotSetUp,
    ValidationError (bad items, currency or expiry) or PaymentFailed."""
    account = _require_ready(organization)
    if not line_items:
        raise ValidationError({"line_items": ["Add at least one item to pay for."]})
    if not (isinstance(currency, str) and len(currency) == 3 and currency.isalpha()):
        raise ValidationError({"currency": ["Use a three-letter currency code such as eur."]})
    for item in line_items:
        if item.unit_amount < 0 or item.quantity < 1 or not item.name.strip():
            raise ValidationError(
                {"line_items": ["Each item needs a name, a price and a quantity."]}
            )
    total = sum(item.unit_amount * item.quantity for item in line_items)
    if total <= 0:
        raise ValidationError({"line_items": ["A card payment must be for more than zero."]})
    if expires_at is not None:
        if not isinstance(expires_at, datetime.datetime) or timezone.is_naive(expires_at):
            raise ValidationError({"expires_at": ["Give the expiry as an aware datetime."]})
        ahead = expires_at - timezone.now()
        if ahead <= datetime.timedelta(0):
            raise ValidationError({"expires_at": ["The payment session would already be over."]})
        if ahead > datetime.timedelta(hours=24):
            raise ValidationError({"expires_at": ["A payment session can last at most 24 hours."]})
    fee = application_fee_for(organization, total)
    params: dict = {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {
                    "currency": currency.lower(),
                    "unit_amount": item.unit_amount,
                    "product_data": {"name": item.name[:250]},
                },
                "quantity": item.quantity,
            }
            for item in line_items
        ],
        "success_url": success_url,
        "cancel_url": cancel_url,
        "metadata": {**(metadata or {}), "organization_id": str(organization.pk)},
        "payment_intent_data": {
            "application_fee_amount": fee,
            "metadata": {**(metadata or {}), "organization_id": str(organization.pk)},
        },
    }
    if customer_email:
        params["customer_email"] = customer_email
    if reference:
        params["client_reference_id"] = reference[:200]
    if expires_at is not None:
        params["expires_at"] = int(expires_at.timestamp())
    options: dict = {"stripe_account": account.connect_account_id}
    if reference:
        options["idempotency_key"] = f"checkout-{organization.pk}-{reference}"
    try:
        session = client().v1.checkout.sessions.create(params=params, options=options)
    except stripe.InvalidRequestError as error:
        if error.param != "expires_at":
            logger.warning("Stripe refused a checkout session: %s", error)
            raise PaymentFailed("The payment page could not be opened; try again.") from error
        message = error.user_message or str(error.error.message if error.error else error)
        raise ValidationError({"expires_at": [message]}) from error
    except stripe.StripeError as error:
        logger.warning("Stripe refused a checkout session: %s", error)
        raise PaymentFailed("The payment page could not be opened; try again.") from error
    return CheckoutSession(
        id=session.id,
        url=session.url,
        amount_total=session.amount_total,
        application_fee_amount=fee,
        account=account.connect_account_id,
    )


def refund(
    *,
    organization: Organization,
    payment_intent_id: str,
    amount: int | None = None,
    reason: str | None = None,
    reference: str | None = None,
) -> Refund:
    """Refund a payment on the organization's connected account: in full (amount None) or
    `amount` minor units. The platform fee is refunded in proportion. `reference` makes a
    retried refund not refund twice."""
    account = _connected_account(organization)
    if account is None:
        raise PaymentsNotSetUp("This site has no connected Stripe account to refund from.")
    if amount is not None and amount <= 0:
        raise ValidationError({"amount": ["A refund must be for more than zero."]})
    if reason is not None and reason not in ("duplicate", "fraudulent", "requested_by_customer"):
        raise ValidationError({"reason": ["Use duplicate, fraudulent or requested_by_customer."]})
    params: dict = {"payment_intent": payment_intent_id, "refund_application_fee": True}
    if amount is not None:
        params["amount"] = amount
    if reason is not None:
        params["reason"] = reason
    options: dict = {"stripe_account": account.connect_account_id}
    if reference:
        options["idempotency_key"] = f"refund-{organization.pk}-{reference}"
    try:
        result = client().v1.refunds.create(params=params, options=options)
    except stripe.InvalidRequestError as error:
        message = error.user_message or str(error.error.message if error.error else error)
        raise ValidationError(
            {"amount" if error.param == "amount" else "payment": [message]}
        ) from error
    except stripe.StripeError as error:
        logger.warning("Stripe refused a refund: %s", error)
        raise PaymentFailed("The refund could not be made; try again.") from error
    return Refund(id=result.id, amount=result.amount, status=result.status)


def on_connected_event(event_type: str):
    """Decorator: register `handler(event: dict)` for a connected-account event type, one of
    CONNECTED_EVENT_TYPES. Call it at import time (from the app's AppConfig.ready())."""
    if event_type not in CONNECTED_EVENT_TYPES:
        raise ValueError(f"{event_type} is not one of {sorted(CONNECTED_EVENT_TYPES)}")

    def register(handler: Callable[[dict], None]) -> Callable[[dict], None]:
        handlers = _handlers.setdefault(event_type, [])
        if handler not in handlers:
            handlers.append(handler)
        return handler

    return register


def handlers_for(event_type: str) -> list[Callable[[dict], None]]:
    return list(_handlers.get(event_type, ()))


def organization_for_account(account_id: str) -> Organization | None:
    account = (
        BillingAccount.objects.select_related("organization")
        .filter(connect_account_id=account_id)
        .first()
    )
    return account.organization if account else None
