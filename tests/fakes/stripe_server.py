"""A local fake of the Stripe API, so tests run the real `stripe` library without the network.

The fake speaks Stripe's wire protocol: form-encoded requests with bracketed keys, bearer
auth, the `Stripe-Account` header (objects are scoped to the connected account that created
them), `Idempotency-Key` replays, and Stripe-shaped JSON errors that the library turns into
its own exception classes. Objects follow the shapes of the API version pinned by the
installed library (`stripe._api_version._ApiVersion.CURRENT`), e.g. the billing period lives
on subscription items and an invoice names its subscription under
`parent.subscription_details`.

Things that happen in a browser or over time at Stripe (paying on the Checkout page, a
renewal, a declined card, finishing Connect onboarding) are Python methods on `FakeStripe`
("test clock" controls). Each returns the events a real Stripe would send, and
`signed_webhook` turns an event into a body and `Stripe-Signature` header signed with the
library's own code, ready to post to the webhook view under test.

See docs/testing-stripe.md for how to use it.
"""

from __future__ import annotations

import calendar
import contextlib
import copy
import datetime
import json
import re
import secrets
import string
import threading
import time
import traceback
import urllib.parse
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import stripe
from stripe._api_version import _ApiVersion

API_VERSION = _ApiVersion.CURRENT
DEFAULT_TEST_KEY = "sk_test_fake_platform_key"
PLATFORM_ACCOUNT_ID = "acct_fakeplatform000"

_ALPHANUM = string.ascii_letters + string.digits
_ANY_ACCOUNT = object()

Obj = dict[str, Any]


def signed_webhook(event: Obj, secret: str, *, timestamp: int | None = None) -> tuple[bytes, str]:
    """Return the raw JSON body of `event` and a `Stripe-Signature` header for it.

    The header comes from the stripe library's own signing code, the same code that
    `stripe.Webhook.construct_event` uses to verify, so a webhook view that verifies with the
    library accepts it exactly as it would accept Stripe's.
    """
    payload = json.dumps(event)
    header = stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)
    return payload.encode("utf-8"), header


class StripeApiError(Exception):
    """An error the fake answers with, shaped like Stripe's `{"error": {...}}` body."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        extra: Obj | None = None,
        replayable: bool = True,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body: Obj = {"type": type, "message": message}
        if code:
            self.body["code"] = code
            self.body["doc_url"] = f"https://docs.stripe.com/error-codes/{code.replace('_', '-')}"
        if param:
            self.body["param"] = param
        self.body.update(extra or {})
        # Stripe saves an idempotent result only once the endpoint started running:
        # requests refused for bad parameters may be retried with the same key.
        self.replayable = replayable


def _missing(param: str) -> StripeApiError:
    return StripeApiError(
        400,
        f"Missing required param: {param}.",
        code="parameter_missing",
        param=param,
        replayable=False,
    )


def _invalid(param: str, message: str, code: str | None = None) -> StripeApiError:
    return StripeApiError(400, message, code=code, param=param, replayable=False)


def _no_such(
    object_name: str, object_id: str, *, param: str = "id", status: int = 404
) -> StripeApiError:
    return StripeApiError(
        status,
        f"No such {object_name}: '{object_id}'",
        code="resource_missing",
        param=param,
    )


# ---------------------------------------------------------------------------------------------
# Form decoding: the library sends `line_items[0][price]=x`, `metadata[k]=v`, `expand[0]=y`.


_KEY_RE = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def parse_form(body: str) -> Obj:
    """Decode a Stripe form body or query string into nested dicts and lists."""
    root: Obj = {}
    for raw_key, value in urllib.parse.parse_qsl(body, keep_blank_values=True):
        match = _KEY_RE.match(raw_key)
        if not match:
            raise _invalid(raw_key, f"Invalid parameter name: {raw_key}")
        parts = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
        node = root
        for index, part in enumerate(parts):
            if part == "":
                part = str(len(node))
            if index == len(parts) - 1:
                node[part] = value
            else:
                child = node.get(part)
                if not isinstance(child, dict):
                    child = {}
                    node[part] = child
                node = child
    return _listify(root, parent_key="")


def _listify(node: Any, parent_key: str) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {key: _listify(value, key) for key, value in node.items()}
    # Metadata keys are free-form: "0" there is a key, not a list index.
    if parent_key != "metadata" and converted and all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted


class Params:
    """Typed access to one request's parameters, with Stripe's error messages."""

    def __init__(self, data: Obj, prefix: str = "") -> None:
        self.data = data
        self.prefix = prefix

    def name(self, key: str) -> str:
        return f"{self.prefix}[{key}]" if self.prefix else key

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def check_known(self, allowed: set[str]) -> None:
        for key in self.data:
            if key not in allowed and key != "expand":
                raise StripeApiError(
                    400,
                    f"Received unknown parameter: {self.name(key)} "
                    "(or the fake in tests/fakes/stripe_server.py does not support it yet)",
                    code="parameter_unknown",
                    param=self.name(key),
                    replayable=False,
                )

    def text(self, key: str, default: str | None = None, *, required: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise _missing(self.name(key))
            return default
        if not isinstance(value, str):
            raise _invalid(self.name(key), f"Invalid string: {value!r}")
        return value

    def integer(
        self, key: str, default: int | None = None, *, required: bool = False
    ) -> int | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise _missing(self.name(key))
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise _invalid(
                self.name(key), f"Invalid integer: {value}", code="parameter_invalid_integer"
            ) from None

    def flag(self, key: str, default: bool | None = None) -> bool | None:
        value = self.data.get(key)
        if value is None or value == "":
            return default
        if value in ("true", "false"):
            return value == "true"
        raise _invalid(self.name(key), f"Invalid boolean: {value}")

    def enum(
        self,
        key: str,
        choices: tuple[str, ...],
        default: str | None = None,
        *,
        required: bool = False,
    ) -> str | None:
        value = self.text(key, default, required=required)
        if value is not None and value not in choices:
            raise _invalid(
                self.name(key),
                f"Invalid {self.name(key)}: must be one of {', '.join(choices)}",
            )
        return value

    def sub(self, key: str) -> Params | None:
        value = self.data.get(key)
        if value is None or value == "":
            return None
        if not isinstance(value, dict):
            raise _invalid(self.name(key), f"Invalid object: {self.name(key)}")
        return Params(value, self.name(key))

    def items(self, key: str) -> list[Params]:
        value = self.data.get(key)
        if value is None or value == "":
            return []
        if not isinstance(value, list):
            raise _invalid(self.name(key), f"Invalid array: {self.name(key)}")
        return [
            Params(item if isinstance(item, dict) else {}, f"{self.name(key)}[{i}]")
            for i, item in enumerate(value)
        ]

    def strings(self, key: str) -> list[str]:
        value = self.data.get(key)
        if value is None or value == "":
            return []
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _invalid(self.name(key), f"Invalid array: {self.name(key)}")
        return value

    def metadata(self, key: str = "metadata") -> dict[str, str] | None:
        """Metadata as sent; `None` when absent. Empty values mean 'unset this key'."""
        if key not in self.data:
            return None
        value = self.data[key]
        if value == "":
            return {}
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise _invalid(self.name(key), f"Invalid hash: {self.name(key)}")
        if len(value) > 50:
            raise _invalid(self.name(key), "Metadata can have up to 50 keys.")
        return value


def _merge_metadata(current: dict[str, str], update: dict[str, str] | None) -> dict[str, str]:
    if update is None:
        return current
    if update == {}:
        return {}
    merged = dict(current)
    for key, value in update.items():
        if value == "":
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def _add_interval(timestamp: int, interval: str, count: int) -> int:
    moment = datetime.datetime.fromtimestamp(timestamp, datetime.UTC)
    if interval == "day":
        moment += datetime.timedelta(days=count)
    elif interval == "week":
        moment += datetime.timedelta(weeks=count)
    else:
        months = count * (12 if interval == "year" else 1)
        month_index = moment.month - 1 + months
        year, month = moment.year + month_index // 12, month_index % 12 + 1
        day = min(moment.day, calendar.monthrange(year, month)[1])
        moment = moment.replace(year=year, month=month, day=day)
    return int(moment.timestamp())


def _diff(before: Obj, after: Obj) -> Obj:
    """Stripe's `previous_attributes`: the old values of the top-level keys that changed."""
    return {key: before.get(key) for key in after if before.get(key) != after.get(key)}


# ---------------------------------------------------------------------------------------------


class _Request:
    def __init__(
        self,
        method: str,
        path: str,
        params: Obj,
        account: str | None,
        request_id: str,
        idempotency_key: str | None,
        api_key: str,
        version: str | None,
    ) -> None:
        self.version = version
        self.method = method
        self.path = path
        self.params = params
        self.account = account
        self.request_id = request_id
        self.idempotency_key = idempotency_key
        self.api_key = api_key


Route = tuple[str, re.Pattern[str], Callable[..., Obj]]


class FakeStripe:
    """An in-memory Stripe API on 127.0.0.1, plus controls for what happens outside the API.

    Use as a context manager (or call `start()`/`stop()`), then point the library at
    `api_base`: `fake.client()` gives a `stripe.StripeClient`, and `fake.patch_stripe_module()`
    sets the module-level `stripe.api_base`/`stripe.api_key` for code using `stripe.Customer`
    and friends. All state lives in this object; each test should use a fresh one.
    """

    def __init__(self, *, api_key: str | None = None) -> None:
        # With `api_key`, only that key is accepted (proves the code under test sends the
        # configured key); without it, any test-mode secret key is.
        self.required_api_key = api_key
        self.events: list[Obj] = []
        self.requests: list[Obj] = []
        self.server_errors: list[str] = []
        self._lock = threading.RLock()
        self._objects: dict[str, Obj] = {}
        self._kinds: dict[str, str] = {}
        self._owners: dict[str, str | None] = {}
        self._order: dict[str, int] = {}
        self._deleted: dict[str, Obj] = {}
        self._private: dict[str, Obj] = {}
        self._idempotency: dict[tuple[str, str | None, str], tuple[str, int, Obj]] = {}
        self._sequence = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._routes: list[Route] = self._build_routes()
        self.api_base = ""

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeStripe:
        if self._server is not None:
            return self
        fake = self

        class Handler(_Handler):
            stripe_fake = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        port = self._server.server_address[1]
        self.api_base = f"http://127.0.0.1:{port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-stripe",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeStripe:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- pointing the library at the fake ---------------------------------------------------

    def client(self, api_key: str = DEFAULT_TEST_KEY, **options: Any) -> stripe.StripeClient:
        """A `stripe.StripeClient` whose every base address is this fake."""
        options.setdefault("max_network_retries", 0)
        return stripe.StripeClient(api_key, base_addresses=self.base_addresses(), **options)

    def base_addresses(self) -> dict[str, str]:
        """The `base_addresses` for `stripe.StripeClient`: all of them, so nothing leaks out."""
        return {
            "api": self.api_base,
            "connect": self.api_base,
            "files": self.api_base,
            "meter_events": self.api_base,
        }

    @contextlib.contextmanager
    def patch_stripe_module(self, api_key: str = DEFAULT_TEST_KEY) -> Iterator[FakeStripe]:
        """Point the module-level configuration (`stripe.api_base`, ...) here, then restore it."""
        names = (
            "api_key",
            "api_base",
            "connect_api_base",
            "upload_api_base",
            "meter_events_api_base",
            "max_network_retries",
        )
        saved = {name: getattr(stripe, name) for name in names}
        stripe.api_key = api_key
        stripe.api_base = stripe.connect_api_base = self.api_base
        stripe.upload_api_base = stripe.meter_events_api_base = self.api_base
        stripe.max_network_retries = 0
        try:
            yield self
        finally:
            for name, value in saved.items():
                setattr(stripe, name, value)

    # -- inspection --------------------------------------------------------------------------

    def get(self, object_id: str) -> Obj:
        """A copy of any stored object, whatever account owns it."""
        with self._lock:
            if object_id not in self._objects:
                raise KeyError(object_id)
            return copy.deepcopy(self._objects[object_id])

    def all(self, object_type: str, *, account: str | object | None = _ANY_ACCOUNT) -> list[Obj]:
        """Copies of every stored object of one type (e.g. "subscription"), oldest first.

        With `account`, only those owned by that connected account (`None`: the platform)."""
        with self._lock:
            ids = [
                i
                for i, kind in self._kinds.items()
                if kind == object_type and (account is _ANY_ACCOUNT or self._owners[i] == account)
            ]
            return [
                copy.deepcopy(self._objects[i]) for i in sorted(ids, key=self._order.__getitem__)
            ]

    def events_of_type(self, event_type: str) -> list[Obj]:
        with self._lock:
            return [copy.deepcopy(e) for e in self.events if e["type"] == event_type]

    def account_of(self, object_id: str) -> str | None:
        """The connected account owning an object, `None` for the platform."""
        with self._lock:
            return self._owners[object_id]

    # -- test clock controls -----------------------------------------------------------------

    def complete_checkout(
        self, session_id: str, *, email: str | None = None, name: str | None = None
    ) -> list[Obj]:
        """The customer pays on the Checkout page.

        Subscription mode: creates the customer if the session had none, the subscription
        and its first, paid, invoice. Payment mode: a succeeded payment intent and charge.
        Returns the events Stripe would send."""
        with self._lock:
            session = self._require(session_id, "checkout.session")
            if session["status"] != "open":
                raise ValueError(f"{session_id} is {session['status']}, not open")
            account = self._owners[session_id]
            private = self._private[session_id]
            events: list[Obj] = []
            before = copy.deepcopy(session)
            email = email or session["customer_email"] or "customer@example.com"
            customer_id = session["customer"]
            if customer_id is None and (
                session["mode"] == "subscription" or session["customer_creation"] == "always"
            ):
                customer = self._create_customer_object(account, {"email": email, "name": name})
                customer_id = customer["id"]
                events.append(self._emit("customer.created", customer, account))
            customer_email = self._objects[customer_id]["email"] if customer_id else email
            session["customer"] = customer_id
            session["customer_details"] = {
                "address": None,
                "business_name": None,
                "email": customer_email or email,
                "individual_name": None,
                "name": name,
                "phone": None,
                "tax_exempt": "none",
                "tax_ids": [],
            }
            session["status"] = "complete"
            session["url"] = None
            lines = private["line_items"]
            if session["mode"] == "payment":
                pi_data = private["payment_intent_data"]
                intent = self._create_payment_intent(
                    account,
                    amount=session["amount_total"],
                    currency=session["currency"],
                    customer=customer_id,
                    metadata=pi_data.get("metadata", {}),
                    description=pi_data.get("description"),
                    application_fee_amount=pi_data.get("application_fee_amount"),
                    transfer_data=pi_data.get("transfer_data"),
                    succeeded=True,
                )
                session["payment_intent"] = intent["id"]
                session["payment_status"] = "paid"
                charge = self._objects[intent["latest_charge"]]
                events.append(self._emit("payment_intent.succeeded", intent, account))
                events.append(self._emit("charge.succeeded", charge, account))
            else:
                sub_data = private["subscription_data"]
                subscription, invoice, invoice_events = self._create_subscription(
                    account,
                    customer_id=customer_id,
                    lines=lines,
                    currency=session["currency"],
                    metadata=sub_data.get("metadata", {}),
                    trial_period_days=sub_data.get("trial_period_days"),
                    trial_end=sub_data.get("trial_end"),
                    application_fee_percent=sub_data.get("application_fee_percent"),
                    description=sub_data.get("description"),
                )
                session["subscription"] = subscription["id"]
                session["invoice"] = invoice["id"]
                session["payment_status"] = (
                    "paid" if invoice["amount_paid"] > 0 else "no_payment_required"
                )
                events.append(self._emit("customer.subscription.created", subscription, account))
                events.extend(invoice_events)
            events.append(
                self._emit(
                    "checkout.session.completed", session, account, previous=_diff(before, session)
                )
            )
            return events

    def expire_checkout(self, session_id: str) -> list[Obj]:
        """The session times out (or is expired by the API)."""
        with self._lock:
            session = self._require(session_id, "checkout.session")
            return [self._expire_session(session)]

    def fail_invoice_payment(self, subscription_id: str) -> list[Obj]:
        """The renewal charge is declined: the invoice stays open, the subscription is past_due.

        If the latest invoice is already open this is a further failed retry of it; otherwise
        the subscription moves into its next period with a new, unpaid, invoice."""
        with self._lock:
            subscription = self._require(subscription_id, "subscription")
            account = self._owners[subscription_id]
            before = copy.deepcopy(subscription)
            invoice = self._objects.get(subscription["latest_invoice"] or "")
            events: list[Obj] = []
            if invoice is None or invoice["status"] != "open":
                previous_start = self._advance_period(subscription)
                invoice = self._create_invoice(
                    account,
                    subscription,
                    billing_reason="subscription_cycle",
                    period_start=previous_start,
                )
                subscription["latest_invoice"] = invoice["id"]
                events.append(self._emit("invoice.created", invoice, account))
            invoice["attempted"] = True
            invoice["attempt_count"] += 1
            invoice["next_payment_attempt"] = self._now() + 3 * 86400
            intent = self._objects.get(self._private[invoice["id"]].get("payment_intent") or "")
            if intent is not None:
                intent["status"] = "requires_payment_method"
                intent["last_payment_error"] = {
                    "code": "card_declined",
                    "decline_code": "generic_decline",
                    "message": "Your card was declined.",
                    "type": "card_error",
                }
            events.append(self._emit("invoice.payment_failed", invoice, account))
            if subscription["status"] in ("active", "trialing"):
                subscription["status"] = "past_due"
            if subscription != before:
                events.append(
                    self._emit(
                        "customer.subscription.updated",
                        subscription,
                        account,
                        previous=_diff(before, subscription),
                    )
                )
            return events

    def pay_invoice(self, invoice_id: str) -> list[Obj]:
        """An open invoice gets paid (a retry succeeds, or the customer pays it)."""
        with self._lock:
            invoice = self._require(invoice_id, "invoice")
            if invoice["status"] != "open":
                raise ValueError(f"{invoice_id} is {invoice['status']}, not open")
            account = self._owners[invoice_id]
            events = self._mark_invoice_paid(invoice, account)
            subscription_id = (
                (invoice["parent"] or {}).get("subscription_details", {}).get("subscription")
            )
            if subscription_id:
                subscription = self._objects[subscription_id]
                before = copy.deepcopy(subscription)
                if subscription["status"] in ("past_due", "unpaid", "incomplete"):
                    subscription["status"] = "active"
                if subscription != before:
                    events.append(
                        self._emit(
                            "customer.subscription.updated",
                            subscription,
                            account,
                            previous=_diff(before, subscription),
                        )
                    )
            return events

    def renew_subscription(self, subscription_id: str) -> list[Obj]:
        """The current period ends.

        A subscription set to cancel at period end is canceled; otherwise it starts its next
        period (ending any trial) with a paid invoice."""
        with self._lock:
            subscription = self._require(subscription_id, "subscription")
            account = self._owners[subscription_id]
            if subscription["status"] == "canceled":
                raise ValueError(f"{subscription_id} is canceled")
            if subscription["cancel_at_period_end"]:
                return [self._cancel_subscription(subscription, reason="cancellation_requested")]
            before = copy.deepcopy(subscription)
            previous_start = self._advance_period(subscription)
            invoice = self._create_invoice(
                account,
                subscription,
                billing_reason="subscription_cycle",
                period_start=previous_start,
            )
            subscription["latest_invoice"] = invoice["id"]
            events = [self._emit("invoice.created", invoice, account)]
            events.extend(self._mark_invoice_paid(invoice, account))
            subscription["status"] = "active"
            events.append(
                self._emit(
                    "customer.subscription.updated",
                    subscription,
                    account,
                    previous=_diff(before, subscription),
                )
            )
            return events

    def set_subscription_status(self, subscription_id: str, status: str) -> list[Obj]:
        """Force a subscription's status (e.g. "unpaid" after retries run out, "canceled")."""
        allowed = (
            "active",
            "past_due",
            "unpaid",
            "canceled",
            "incomplete",
            "incomplete_expired",
            "trialing",
            "paused",
        )
        if status not in allowed:
            raise ValueError(f"status must be one of {allowed}")
        with self._lock:
            subscription = self._require(subscription_id, "subscription")
            account = self._owners[subscription_id]
            if status == "canceled":
                return [self._cancel_subscription(subscription, reason="payment_failed")]
            before = copy.deepcopy(subscription)
            subscription["status"] = status
            return [
                self._emit(
                    "customer.subscription.updated",
                    subscription,
                    account,
                    previous=_diff(before, subscription),
                )
            ]

    def send_trial_will_end(self, subscription_id: str) -> list[Obj]:
        """Stripe's reminder three days before a trial ends."""
        with self._lock:
            subscription = self._require(subscription_id, "subscription")
            if subscription["status"] != "trialing":
                raise ValueError(f"{subscription_id} is not trialing")
            return [
                self._emit(
                    "customer.subscription.trial_will_end",
                    subscription,
                    self._owners[subscription_id],
                )
            ]

    def update_account(
        self,
        account_id: str,
        *,
        charges_enabled: bool | None = None,
        details_submitted: bool | None = None,
        payouts_enabled: bool | None = None,
    ) -> list[Obj]:
        """The connected account's owner makes progress in onboarding (or Stripe disables it)."""
        with self._lock:
            account = self._require(account_id, "account")
            before = copy.deepcopy(account)
            if charges_enabled is not None:
                account["charges_enabled"] = charges_enabled
                account["capabilities"] = {
                    name: "active" if charges_enabled else "inactive"
                    for name in account["capabilities"]
                }
            if details_submitted is not None:
                account["details_submitted"] = details_submitted
            if payouts_enabled is not None:
                account["payouts_enabled"] = payouts_enabled
            account["requirements"] = self._requirements(account)
            return [
                self._emit("account.updated", account, account_id, previous=_diff(before, account))
            ]

    # -- storage -----------------------------------------------------------------------------

    def _now(self) -> int:
        return int(time.time())

    def _new_id(self, prefix: str, length: int = 24) -> str:
        return prefix + "".join(secrets.choice(_ALPHANUM) for _ in range(length))

    def _store(self, obj: Obj, account: str | None) -> Obj:
        self._sequence += 1
        self._objects[obj["id"]] = obj
        self._kinds[obj["id"]] = obj["object"]
        self._owners[obj["id"]] = account
        self._order[obj["id"]] = self._sequence
        return obj

    def _require(self, object_id: str, kind: str) -> Obj:
        """For controls: find an object in any account, or fail loudly."""
        if self._kinds.get(object_id) != kind:
            raise KeyError(f"no {kind} {object_id!r} in the fake")
        return self._objects[object_id]

    def _lookup(
        self,
        kind: str,
        object_id: str,
        account: str | None,
        *,
        param: str = "id",
        status: int = 404,
    ) -> Obj:
        """For the API: an object of this kind visible to the requesting account."""
        if (
            self._kinds.get(object_id) != kind
            or self._owners.get(object_id) != account
            or object_id in self._deleted
        ):
            raise _no_such(kind, object_id, param=param, status=status)
        return self._objects[object_id]

    def _emit(
        self,
        event_type: str,
        obj: Obj,
        account: str | None,
        *,
        previous: Obj | None = None,
        request: _Request | None = None,
    ) -> Obj:
        data: Obj = {"object": copy.deepcopy(obj)}
        if previous:
            data["previous_attributes"] = copy.deepcopy(previous)
        event: Obj = {
            "id": self._new_id("evt_"),
            "object": "event",
            "api_version": API_VERSION,
            "created": self._now(),
            "data": data,
            "livemode": False,
            "pending_webhooks": 1,
            "request": {
                "id": request.request_id if request else None,
                "idempotency_key": request.idempotency_key if request else None,
            },
            "type": event_type,
        }
        if account is not None:
            event["account"] = account
        self._store(event, account)
        self.events.append(copy.deepcopy(event))
        return copy.deepcopy(event)

    # -- HTTP dispatch -------------------------------------------------------------------------

    def _build_routes(self) -> list[Route]:
        table: list[tuple[str, str, Callable[..., Obj]]] = [
            ("POST", "/v1/customers", self._customers_create),
            ("GET", "/v1/customers", self._customers_list),
            ("GET", "/v1/customers/{id}", self._customers_retrieve),
            ("POST", "/v1/customers/{id}", self._customers_update),
            ("DELETE", "/v1/customers/{id}", self._customers_delete),
            ("POST", "/v1/products", self._products_create),
            ("GET", "/v1/products", self._products_list),
            ("GET", "/v1/products/{id}", self._products_retrieve),
            ("POST", "/v1/products/{id}", self._products_update),
            ("POST", "/v1/prices", self._prices_create),
            ("GET", "/v1/prices", self._prices_list),
            ("GET", "/v1/prices/{id}", self._prices_retrieve),
            ("POST", "/v1/prices/{id}", self._prices_update),
            ("POST", "/v1/checkout/sessions", self._sessions_create),
            ("GET", "/v1/checkout/sessions", self._sessions_list),
            ("GET", "/v1/checkout/sessions/{id}", self._sessions_retrieve),
            ("GET", "/v1/checkout/sessions/{id}/line_items", self._sessions_line_items),
            ("POST", "/v1/checkout/sessions/{id}/expire", self._sessions_expire),
            ("GET", "/v1/subscriptions", self._subscriptions_list),
            ("GET", "/v1/subscriptions/{id}", self._subscriptions_retrieve),
            ("POST", "/v1/subscriptions/{id}", self._subscriptions_update),
            ("DELETE", "/v1/subscriptions/{id}", self._subscriptions_cancel),
            ("POST", "/v1/billing_portal/sessions", self._portal_sessions_create),
            ("GET", "/v1/invoices", self._invoices_list),
            ("GET", "/v1/invoices/{id}", self._invoices_retrieve),
            ("GET", "/v1/invoices/{id}/lines", self._invoices_lines),
            ("GET", "/v1/invoice_payments", self._invoice_payments_list),
            ("GET", "/v1/payment_intents", self._payment_intents_list),
            ("GET", "/v1/payment_intents/{id}", self._payment_intents_retrieve),
            ("GET", "/v1/charges/{id}", self._charges_retrieve),
            ("POST", "/v1/refunds", self._refunds_create),
            ("GET", "/v1/refunds", self._refunds_list),
            ("GET", "/v1/refunds/{id}", self._refunds_retrieve),
            ("POST", "/v1/accounts", self._accounts_create),
            ("GET", "/v1/accounts", self._accounts_list),
            ("GET", "/v1/account", self._account_self),
            ("GET", "/v1/accounts/{id}", self._accounts_retrieve),
            ("POST", "/v1/accounts/{id}", self._accounts_update),
            ("DELETE", "/v1/accounts/{id}", self._accounts_delete),
            ("POST", "/v1/accounts/{id}/login_links", self._login_links_create),
            ("POST", "/v1/account_links", self._account_links_create),
            ("GET", "/v1/events", self._events_list),
            ("GET", "/v1/events/{id}", self._events_retrieve),
        ]
        return [
            (method, re.compile("^" + path.replace("{id}", r"(?P<id>[^/]+)") + "$"), handler)
            for method, path, handler in table
        ]

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: str
    ) -> tuple[int, Obj, dict[str, str]]:
        """Answer one HTTP request: (status, JSON body, extra headers)."""
        request_id = self._new_id("req_", 14)
        response_headers = {
            "Request-Id": request_id,
            "Stripe-Version": headers.get("stripe-version", API_VERSION),
        }
        split = urllib.parse.urlsplit(raw_path)
        path = split.path
        try:
            api_key = self._authenticate(headers.get("authorization", ""))
            with self._lock:
                params = parse_form(split.query if method in ("GET", "DELETE") else body)
                if method == "POST" and split.query:
                    params = {**parse_form(split.query), **params}
                account = headers.get("stripe-account") or None
                idempotency_key = (
                    headers.get("idempotency-key") if method in ("POST", "DELETE") else None
                )
                self.requests.append(
                    {
                        "method": method,
                        "path": path,
                        "params": copy.deepcopy(params),
                        "account": account,
                        "idempotency_key": idempotency_key,
                    }
                )
                if account is not None:
                    self._check_connected_account(account, api_key)
                if idempotency_key:
                    response_headers["Idempotency-Key"] = idempotency_key
                    fingerprint = json.dumps([method, path, params], sort_keys=True)
                    stored = self._idempotency.get((api_key, account, idempotency_key))
                    if stored is not None:
                        if stored[0] != fingerprint:
                            raise StripeApiError(
                                400,
                                "Keys for idempotent requests can only be used with the same "
                                "parameters they were first used with. "
                                f"Try using a key other than '{idempotency_key}' if you meant to "
                                "execute a different request.",
                                type="idempotency_error",
                                replayable=False,
                            )
                        response_headers["Idempotent-Replayed"] = "true"
                        return stored[1], copy.deepcopy(stored[2]), response_headers
                request = _Request(
                    method,
                    path,
                    params,
                    account,
                    request_id,
                    idempotency_key,
                    api_key,
                    headers.get("stripe-version"),
                )
                try:
                    status, payload = 200, self._dispatch(request)
                except StripeApiError as error:
                    if not error.replayable or not idempotency_key:
                        raise
                    status, payload = (
                        error.status,
                        {"error": {**error.body, "request_log_url": self._log_url(request_id)}},
                    )
                if idempotency_key:
                    self._idempotency[(api_key, account, idempotency_key)] = (
                        fingerprint,
                        status,
                        copy.deepcopy(payload),
                    )
                return status, payload, response_headers
        except StripeApiError as error:
            return (
                error.status,
                {"error": {**error.body, "request_log_url": self._log_url(request_id)}},
                response_headers,
            )
        except Exception:  # a bug in the fake: make it loud, and never retried by the library
            self.server_errors.append(traceback.format_exc())
            response_headers["Stripe-Should-Retry"] = "false"
            body_out = {
                "error": {
                    "type": "api_error",
                    "message": "The fake Stripe server crashed:\n" + traceback.format_exc(),
                }
            }
            return 500, body_out, response_headers

    def _log_url(self, request_id: str) -> str:
        return f"https://dashboard.stripe.com/test/logs/{request_id}"

    def _authenticate(self, authorization: str) -> str:
        scheme, _, credential = authorization.partition(" ")
        if scheme.lower() == "basic":
            import base64

            credential = base64.b64decode(credential).decode("utf-8", "replace").partition(":")[0]
        elif scheme.lower() != "bearer":
            credential = ""
        credential = credential.strip()
        if not credential:
            raise StripeApiError(
                401,
                "You did not provide an API key. You need to provide your API key in the "
                "Authorization header, "
                "using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
            )
        redacted = credential[:8] + "*" * 12 + credential[-4:]
        if not credential.startswith(("sk_test_", "rk_test_")):
            raise StripeApiError(
                401,
                f"Invalid API Key provided: {redacted} (the fake only accepts test-mode secret "
                "keys)",
            )
        if self.required_api_key is not None and credential != self.required_api_key:
            raise StripeApiError(401, f"Invalid API Key provided: {redacted}")
        return credential

    def _check_connected_account(self, account: str, api_key: str) -> None:
        if self._kinds.get(account) != "account" or account in self._deleted:
            raise StripeApiError(
                403,
                f"The provided key '{api_key[:8]}****' does not have access to account '{account}' "
                "(or that account does not exist). Application access may have been revoked.",
                code="account_invalid",
            )

    def _dispatch(self, request: _Request) -> Obj:
        allowed_methods = []
        for method, pattern, handler in self._routes:
            match = pattern.match(request.path)
            if not match:
                continue
            if method != request.method:
                allowed_methods.append(method)
                continue
            params = Params(request.params)
            expand = params.strings("expand")
            result = handler(request, params, **match.groupdict())
            result = copy.deepcopy(result)
            for path in expand:
                result = self._expand(result, path.split("."), request.account)
            return result
        raise StripeApiError(
            404,
            f"Unrecognized request URL ({request.method}: {request.path}). The fake Stripe server "
            "in "
            "tests/fakes/stripe_server.py does not implement it.",
        )

    def _expand(self, value: Any, parts: list[str], account: str | None) -> Any:
        if not parts:
            return value
        if isinstance(value, list):
            return [self._expand(item, parts, account) for item in value]
        if not isinstance(value, dict):
            return value
        head, rest = parts[0], parts[1:]
        if head == "line_items" and value.get("object") == "checkout.session":
            child: Any = self._session_line_items_list(value["id"])
        elif head == "payments" and value.get("object") == "invoice":
            child = self._invoice_payments_for(value["id"])
        elif head in value:
            child = value[head]
        else:
            raise _invalid("expand", f"This property cannot be expanded ({head}).")
        if isinstance(child, str) and child in self._objects and self._owners[child] == account:
            child = copy.deepcopy(self._objects[child])
        value[head] = self._expand(child, rest, account)
        return value

    def _list(self, request: _Request, params: Params, items: list[Obj], url: str) -> Obj:
        limit = params.integer("limit", 10)
        assert limit is not None
        if not 1 <= limit <= 100:
            raise _invalid(
                "limit",
                "This value must be greater than or equal to 1 and less than or equal to 100.",
            )
        ordered = sorted(
            items,
            key=lambda obj: (obj.get("created", 0), self._order.get(obj.get("id", ""), 0)),
            reverse=True,
        )
        starting_after = params.text("starting_after")
        ending_before = params.text("ending_before")
        ids = [obj.get("id") for obj in ordered]
        if starting_after:
            if starting_after not in ids:
                raise _no_such("object", starting_after, param="starting_after", status=400)
            rest = ordered[ids.index(starting_after) + 1 :]
            page, has_more = rest[:limit], len(rest) > limit
        elif ending_before:
            if ending_before not in ids:
                raise _no_such("object", ending_before, param="ending_before", status=400)
            rest = ordered[: ids.index(ending_before)]
            page, has_more = rest[-limit:], len(rest) > limit
        else:
            page, has_more = ordered[:limit], len(ordered) > limit
        return {"object": "list", "data": page, "has_more": has_more, "url": url}

    def _visible(self, kind: str, account: str | None) -> list[Obj]:
        return [
            self._objects[i]
            for i, k in self._kinds.items()
            if k == kind and self._owners[i] == account and i not in self._deleted
        ]

    # -- customers ---------------------------------------------------------------------------

    _CUSTOMER_FIELDS = {
        "email",
        "name",
        "description",
        "phone",
        "metadata",
        "address",
        "shipping",
        "preferred_locales",
        "invoice_settings",
        "tax_exempt",
        "payment_method",
    }

    def _create_customer_object(self, account: str | None, fields: Obj) -> Obj:
        customer = {
            "id": self._new_id("cus_", 14),
            "object": "customer",
            "address": fields.get("address"),
            "balance": 0,
            "created": self._now(),
            "currency": None,
            "default_source": None,
            "delinquent": False,
            "description": fields.get("description"),
            "discount": None,
            "email": fields.get("email"),
            "invoice_prefix": "".join(
                secrets.choice(string.ascii_uppercase + string.digits) for _ in range(8)
            ),
            "invoice_settings": {
                "custom_fields": None,
                "default_payment_method": None,
                "footer": None,
                "rendering_options": None,
            },
            "livemode": False,
            "metadata": fields.get("metadata") or {},
            "name": fields.get("name"),
            "next_invoice_sequence": 1,
            "phone": fields.get("phone"),
            "preferred_locales": fields.get("preferred_locales") or [],
            "shipping": fields.get("shipping"),
            "tax_exempt": fields.get("tax_exempt") or "none",
            "test_clock": None,
        }
        return self._store(customer, account)

    def _customers_create(self, request: _Request, params: Params) -> Obj:
        params.check_known(self._CUSTOMER_FIELDS)
        fields = {key: params.data[key] for key in self._CUSTOMER_FIELDS if key in params.data}
        fields["metadata"] = _merge_metadata({}, params.metadata())
        customer = self._create_customer_object(request.account, fields)
        self._emit("customer.created", customer, request.account, request=request)
        return customer

    def _customers_retrieve(self, request: _Request, params: Params, id: str) -> Obj:
        if id in self._deleted and self._owners.get(id) == request.account:
            return self._deleted[id]
        return self._lookup("customer", id, request.account)

    def _customers_update(self, request: _Request, params: Params, id: str) -> Obj:
        params.check_known(self._CUSTOMER_FIELDS - {"payment_method"} | {"default_source"})
        customer = self._lookup("customer", id, request.account)
        before = copy.deepcopy(customer)
        for key in (
            "email",
            "name",
            "description",
            "phone",
            "address",
            "shipping",
            "preferred_locales",
            "tax_exempt",
        ):
            if key in params:
                customer[key] = params.data[key] or None
        if "invoice_settings" in params and isinstance(params.data["invoice_settings"], dict):
            customer["invoice_settings"].update(params.data["invoice_settings"])
        customer["metadata"] = _merge_metadata(customer["metadata"], params.metadata())
        if customer != before:
            self._emit(
                "customer.updated",
                customer,
                request.account,
                previous=_diff(before, customer),
                request=request,
            )
        return customer

    def _customers_delete(self, request: _Request, params: Params, id: str) -> Obj:
        customer = self._lookup("customer", id, request.account)
        self._deleted[id] = {"id": id, "object": "customer", "deleted": True}
        self._emit("customer.deleted", customer, request.account, request=request)
        for subscription in self._visible("subscription", request.account):
            if subscription["customer"] == id and subscription["status"] != "canceled":
                self._cancel_subscription(
                    subscription, reason="cancellation_requested", request=request
                )
        return self._deleted[id]

    def _customers_list(self, request: _Request, params: Params) -> Obj:
        params.check_known(
            {"email", "limit", "starting_after", "ending_before", "created", "test_clock"}
        )
        items = self._visible("customer", request.account)
        email = params.text("email")
        if email is not None:
            items = [c for c in items if c["email"] == email]
        return self._list(request, params, items, "/v1/customers")

    # -- products and prices -----------------------------------------------------------------

    def _create_product_object(self, account: str | None, params: Params) -> Obj:
        product_id = params.text("id") or self._new_id("prod_", 14)
        if product_id in self._objects:
            raise _invalid(
                "id", f"Product already exists: '{product_id}'", code="resource_already_exists"
            )
        now = self._now()
        product = {
            "id": product_id,
            "object": "product",
            "active": params.flag("active", True),
            "created": now,
            "default_price": None,
            "description": params.text("description"),
            "images": params.strings("images"),
            "livemode": False,
            "marketing_features": params.data.get("marketing_features") or [],
            "metadata": _merge_metadata({}, params.metadata()),
            "name": params.text("name", required=True),
            "package_dimensions": None,
            "shippable": params.flag("shippable"),
            "statement_descriptor": params.text("statement_descriptor"),
            "tax_code": params.text("tax_code"),
            "type": "service",
            "unit_label": params.text("unit_label"),
            "updated": now,
            "url": params.text("url"),
        }
        return self._store(product, account)

    def _products_create(self, request: _Request, params: Params) -> Obj:
        params.check_known(
            {
                "id",
                "name",
                "active",
                "description",
                "metadata",
                "images",
                "marketing_features",
                "shippable",
                "statement_descriptor",
                "tax_code",
                "unit_label",
                "url",
                "default_price_data",
            }
        )
        product = self._create_product_object(request.account, params)
        self._emit("product.created", product, request.account, request=request)
        default_price_data = params.sub("default_price_data")
        if default_price_data is not None:
            price = self._create_price_object(
                request.account, default_price_data, product_id=product["id"]
            )
            product["default_price"] = price["id"]
            self._emit("price.created", price, request.account, request=request)
        return product

    def _products_retrieve(self, request: _Request, params: Params, id: str) -> Obj:
        return self._lookup("product", id, request.account)

    def _products_update(self, request: _Request, params: Params, id: str) -> Obj:
        params.check_known(
            {
                "name",
                "active",
                "description",
                "metadata",
                "images",
                "marketing_features",
                "default_price",
                "statement_descriptor",
                "tax_code",
                "unit_label",
                "url",
            }
        )
        product = self._lookup("product", id, request.account)
        before = copy.deepcopy(product)
        for key in ("name", "description", "statement_descriptor", "tax_code", "unit_label", "url"):
            if key in params:
                product[key] = params.text(key)
        if "active" in params:
            product["active"] = params.flag("active")
        if "images" in params:
            product["images"] = params.strings("images")
        if "marketing_features" in params:
            product["marketing_features"] = params.data["marketing_features"] or []
        if "default_price" in params:
            price_id = params.text("default_price")
            if price_id is not None:
                self._lookup("price", price_id, request.account, param="default_price", status=400)
            product["default_price"] = price_id
        product["metadata"] = _merge_metadata(product["metadata"], params.metadata())
        product["updated"] = self._now()
        self._emit(
            "product.updated",
            product,
            request.account,
            previous=_diff(before, product),
            request=request,
        )
        return product

    def _products_list(self, request: _Request, params: Params) -> Obj:
        params.check_known(
            {
                "active",
                "ids",
                "limit",
                "starting_after",
                "ending_before",
                "created",
                "shippable",
                "url",
            }
        )
        items = self._visible("product", request.account)
        active = params.flag("active")
        if active is not None:
            items = [p for p in items if p["active"] == active]
        ids = params.strings("ids")
        if ids:
            items = [p for p in items if p["id"] in ids]
        return self._list(request, params, items, "/v1/products")

    def _create_price_object(
        self, account: str | None, params: Params, *, product_id: str | None = None
    ) -> Obj:
        currency = params.text("currency", required=True)
        assert currency is not None
        unit_amount = params.integer("unit_amount")
        if unit_amount is None:
            raise _missing(params.name("unit_amount"))
        if unit_amount < 0:
            raise _invalid(
                params.name("unit_amount"), "This value must be greater than or equal to 0."
            )
        if product_id is None:
            product_id = params.text("product")
            product_data = params.sub("product_data")
            if product_id is not None and product_data is not None:
                raise _invalid(
                    params.name("product_data"),
                    "You may only specify one of these parameters: product, product_data.",
                )
            if product_id is not None:
                self._lookup(
                    "product", product_id, account, param=params.name("product"), status=400
                )
            elif product_data is not None:
                product_id = self._create_product_object(account, product_data)["id"]
            else:
                raise _missing(params.name("product"))
        recurring_params = params.sub("recurring")
        recurring = None
        if recurring_params is not None:
            recurring = {
                "interval": recurring_params.enum(
                    "interval", ("day", "week", "month", "year"), required=True
                ),
                "interval_count": recurring_params.integer("interval_count", 1),
                "meter": None,
                "trial_period_days": None,
                "usage_type": recurring_params.enum(
                    "usage_type", ("licensed", "metered"), "licensed"
                ),
            }
        lookup_key = params.text("lookup_key")
        if lookup_key is not None:
            holders = [p for p in self._visible("price", account) if p["lookup_key"] == lookup_key]
            if holders and not params.flag("transfer_lookup_key", False):
                raise _invalid(
                    params.name("lookup_key"),
                    f"A price ({holders[0]['id']}) already uses that lookup key.",
                )
            for holder in holders:
                holder["lookup_key"] = None
        price = {
            "id": self._new_id("price_"),
            "object": "price",
            "active": params.flag("active", True),
            "billing_scheme": "per_unit",
            "created": self._now(),
            "currency": currency.lower(),
            "custom_unit_amount": None,
            "livemode": False,
            "lookup_key": lookup_key,
            "metadata": _merge_metadata({}, params.metadata()),
            "nickname": params.text("nickname"),
            "product": product_id,
            "recurring": recurring,
            "tax_behavior": params.text("tax_behavior", "unspecified"),
            "tiers_mode": None,
            "transform_quantity": None,
            "type": "recurring" if recurring else "one_time",
            "unit_amount": unit_amount,
            "unit_amount_decimal": str(unit_amount),
        }
        return self._store(price, account)

    def _prices_create(self, request: _Request, params: Params) -> Obj:
        params.check_known(
            {
                "currency",
                "unit_amount",
                "unit_amount_decimal",
                "product",
                "product_data",
                "recurring",
                "lookup_key",
                "transfer_lookup_key",
                "nickname",
                "metadata",
                "active",
                "tax_behavior",
                "billing_scheme",
            }
        )
        price = self._create_price_object(request.account, params)
        self._emit("price.created", price, request.account, request=request)
        return price

    def _prices_retrieve(self, request: _Request, params: Params, id: str) -> Obj:
        return self._lookup("price", id, request.account)

    def _prices_update(self, request: _Request, params: Params, id: str) -> Obj:
        params.check_known(
            {"active", "metadata", "nickname", "lookup_key", "transfer_lookup_key", "tax_behavior"}
        )
        price = self._lookup("price", id, request.account)
        before = copy.deepcopy(price)
        if "active" in params:
            price["active"] = params.flag("active")
        if "nickname" in params:
            price["nickname"] = params.text("nickname")
        if "tax_behavior" in params:
            price["tax_behavior"] = params.text("tax_behavior")
        if "lookup_key" in params:
            lookup_key = params.text("lookup_key")
            holders = [
                p
                for p in self._visible("price", request.account)
                if lookup_key and p["lookup_key"] == lookup_key and p is not price
            ]
            if holders and not params.flag("transfer_lookup_key", False):
                raise _invalid(
                    "lookup_key", f"A price ({holders[0]['id']}) already uses that lookup key."
                )
            for holder in holders:
                holder["lookup_key"] = None
            price["lookup_key"] = lookup_key
        price["metadata"] = _merge_metadata(price["metadata"], params.metadata())
        self._emit(
            "price.updated", price, request.account, previous=_diff(before, price), request=request
        )
        return price

    def _prices_list(self, request: _Request, params: Params) -> Obj:
        params.check_known(
            {
                "active",
                "product",
                "type",
                "currency",
                "lookup_keys",
                "recurring",
                "limit",
                "starting_after",
                "ending_before",
                "created",
            }
        )
        items = self._visible("price", request.account)
        active = params.flag("active")
        if active is not None:
            items = [p for p in items if p["active"] == active]
        for key in ("product", "type", "currency"):
            value = params.text(key)
            if value is not None:
                items = [p for p in items if p[key] == value]
        lookup_keys = params.strings("lookup_keys")
        if lookup_keys:
            items = [p for p in items if p["lookup_key"] in lookup_keys]
        return self._list(request, params, items, "/v1/prices")

    # -- checkout sessions -------------------------------------------------------------------

    _SESSION_FIELDS = {
        "mode",
        "line_items",
        "success_url",
        "cancel_url",
        "return_url",
        "ui_mode",
        "client_reference_id",
        "customer",
        "customer_email",
        "customer_creation",
        "metadata",
        "expires_at",
        "payment_intent_data",
        "subscription_data",
        "payment_method_types",
        "allow_promotion_codes",
        "billing_address_collection",
        "locale",
        "tax_id_collection",
        "customer_update",
        "consent_collection",
        "submit_type",
        "phone_number_collection",
        "payment_method_collection",
        "saved_payment_method_options",
    }

    def _sessions_create(self, request: _Request, params: Params) -> Obj:
        params.check_known(self._SESSION_FIELDS)
        account = request.account
        now = self._now()
        mode = params.enum("mode", ("payment", "setup", "subscription"), required=True)
        if mode == "setup":
            raise _invalid("mode", "The fake does not implement setup mode Checkout Sessions yet.")
        ui_modes = (
            ("hosted_page", "embedded_page", "elements")
            if request_version_is_dahlia_or_later(request)
            else ("hosted", "embedded", "custom")
        )
        ui_mode = params.enum("ui_mode", ui_modes, ui_modes[0])
        success_url = params.text("success_url")
        if success_url is not None and ui_mode != ui_modes[0]:
            raise _invalid(
                "success_url",
                f"`success_url` is not allowed when `ui_mode` is `{ui_mode}`. Use `return_url` "
                "instead.",
            )
        customer_id = params.text("customer")
        if customer_id is not None:
            self._lookup("customer", customer_id, account, param="customer", status=400)
            if params.text("customer_email") is not None:
                raise _invalid(
                    "customer_email",
                    "You may only specify one of these parameters: customer, customer_email.",
                )
        customer_creation = params.enum("customer_creation", ("always", "if_required"))
        if customer_creation is not None and mode != "payment":
            raise _invalid(
                "customer_creation", "`customer_creation` can only be used in `payment` mode."
            )
        if customer_creation is not None and customer_id is not None:
            raise _invalid(
                "customer_creation",
                "You may only specify one of these parameters: customer, customer_creation.",
            )
        expires_at = params.integer("expires_at", now + 24 * 3600)
        assert expires_at is not None
        if expires_at < now + 30 * 60 - 5:
            raise _invalid(
                "expires_at",
                "The `expires_at` timestamp must be at least 30 minutes from Checkout Session "
                "creation.",
            )
        if expires_at > now + 24 * 3600 + 5:
            raise _invalid(
                "expires_at",
                "The `expires_at` timestamp must be less than 24 hours from Checkout Session "
                "creation.",
            )

        line_params = params.items("line_items")
        if not line_params:
            raise _missing("line_items")
        lines = []
        for line in line_params:
            line.check_known(
                {
                    "price",
                    "price_data",
                    "quantity",
                    "adjustable_quantity",
                }
            )
            price_id = line.text("price")
            price_data = line.sub("price_data")
            if price_id is not None and price_data is not None:
                raise _invalid(
                    line.name("price_data"),
                    "You may only specify one of these parameters: price, price_data.",
                )
            if price_id is not None:
                price = self._lookup(
                    "price", price_id, account, param=line.name("price"), status=400
                )
            elif price_data is not None:
                price_data.check_known(
                    {
                        "currency",
                        "unit_amount",
                        "unit_amount_decimal",
                        "product",
                        "product_data",
                        "recurring",
                        "tax_behavior",
                    }
                )
                price = self._create_price_object(account, price_data)
                price["active"] = False
            else:
                raise _missing(line.name("price"))
            if not price["active"] and price_id is not None:
                raise _invalid(
                    line.name("price"),
                    "The price specified is inactive. This field only accepts active prices.",
                )
            quantity = line.integer("quantity")
            if quantity is None:
                raise _missing(line.name("quantity"))
            if quantity < 1:
                raise _invalid(
                    line.name("quantity"), "This value must be greater than or equal to 1."
                )
            if mode == "payment" and price["recurring"] is not None:
                raise _invalid(
                    line.name("price"),
                    "You specified `payment` mode but passed a recurring price. Either switch to "
                    "`subscription` mode or use only one-time prices.",
                )
            lines.append({"price": price, "quantity": quantity, "param": line.name("price")})
        currencies = {line["price"]["currency"] for line in lines}
        if len(currencies) > 1:
            raise _invalid("line_items", "All line items must use the same currency.")
        recurring = [line["price"]["recurring"] for line in lines if line["price"]["recurring"]]
        if mode == "subscription" and not recurring:
            raise _invalid(
                "line_items",
                "You must provide at least one recurring price in `subscription` mode when using "
                "prices.",
            )
        if len({(r["interval"], r["interval_count"]) for r in recurring}) > 1:
            raise _invalid(
                "line_items",
                "Checkout does not support multiple prices with different billing intervals.",
            )

        payment_intent_data: Obj = {}
        pi_params = params.sub("payment_intent_data")
        if pi_params is not None:
            if mode != "payment":
                raise _invalid(
                    "payment_intent_data",
                    "You can not pass `payment_intent_data` in `subscription` mode.",
                )
            pi_params.check_known(
                {
                    "application_fee_amount",
                    "metadata",
                    "description",
                    "transfer_data",
                    "receipt_email",
                    "statement_descriptor",
                    "statement_descriptor_suffix",
                    "transfer_group",
                }
            )
            payment_intent_data["metadata"] = _merge_metadata({}, pi_params.metadata())
            payment_intent_data["description"] = pi_params.text("description")
            transfer = pi_params.sub("transfer_data")
            if transfer is not None:
                destination = transfer.text("destination", required=True)
                assert destination is not None
                if account is not None:
                    raise _invalid(
                        transfer.name("destination"),
                        "Destination charges cannot be made on behalf of a connected account "
                        "(remove the Stripe-Account header).",
                    )
                self._lookup(
                    "account", destination, None, param=transfer.name("destination"), status=400
                )
                payment_intent_data["transfer_data"] = {
                    "destination": destination,
                    "amount": transfer.integer("amount"),
                }
            fee = pi_params.integer("application_fee_amount")
            if fee is not None:
                if account is None and transfer is None:
                    raise _invalid(
                        pi_params.name("application_fee_amount"),
                        "Can only apply an application_fee_amount when the PaymentIntent is "
                        "attempting a direct payment "
                        "(using an OAuth key or Stripe-Account header) or destination payment "
                        "(using `transfer_data[destination]`).",
                    )
                if fee < 0:
                    raise _invalid(
                        pi_params.name("application_fee_amount"),
                        "This value must be greater than or equal to 0.",
                    )
                payment_intent_data["application_fee_amount"] = fee

        subscription_data: Obj = {}
        sub_params = params.sub("subscription_data")
        if sub_params is not None:
            if mode != "subscription":
                raise _invalid(
                    "subscription_data", "You can not pass `subscription_data` in `payment` mode."
                )
            sub_params.check_known(
                {
                    "trial_period_days",
                    "trial_end",
                    "metadata",
                    "application_fee_percent",
                    "description",
                    "proration_behavior",
                }
            )
            subscription_data["metadata"] = _merge_metadata({}, sub_params.metadata())
            subscription_data["trial_period_days"] = sub_params.integer("trial_period_days")
            subscription_data["trial_end"] = sub_params.integer("trial_end")
            subscription_data["description"] = sub_params.text("description")
            fee_percent = sub_params.text("application_fee_percent")
            if fee_percent is not None:
                if account is None:
                    raise _invalid(
                        sub_params.name("application_fee_percent"),
                        "Can only apply an application_fee_percent when the request is made on "
                        "behalf of another account (using an OAuth key or Stripe-Account header).",
                    )
                subscription_data["application_fee_percent"] = float(fee_percent)
        if mode == "payment":
            total = sum(line["price"]["unit_amount"] * line["quantity"] for line in lines)
            fee = payment_intent_data.get("application_fee_amount")
            if fee is not None and fee > total:
                raise _invalid(
                    "payment_intent_data[application_fee_amount]",
                    "The application fee cannot be greater than the amount of the payment.",
                )
        else:
            total = sum(line["price"]["unit_amount"] * line["quantity"] for line in lines)

        session_id = self._new_id("cs_test_", 58)
        session = {
            "id": session_id,
            "object": "checkout.session",
            "adaptive_pricing": None,
            "after_expiration": None,
            "allow_promotion_codes": params.flag("allow_promotion_codes"),
            "amount_subtotal": total,
            "amount_total": total,
            "automatic_tax": {
                "enabled": False,
                "liability": None,
                "provider": None,
                "status": None,
            },
            "billing_address_collection": params.text("billing_address_collection"),
            "cancel_url": params.text("cancel_url"),
            "client_reference_id": params.text("client_reference_id"),
            "client_secret": None
            if ui_mode == ui_modes[0]
            else f"{session_id}_secret_{self._new_id('', 24)}",
            "consent": None,
            "consent_collection": None,
            "created": now,
            "currency": lines[0]["price"]["currency"],
            "custom_fields": [],
            "custom_text": {
                "after_submit": None,
                "shipping_address": None,
                "submit": None,
                "terms_of_service_acceptance": None,
            },
            "customer": customer_id,
            "customer_creation": (customer_creation or "if_required")
            if mode == "payment" and customer_id is None
            else None,
            "customer_details": None,
            "customer_email": params.text("customer_email"),
            "expires_at": expires_at,
            "invoice": None,
            "invoice_creation": {
                "enabled": False,
                "invoice_data": {
                    "account_tax_ids": None,
                    "custom_fields": None,
                    "description": None,
                    "footer": None,
                    "issuer": None,
                    "metadata": {},
                    "rendering_options": None,
                },
            }
            if mode == "payment"
            else None,
            "livemode": False,
            "locale": params.text("locale"),
            "metadata": _merge_metadata({}, params.metadata()),
            "mode": mode,
            "payment_intent": None,
            "payment_link": None,
            "payment_method_collection": "always" if mode == "subscription" else None,
            "payment_method_options": {},
            "payment_method_types": params.strings("payment_method_types") or ["card"],
            "payment_status": "unpaid",
            "phone_number_collection": {"enabled": False},
            "recovered_from": None,
            "saved_payment_method_options": None,
            "setup_intent": None,
            "shipping_address_collection": None,
            "shipping_cost": None,
            "shipping_options": [],
            "status": "open",
            "submit_type": params.text("submit_type"),
            "subscription": None,
            "success_url": success_url,
            "return_url": params.text("return_url"),
            "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
            "ui_mode": ui_mode,
            "url": f"https://checkout.stripe.com/c/pay/{session_id}#fake"
            if ui_mode == ui_modes[0]
            else None,
        }
        self._store(session, account)
        line_items = [
            {
                "id": self._new_id("li_"),
                "object": "item",
                "amount_discount": 0,
                "amount_subtotal": line["price"]["unit_amount"] * line["quantity"],
                "amount_tax": 0,
                "amount_total": line["price"]["unit_amount"] * line["quantity"],
                "currency": line["price"]["currency"],
                "description": self._objects[line["price"]["product"]]["name"],
                "metadata": {},
                "price": line["price"]["id"],
                "quantity": line["quantity"],
            }
            for line in lines
        ]
        self._private[session_id] = {
            "line_items": line_items,
            "payment_intent_data": payment_intent_data,
            "subscription_data": subscription_data,
        }
        return session

    def _session_line_items_list(self, session_id: str) -> Obj:
        items = []
        for item in self._private[session_id]["line_items"]:
            rendered = copy.deepcopy(item)
            rendered["price"] = copy.deepcopy(self._objects[item["price"]])
            items.append(rendered)
        return {
            "object": "list",
            "data": items,
            "has_more": False,
            "url": f"/v1/checkout/sessions/{session_id}/line_items",
        }

    def _sessions_line_items(self, request: _Request, params: Params, id: str) -> Obj:
        self._lookup("checkout.session", id, request.account)
        full = self._session_line_items_list(id)
        return (
            self._list(request, params, full["data"], full["url"])
            if "limit" in params or "starting_after" in params
            else full
        )

    def _sessions_retrieve(self, request: _Request, params: Params, id: str) -> Obj:
        return self._lookup("checkout.session", id, request.account)

    def _sessions_list(self, request: _Request, params: Params) -> Obj:
        params.check_known(
            {
                "customer",
                "payment_intent",
                "subscription",
                "status",
                "payment_link",
                "customer_details",
                "created",
                "limit",
                "starting_after",
                "ending_before",
            }
        )
        items = self._visible("checkout.session", request.account)
        for key in ("customer", "payment_intent", "subscription", "status"):
            value = params.text(key)
            if value is not None:
                items = [s for s in items if s[key] == value]
        return self._list(request, params, items, "/v1/checkout/sessions")

    def _sessions_expire(self, request: _Request, params: Params, id: str) -> Obj:
        session = self._lookup("checkout.session", id, request.account)
        if session["status"] != "open":
            raise StripeApiError(
                400, 'Only Checkout Sessions with a status in ["open"] can be expired.'
            )
        self._expire_session(session, request=request)
        return session

    def _expire_session(self, session: Obj, *, request: _Request | None = None) -> Obj:
        if session["status"] != "open":
            raise ValueError(f"{session['id']} is {session['status']}, not open")
        before = copy.deepcopy(session)
        session["status"] = "expired"
        session["url"] = None
        return self._emit(
            "checkout.session.expired",
            session,
            self._owners[session["id"]],
            previous=_diff(before, session),
            request=request,
        )

    # -- subscriptions and invoices ----------------------------------------------------------

    def _subscription_item(
        self, subscription_id: str, price: Obj, quantity: int, start: int, end: int
    ) -> Obj:
        recurring = price["recurring"]
        return {
            "id": self._new_id("si_", 14),
            "object": "subscription_item",
            "billing_thresholds": None,
            "created": self._now(),
            "current_period_end": end,
            "current_period_start": start,
            "discounts": [],
            "metadata": {},
            "plan": {
                "id": price["id"],
                "object": "plan",
                "active": price["active"],
                "amount": price["unit_amount"],
                "amount_decimal": price["unit_amount_decimal"],
                "billing_scheme": "per_unit",
                "created": price["created"],
                "currency": price["currency"],
                "interval": recurring["interval"],
                "interval_count": recurring["interval_count"],
                "livemode": False,
                "metadata": price["metadata"],
                "meter": None,
                "nickname": price["nickname"],
                "product": price["product"],
                "tiers_mode": None,
                "transform_usage": None,
                "trial_period_days": None,
                "usage_type": recurring["usage_type"],
            },
            "price": copy.deepcopy(price),
            "quantity": quantity,
            "subscription": subscription_id,
            "tax_rates": [],
        }

    def _create_subscription(
        self,
        account: str | None,
        *,
        customer_id: str,
        lines: list[Obj],
        currency: str,
        metadata: dict[str, str],
        trial_period_days: int | None,
        trial_end: int | None,
        application_fee_percent: float | None,
        description: str | None,
    ) -> tuple[Obj, Obj, list[Obj]]:
        now = self._now()
        subscription_id = self._new_id("sub_")
        recurring_lines = [line for line in lines if self._objects[line["price"]]["recurring"]]
        one_time_lines = [line for line in lines if not self._objects[line["price"]]["recurring"]]
        first_price = self._objects[recurring_lines[0]["price"]]
        if trial_period_days:
            trial_end = now + trial_period_days * 86400
        is_trialing = bool(trial_end)
        period_end = (
            trial_end
            if is_trialing
            else _add_interval(
                now,
                first_price["recurring"]["interval"],
                first_price["recurring"]["interval_count"],
            )
        )
        assert period_end is not None
        items = [
            self._subscription_item(
                subscription_id, self._objects[line["price"]], line["quantity"], now, period_end
            )
            for line in recurring_lines
        ]
        subscription = {
            "id": subscription_id,
            "object": "subscription",
            "application": None,
            "application_fee_percent": application_fee_percent,
            "automatic_tax": {"disabled_reason": None, "enabled": False, "liability": None},
            "billing_cycle_anchor": period_end if is_trialing else now,
            "billing_cycle_anchor_config": None,
            "billing_mode": {"flexible": None, "type": "classic"},
            "billing_thresholds": None,
            "cancel_at": None,
            "cancel_at_period_end": False,
            "canceled_at": None,
            "cancellation_details": {"comment": None, "feedback": None, "reason": None},
            "collection_method": "charge_automatically",
            "created": now,
            "currency": currency,
            "customer": customer_id,
            "days_until_due": None,
            "default_payment_method": self._new_id("pm_"),
            "default_source": None,
            "default_tax_rates": [],
            "description": description,
            "discounts": [],
            "ended_at": None,
            "invoice_settings": {"account_tax_ids": None, "issuer": {"type": "self"}},
            "items": {
                "object": "list",
                "data": items,
                "has_more": False,
                "total_count": len(items),
                "url": f"/v1/subscription_items?subscription={subscription_id}",
            },
            "latest_invoice": None,
            "livemode": False,
            "metadata": metadata,
            "next_pending_invoice_item_invoice": None,
            "on_behalf_of": None,
            "pause_collection": None,
            "payment_settings": {
                "payment_method_options": None,
                "payment_method_types": None,
                "save_default_payment_method": "off",
            },
            "pending_invoice_item_interval": None,
            "pending_setup_intent": None,
            "pending_update": None,
            "schedule": None,
            "start_date": now,
            "status": "trialing" if is_trialing else "active",
            "test_clock": None,
            "transfer_data": None,
            "trial_end": trial_end,
            "trial_settings": {"end_behavior": {"missing_payment_method": "create_invoice"}},
            "trial_start": now if is_trialing else None,
        }
        self._store(subscription, account)
        extra = [{"price": line["price"], "quantity": line["quantity"]} for line in one_time_lines]
        invoice = self._create_invoice(
            account,
            subscription,
            billing_reason="subscription_create",
            extra_lines=extra,
            trialing=is_trialing,
        )
        subscription["latest_invoice"] = invoice["id"]
        events = [self._emit("invoice.created", invoice, account)]
        events.extend(self._mark_invoice_paid(invoice, account))
        return subscription, invoice, events

    def _advance_period(self, subscription: Obj) -> int:
        """Move every item into its next billing period; returns when the old period started."""
        previous_start = subscription["items"]["data"][0]["current_period_start"]
        for item in subscription["items"]["data"]:
            recurring = item["price"]["recurring"]
            start = item["current_period_end"]
            item["current_period_start"] = start
            item["current_period_end"] = _add_interval(
                start, recurring["interval"], recurring["interval_count"]
            )
        if subscription["status"] == "trialing":
            subscription["status"] = "active"
        return previous_start

    def _create_invoice(
        self,
        account: str | None,
        subscription: Obj,
        *,
        billing_reason: str,
        period_start: int | None = None,
        extra_lines: list[Obj] | None = None,
        trialing: bool = False,
    ) -> Obj:
        """An open (finalized, unpaid) invoice for the subscription's current items.

        Like Stripe's, a renewal invoice covers the period that just ended (`period_start` ..
        the new period's start); the first invoice's period is the instant of creation."""
        now = self._now()
        invoice_id = self._new_id("in_")
        customer = self._objects[subscription["customer"]]
        lines = []
        for item in subscription["items"]["data"]:
            price = item["price"]
            amount = 0 if trialing else price["unit_amount"] * item["quantity"]
            product_name = self._objects[price["product"]]["name"]
            trial_note = "Trial period for " if trialing else ""
            lines.append(
                self._invoice_line(
                    invoice_id,
                    subscription,
                    price,
                    item["quantity"],
                    amount,
                    item,
                    description=f"{trial_note}{item['quantity']} \u00d7 {product_name}",
                )
            )
        for extra in extra_lines or []:
            price = self._objects[extra["price"]]
            product_name = self._objects[price["product"]]["name"]
            lines.append(
                self._invoice_line(
                    invoice_id,
                    subscription,
                    price,
                    extra["quantity"],
                    price["unit_amount"] * extra["quantity"],
                    None,
                    description=f"{extra['quantity']} \u00d7 {product_name}",
                )
            )
        total = sum(line["amount"] for line in lines)
        first_item = subscription["items"]["data"][0]
        sequence = customer["next_invoice_sequence"]
        customer["next_invoice_sequence"] = sequence + 1
        invoice = {
            "id": invoice_id,
            "object": "invoice",
            "account_country": "US",
            "account_name": "Fake Stripe Platform",
            "account_tax_ids": None,
            "amount_due": total,
            "amount_overpaid": 0,
            "amount_paid": 0,
            "amount_remaining": total,
            "amount_shipping": 0,
            "application": None,
            "attempt_count": 0,
            "attempted": False,
            "auto_advance": True,
            "automatic_tax": {
                "disabled_reason": None,
                "enabled": False,
                "liability": None,
                "provider": None,
                "status": None,
            },
            "automatically_finalizes_at": None,
            "billing_reason": billing_reason,
            "collection_method": "charge_automatically",
            "created": now,
            "currency": subscription["currency"],
            "custom_fields": None,
            "customer": customer["id"],
            "customer_address": customer["address"],
            "customer_email": customer["email"],
            "customer_name": customer["name"],
            "customer_phone": customer["phone"],
            "customer_shipping": customer["shipping"],
            "customer_tax_exempt": customer["tax_exempt"],
            "customer_tax_ids": [],
            "default_payment_method": None,
            "default_source": None,
            "default_tax_rates": [],
            "description": None,
            "discounts": [],
            "due_date": None,
            "effective_at": now,
            "ending_balance": 0,
            "footer": None,
            "from_invoice": None,
            "hosted_invoice_url": f"https://invoice.stripe.com/i/fake/{invoice_id}",
            "invoice_pdf": f"https://pay.stripe.com/invoice/fake/{invoice_id}/pdf",
            "issuer": {"type": "self"},
            "last_finalization_error": None,
            "latest_revision": None,
            "lines": {
                "object": "list",
                "data": lines,
                "has_more": False,
                "total_count": len(lines),
                "url": f"/v1/invoices/{invoice_id}/lines",
            },
            "livemode": False,
            "metadata": {},
            "next_payment_attempt": None,
            "number": f"{customer['invoice_prefix']}-{sequence:04d}",
            "on_behalf_of": None,
            "parent": {
                "quote_details": None,
                "subscription_details": {
                    "metadata": copy.deepcopy(subscription["metadata"]),
                    "subscription": subscription["id"],
                },
                "type": "subscription_details",
            },
            "payment_settings": {
                "default_mandate": None,
                "payment_method_options": None,
                "payment_method_types": None,
            },
            "period_end": first_item["current_period_start"],
            "period_start": first_item["current_period_start"]
            if period_start is None
            else period_start,
            "post_payment_credit_notes_amount": 0,
            "pre_payment_credit_notes_amount": 0,
            "receipt_number": None,
            "rendering": None,
            "shipping_cost": None,
            "shipping_details": None,
            "starting_balance": 0,
            "statement_descriptor": None,
            "status": "open",
            "status_transitions": {
                "finalized_at": now,
                "marked_uncollectible_at": None,
                "paid_at": None,
                "voided_at": None,
            },
            "subtotal": total,
            "subtotal_excluding_tax": total,
            "test_clock": None,
            "total": total,
            "total_discount_amounts": [],
            "total_excluding_tax": total,
            "total_pretax_credit_amounts": [],
            "total_taxes": [],
            "webhooks_delivered_at": None,
        }
        self._store(invoice, account)
        intent_id = None
        if total > 0:
            intent = self._create_payment_intent(
                account,
                amount=total,
                currency=invoice["currency"],
                customer=customer["id"],
                metadata={},
                description="Subscription creation"
                if billing_reason == "subscription_create"
                else "Subscription update",
                application_fee_amount=None,
                transfer_data=None,
                succeeded=False,
            )
            intent_id = intent["id"]
        self._private[invoice_id] = {
            "payment_intent": intent_id,
            "payment_id": self._new_id("inpay_"),
        }
        return invoice

    def _invoice_line(
        self,
        invoice_id: str,
        subscription: Obj,
        price: Obj,
        quantity: int,
        amount: int,
        item: Obj | None,
        *,
        description: str,
    ) -> Obj:
        start = item["current_period_start"] if item else self._now()
        end = item["current_period_end"] if item else self._now()
        return {
            "id": self._new_id("il_"),
            "object": "line_item",
            "amount": amount,
            "currency": price["currency"],
            "description": description,
            "discount_amounts": [],
            "discountable": True,
            "discounts": [],
            "invoice": invoice_id,
            "livemode": False,
            "metadata": {},
            "parent": {
                "invoice_item_details": None,
                "subscription_item_details": {
                    "invoice_item": None,
                    "proration": False,
                    "proration_details": {"credited_items": None},
                    "subscription": subscription["id"],
                    "subscription_item": item["id"] if item else None,
                },
                "type": "subscription_item_details",
            },
            "period": {"end": end, "start": start},
            "pretax_credit_amounts": [],
            "pricing": {
                "price_details": {"price": price["id"], "product": price["product"]},
                "type": "price_details",
                "unit_amount_decimal": price["unit_amount_decimal"],
            },
            "quantity": quantity,
            "subscription": subscription["id"],
            "subtotal": amount,
            "taxes": [],
        }

    def _mark_invoice_paid(self, invoice: Obj, account: str | None) -> list[Obj]:
        now = self._now()
        invoice["status"] = "paid"
        invoice["attempted"] = True
        invoice["attempt_count"] = (
            max(invoice["attempt_count"], 1) if invoice["amount_due"] else invoice["attempt_count"]
        )
        invoice["amount_paid"] = invoice["amount_due"]
        invoice["amount_remaining"] = 0
        invoice["next_payment_attempt"] = None
        invoice["status_transitions"]["paid_at"] = now
        intent_id = self._private[invoice["id"]]["payment_intent"]
        events = []
        if intent_id:
            intent = self._objects[intent_id]
            self._succeed_payment_intent(intent, account)
            events.append(self._emit("payment_intent.succeeded", intent, account))
        events.append(self._emit("invoice.paid", invoice, account))
        events.append(self._emit("invoice.payment_succeeded", invoice, account))
        return events

    def _invoice_payments_for(self, invoice_id: str) -> Obj:
        invoice = self._objects[invoice_id]
        private = self._private[invoice_id]
        data = []
        if private["payment_intent"]:
            paid = invoice["status"] == "paid"
            data.append(
                {
                    "id": private["payment_id"],
                    "object": "invoice_payment",
                    "amount_paid": invoice["amount_paid"] if paid else None,
                    "amount_requested": invoice["amount_due"],
                    "created": invoice["created"],
                    "currency": invoice["currency"],
                    "invoice": invoice_id,
                    "is_default": True,
                    "livemode": False,
                    "payment": {
                        "payment_intent": private["payment_intent"],
                        "type": "payment_intent",
                    },
                    "status": "paid" if paid else "open",
                    "status_transitions": {
                        "canceled_at": None,
                        "paid_at": invoice["status_transitions"]["paid_at"],
                    },
                }
            )
        return {
            "object": "list",
            "data": data,
            "has_more": False,
            "url": f"/v1/invoice_payments?invoice={invoice_id}",
        }

    def _subscriptions_retrieve(self, request: _Request, params: Params, id: str) -> Obj:
        return self._lookup("subscription", id, request.account)

    def _subscriptions_list(self, request: _Request, params: Params) -> Obj:
        params.check_known(
            {
                "customer",
                "price",
                "status",
                "collection_method",
                "created",
                "current_period_end",
                "current_period_start",
                "limit",
                "starting_after",
                "ending_before",
                "test_clock",
            }
        )
        items = self._visible("subscription", request.account)
        customer = params.text("customer")
        if customer is not None:
            items = [s for s in items if s["customer"] == customer]
        price = params.text("price")
        if price is not None:
            items = [s for s in items if any(i["price"]["id"] == price for i in s["items"]["data"])]
        status = params.enum(
            "status",
            (
                "active",
                "all",
                "canceled",
                "ended",
                "incomplete",
                "incomplete_expired",
                "past_due",
                "paused",
                "trialing",
                "unpaid",
            ),
        )
        if status is None:
            items = [s for s in items if s["status"] not in ("canceled", "incomplete_expired")]
        elif status == "ended":
            items = [s for s in items if s["status"] in ("canceled", "incomplete_expired")]
        elif status != "all":
            items = [s for s in items if s["status"] == status]
        return self._list(request, params, items, "/v1/subscriptions")

    def _subscriptions_update(self, request: _Request, params: Params, id: str) -> Obj:
        params.check_known(
            {
                "cancel_at_period_end",
                "cancel_at",
                "metadata",
                "items",
                "proration_behavior",
                "proration_date",
                "trial_end",
                "description",
                "default_payment_method",
                "cancellation_details",
                "payment_behavior",
                "pause_collection",
                "application_fee_percent",
            }
        )
        subscription = self._lookup("subscription", id, request.account)
        if subscription["status"] == "canceled":
            raise _invalid(
                "id",
                "A canceled subscription can only update its cancellation_details and metadata.",
            )
        before = copy.deepcopy(subscription)
        now = self._now()
        period_end = subscription["items"]["data"][0]["current_period_end"]
        if "cancel_at_period_end" in params:
            cancel = params.flag("cancel_at_period_end")
            subscription["cancel_at_period_end"] = bool(cancel)
            subscription["cancel_at"] = period_end if cancel else None
            subscription["canceled_at"] = now if cancel else None
            subscription["cancellation_details"]["reason"] = (
                "cancellation_requested" if cancel else None
            )
        if "cancel_at" in params:
            cancel_at = params.integer("cancel_at")
            subscription["cancel_at"] = cancel_at
            subscription["cancel_at_period_end"] = cancel_at == period_end
            subscription["canceled_at"] = now if cancel_at else None
        details = params.sub("cancellation_details")
        if details is not None:
            subscription["cancellation_details"]["comment"] = details.text("comment")
            subscription["cancellation_details"]["feedback"] = details.text("feedback")
        if "description" in params:
            subscription["description"] = params.text("description")
        if "default_payment_method" in params:
            subscription["default_payment_method"] = params.text("default_payment_method")
        if "application_fee_percent" in params:
            value = params.text("application_fee_percent")
            subscription["application_fee_percent"] = float(value) if value else None
        if "pause_collection" in params:
            pause = params.sub("pause_collection")
            subscription["pause_collection"] = (
                None
                if pause is None
                else {
                    "behavior": pause.enum(
                        "behavior", ("keep_as_draft", "mark_uncollectible", "void"), required=True
                    ),
                    "resumes_at": pause.integer("resumes_at"),
                }
            )
        if "trial_end" in params:
            trial_end = params.text("trial_end")
            if trial_end == "now":
                subscription["trial_end"] = now
                if subscription["status"] == "trialing":
                    subscription["status"] = "active"
                    for item in subscription["items"]["data"]:
                        item["current_period_start"] = now
                        recurring = item["price"]["recurring"]
                        item["current_period_end"] = _add_interval(
                            now, recurring["interval"], recurring["interval_count"]
                        )
            else:
                new_end = params.integer("trial_end")
                assert new_end is not None
                if new_end <= now:
                    raise _invalid(
                        "trial_end",
                        "Invalid timestamp: must be an integer Unix timestamp in the future.",
                    )
                subscription["trial_end"] = new_end
                subscription["status"] = "trialing"
                for item in subscription["items"]["data"]:
                    item["current_period_end"] = new_end
        for item_params in params.items("items"):
            item_params.check_known(
                {
                    "id",
                    "price",
                    "price_data",
                    "quantity",
                    "deleted",
                    "metadata",
                }
            )
            self._update_subscription_item(subscription, item_params, request.account)
        subscription["items"]["total_count"] = len(subscription["items"]["data"])
        subscription["metadata"] = _merge_metadata(subscription["metadata"], params.metadata())
        if subscription != before:
            self._emit(
                "customer.subscription.updated",
                subscription,
                request.account,
                previous=_diff(before, subscription),
                request=request,
            )
        return subscription

    def _update_subscription_item(
        self, subscription: Obj, item_params: Params, account: str | None
    ) -> None:
        items = subscription["items"]["data"]
        item_id = item_params.text("id")
        item = None
        if item_id is not None:
            matches = [i for i in items if i["id"] == item_id]
            if not matches:
                raise _no_such(
                    "subscription_item", item_id, param=item_params.name("id"), status=400
                )
            item = matches[0]
        if item_params.flag("deleted"):
            if item is None:
                raise _missing(item_params.name("id"))
            items.remove(item)
            if not items:
                raise _invalid(
                    item_params.name("deleted"),
                    "A subscription must have at least one active plan.",
                )
            return
        price_id = item_params.text("price")
        price = (
            self._lookup("price", price_id, account, param=item_params.name("price"), status=400)
            if price_id
            else None
        )
        if price is not None and price["recurring"] is None:
            raise _invalid(
                item_params.name("price"),
                "The price specified is set to `type=one_time` but this field only accepts "
                "prices with `type=recurring`.",
            )
        if price is not None and price["currency"] != subscription["currency"]:
            raise _invalid(
                item_params.name("price"),
                "The price specified does not have the same currency as the subscription.",
            )
        quantity = item_params.integer("quantity")
        if item is None:
            if price is None:
                raise _missing(item_params.name("price"))
            first = items[0]
            items.append(
                self._subscription_item(
                    subscription["id"],
                    price,
                    quantity or 1,
                    first["current_period_start"],
                    first["current_period_end"],
                )
            )
            return
        if price is not None:
            replacement = self._subscription_item(
                subscription["id"],
                price,
                item["quantity"],
                item["current_period_start"],
                item["current_period_end"],
            )
            item["price"], item["plan"] = replacement["price"], replacement["plan"]
        if quantity is not None:
            item["quantity"] = quantity
        item["metadata"] = _merge_metadata(item["metadata"], item_params.metadata())

    def _subscriptions_cancel(self, request: _Request, params: Params, id: str) -> Obj:
        params.check_known({"invoice_now", "prorate", "cancellation_details"})
        subscription = self._lookup("subscription", id, request.account)
        if subscription["status"] == "canceled":
            raise _invalid("id", f"This subscription has already been canceled: {id}")
        details = params.sub("cancellation_details")
        if details is not None:
            subscription["cancellation_details"]["comment"] = details.text("comment")
            subscription["cancellation_details"]["feedback"] = details.text("feedback")
        self._cancel_subscription(subscription, reason="cancellation_requested", request=request)
        return subscription

    def _cancel_subscription(
        self, subscription: Obj, *, reason: str, request: _Request | None = None
    ) -> Obj:
        now = self._now()
        subscription["status"] = "canceled"
        subscription["canceled_at"] = subscription["canceled_at"] or now
        subscription["ended_at"] = now
        subscription["cancellation_details"]["reason"] = (
            subscription["cancellation_details"]["reason"] or reason
        )
        return self._emit(
            "customer.subscription.deleted",
            subscription,
            self._owners[subscription["id"]],
            request=request,
        )

    def _invoices_list(self, request: _Request, params: Params) -> Obj:
        params.check_known(
            {
                "customer",
                "subscription",
                "status",
                "collection_method",
                "created",
                "due_date",
                "limit",
                "starting_after",
                "ending_before",
            }
        )
        items = self._visible("invoice", request.account)
        customer = params.text("customer")
        if customer is not None:
            items = [i for i in items if i["customer"] == customer]
        subscription = params.text("subscription")
        if subscription is not None:
            items = [
                i
                for i in items
                if (i["parent"] or {}).get("subscription_details", {}).get("subscription")
                == subscription
            ]
        status = params.enum("status", ("draft", "open", "paid", "uncollectible", "void"))
        if status is not None:
            items = [i for i in items if i["status"] == status]
        return self._list(request, params, items, "/v1/invoices")

    def _invoices_retrieve(self, request: _Request, params: Params, id: str) -> Obj:
        return self._lookup("invoice", id, request.account)

    def _invoices_lines(self, request: _Request, params: Params, id: str) -> Obj:
        invoice = self._lookup("invoice", id, request.account)
        return self._list(request, params, invoice["lines"]["data"], invoice["lines"]["url"])

    def _invoice_payments_list(self, request: _Request, params: Params) -> Obj:
        params.check_known(
            {"invoice", "payment", "status", "limit", "starting_after", "ending_before", "created"}
        )
        invoice_id = params.text("invoice")
        invoices = (
            [self._lookup("invoice", invoice_id, request.account, param="invoice", status=400)]
            if invoice_id
            else self._visible("invoice", request.account)
        )
        payments = [
            p for invoice in invoices for p in self._invoice_payments_for(invoice["id"])["data"]
        ]
        return self._list(request, params, payments, "/v1/invoice_payments")

    # -- portal --------------------------------------------------------------------------------

    def _portal_sessions_create(self, request: _Request, params: Params) -> Obj:
        params.check_known(
            {
                "customer",
                "return_url",
                "configuration",
                "flow_data",
                "locale",
                "on_behalf_of",
                "customer_account",
            }
        )
        customer_id = params.text("customer", required=True)
        assert customer_id is not None
        self._lookup("customer", customer_id, request.account, param="customer", status=400)
        session = {
            "id": self._new_id("bps_"),
            "object": "billing_portal.session",
            "configuration": params.text("configuration") or "bpc_fakedefaultconfiguration",
            "created": self._now(),
            "customer": customer_id,
            "customer_account": None,
            "flow": params.data.get("flow_data") or None,
            "livemode": False,
            "locale": params.text("locale"),
            "on_behalf_of": params.text("on_behalf_of"),
            "return_url": params.text("return_url"),
            "url": f"https://billing.stripe.com/p/session/test_{self._new_id('', 40)}",
        }
        return self._store(session, request.account)

    # -- payment intents, charges and refunds ------------------------------------------------

    def _create_payment_intent(
        self,
        account: str | None,
        *,
        amount: int,
        currency: str,
        customer: str | None,
        metadata: dict[str, str],
        description: str | None,
        application_fee_amount: int | None,
        transfer_data: Obj | None,
        succeeded: bool,
    ) -> Obj:
        intent_id = self._new_id("pi_")
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_capturable": 0,
            "amount_details": {"tip": {}},
            "amount_received": 0,
            "application": None,
            "application_fee_amount": application_fee_amount,
            "automatic_payment_methods": None,
            "canceled_at": None,
            "cancellation_reason": None,
            "capture_method": "automatic_async",
            "client_secret": f"{intent_id}_secret_{self._new_id('', 24)}",
            "confirmation_method": "automatic",
            "created": self._now(),
            "currency": currency,
            "customer": customer,
            "description": description,
            "last_payment_error": None,
            "latest_charge": None,
            "livemode": False,
            "metadata": metadata,
            "next_action": None,
            "on_behalf_of": None,
            "payment_method": self._new_id("pm_"),
            "payment_method_configuration_details": None,
            "payment_method_options": {},
            "payment_method_types": ["card"],
            "processing": None,
            "receipt_email": None,
            "review": None,
            "setup_future_usage": None,
            "shipping": None,
            "source": None,
            "statement_descriptor": None,
            "statement_descriptor_suffix": None,
            "status": "requires_payment_method",
            "transfer_data": transfer_data,
            "transfer_group": None,
        }
        self._store(intent, account)
        if succeeded:
            self._succeed_payment_intent(intent, account)
        return intent

    def _succeed_payment_intent(self, intent: Obj, account: str | None) -> Obj:
        charge_id = self._new_id("ch_")
        fee = intent["application_fee_amount"]
        charge = {
            "id": charge_id,
            "object": "charge",
            "amount": intent["amount"],
            "amount_captured": intent["amount"],
            "amount_refunded": 0,
            "application": None,
            "application_fee": self._new_id("fee_") if fee else None,
            "application_fee_amount": fee,
            "balance_transaction": self._new_id("txn_"),
            "billing_details": {"address": None, "email": None, "name": None, "phone": None},
            "calculated_statement_descriptor": "FAKE STRIPE",
            "captured": True,
            "created": self._now(),
            "currency": intent["currency"],
            "customer": intent["customer"],
            "description": intent["description"],
            "disputed": False,
            "failure_code": None,
            "failure_message": None,
            "fraud_details": {},
            "livemode": False,
            "metadata": copy.deepcopy(intent["metadata"]),
            "on_behalf_of": None,
            "outcome": {
                "network_status": "approved_by_network",
                "reason": None,
                "risk_level": "normal",
                "seller_message": "Payment complete.",
                "type": "authorized",
            },
            "paid": True,
            "payment_intent": intent["id"],
            "payment_method": intent["payment_method"],
            "receipt_email": None,
            "receipt_url": f"https://pay.stripe.com/receipts/fake/{charge_id}",
            "refunded": False,
            "status": "succeeded",
            "transfer_data": copy.deepcopy(intent["transfer_data"]),
            "transfer_group": None,
        }
        self._store(charge, account)
        intent["status"] = "succeeded"
        intent["amount_received"] = intent["amount"]
        intent["latest_charge"] = charge_id
        intent["last_payment_error"] = None
        return charge

    def _payment_intents_retrieve(self, request: _Request, params: Params, id: str) -> Obj:
        return self._lookup("payment_intent", id, request.account)

    def _payment_intents_list(self, request: _Request, params: Params) -> Obj:
        params.check_known({"customer", "created", "limit", "starting_after", "ending_before"})
        items = self._visible("payment_intent", request.account)
        customer = params.text("customer")
        if customer is not None:
            items = [i for i in items if i["customer"] == customer]
        return self._list(request, params, items, "/v1/payment_intents")

    def _charges_retrieve(self, request: _Request, params: Params, id: str) -> Obj:
        return self._lookup("charge", id, request.account)

    def _refunds_create(self, request: _Request, params: Params) -> Obj:
        params.check_known(
            {
                "payment_intent",
                "charge",
                "amount",
                "reason",
                "metadata",
                "refund_application_fee",
                "reverse_transfer",
                "instructions_email",
            }
        )
        account = request.account
        intent_id = params.text("payment_intent")
        charge_id = params.text("charge")
        if intent_id is None and charge_id is None:
            raise _missing("payment_intent")
        if intent_id is not None and charge_id is not None:
            raise _invalid(
                "charge", "You may only specify one of these parameters: charge, payment_intent."
            )
        if intent_id is not None:
            intent = self._lookup(
                "payment_intent", intent_id, account, param="payment_intent", status=400
            )
            if intent["status"] != "succeeded" or intent["latest_charge"] is None:
                raise _invalid(
                    "payment_intent",
                    f"This PaymentIntent ({intent_id}) does not have a successful charge to "
                    "refund.",
                )
            charge = self._objects[intent["latest_charge"]]
        else:
            assert charge_id is not None
            charge = self._lookup("charge", charge_id, account, param="charge", status=400)
        remaining = charge["amount"] - charge["amount_refunded"]
        if remaining <= 0:
            raise StripeApiError(
                400,
                f"Charge {charge['id']} has already been refunded.",
                code="charge_already_refunded",
            )
        amount = params.integer("amount", remaining)
        assert amount is not None
        if amount <= 0:
            raise _invalid("amount", "Refund amount must be greater than zero.")
        if amount > remaining:
            raise StripeApiError(
                400,
                f"Refund amount ({_money(amount, charge['currency'])}) is greater than unrefunded "
                f"amount on charge ({_money(remaining, charge['currency'])})",
                param="amount",
            )
        reason = params.enum("reason", ("duplicate", "fraudulent", "requested_by_customer"))
        refund = {
            "id": self._new_id("re_"),
            "object": "refund",
            "amount": amount,
            "balance_transaction": self._new_id("txn_"),
            "charge": charge["id"],
            "created": self._now(),
            "currency": charge["currency"],
            "destination_details": {
                "card": {
                    "reference_status": "pending",
                    "reference_type": "acquirer_reference_number",
                    "type": "refund",
                },
                "type": "card",
            },
            "metadata": _merge_metadata({}, params.metadata()),
            "payment_intent": charge["payment_intent"],
            "reason": reason,
            "receipt_number": None,
            "source_transfer_reversal": None,
            "status": "succeeded",
            "transfer_reversal": self._new_id("trr_")
            if params.flag("reverse_transfer") and charge["transfer_data"]
            else None,
        }
        self._store(refund, account)
        before = copy.deepcopy(charge)
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        self._emit("refund.created", refund, account, request=request)
        self._emit(
            "charge.refunded", charge, account, previous=_diff(before, charge), request=request
        )
        return refund

    def _refunds_list(self, request: _Request, params: Params) -> Obj:
        params.check_known(
            {"payment_intent", "charge", "created", "limit", "starting_after", "ending_before"}
        )
        items = self._visible("refund", request.account)
        for key in ("payment_intent", "charge"):
            value = params.text(key)
            if value is not None:
                items = [r for r in items if r[key] == value]
        return self._list(request, params, items, "/v1/refunds")

    def _refunds_retrieve(self, request: _Request, params: Params, id: str) -> Obj:
        return self._lookup("refund", id, request.account)

    # -- Connect accounts ----------------------------------------------------------------------

    def _requirements(self, account: Obj) -> Obj:
        due = (
            []
            if account["details_submitted"]
            else [
                "business_profile.url",
                "external_account",
                "tos_acceptance.date",
                "tos_acceptance.ip",
            ]
        )
        disabled = (
            None
            if account["charges_enabled"]
            else ("requirements.past_due" if due else "requirements.pending_verification")
        )
        return {
            "alternatives": [],
            "current_deadline": None,
            "currently_due": due,
            "disabled_reason": disabled,
            "errors": [],
            "eventually_due": due,
            "past_due": due,
            "pending_verification": []
            if account["charges_enabled"] or not account["details_submitted"]
            else ["individual.verification.document"],
        }

    def _accounts_create(self, request: _Request, params: Params) -> Obj:
        params.check_known(
            {
                "type",
                "controller",
                "country",
                "email",
                "capabilities",
                "business_type",
                "business_profile",
                "metadata",
                "settings",
                "tos_acceptance",
                "default_currency",
                "company",
                "individual",
                "external_account",
            }
        )
        if request.account is not None:
            raise StripeApiError(
                400,
                "You cannot create connected accounts on behalf of a connected account (remove "
                "the Stripe-Account header).",
            )
        account_type = params.enum("type", ("custom", "express", "standard"))
        controller_params = params.sub("controller")
        if account_type is None and controller_params is None:
            raise _missing("type")
        if account_type is not None and controller_params is not None:
            raise _invalid("controller", "You cannot specify both `type` and `controller`.")
        if controller_params is not None:
            dashboard = (controller_params.sub("stripe_dashboard") or Params({})).enum(
                "type", ("express", "full", "none"), "full"
            )
            account_type = {"express": "express", "full": "standard", "none": "custom"}[
                dashboard or "full"
            ]
        assert account_type is not None
        dashboard_type = {"express": "express", "standard": "full", "custom": "none"}[account_type]
        capabilities_params = params.sub("capabilities")
        capabilities = {}
        if capabilities_params is not None:
            for name in capabilities_params.data:
                capability = capabilities_params.sub(name)
                if capability is not None and capability.flag("requested"):
                    capabilities[name] = "inactive"
        elif account_type == "standard":
            capabilities = {"card_payments": "inactive", "transfers": "inactive"}
        if account_type in ("express", "custom") and not capabilities:
            raise _invalid(
                "capabilities",
                "You must request at least one capability (e.g. "
                "`capabilities[transfers][requested]=true`) for this type of account.",
            )
        account_id = self._new_id("acct_", 16)
        account = {
            "id": account_id,
            "object": "account",
            "business_profile": {
                "mcc": None,
                "name": None,
                "product_description": None,
                "support_address": None,
                "support_email": None,
                "support_phone": None,
                "support_url": None,
                "url": None,
                **(params.data.get("business_profile") or {}),
            },
            "business_type": params.text("business_type"),
            "capabilities": capabilities,
            "charges_enabled": False,
            "controller": {
                "fees": {"payer": "account" if account_type == "standard" else "application"},
                "is_controller": True,
                "losses": {"payments": "stripe" if account_type == "standard" else "application"},
                "requirement_collection": "application" if account_type == "custom" else "stripe",
                "stripe_dashboard": {"type": dashboard_type},
                "type": "application",
            },
            "country": params.text("country", "US"),
            "created": self._now(),
            "default_currency": params.text("default_currency", "usd"),
            "details_submitted": False,
            "email": params.text("email"),
            "external_accounts": {
                "object": "list",
                "data": [],
                "has_more": False,
                "total_count": 0,
                "url": f"/v1/accounts/{account_id}/external_accounts",
            },
            "future_requirements": {
                "alternatives": [],
                "current_deadline": None,
                "currently_due": [],
                "disabled_reason": None,
                "errors": [],
                "eventually_due": [],
                "past_due": [],
                "pending_verification": [],
            },
            "metadata": _merge_metadata({}, params.metadata()),
            "payouts_enabled": False,
            "requirements": {},
            "settings": {
                "dashboard": {"display_name": None, "timezone": "Etc/UTC"},
                "payouts": {
                    "debit_negative_balances": True,
                    "schedule": {"delay_days": 2, "interval": "daily"},
                    "statement_descriptor": None,
                },
            },
            "tos_acceptance": {"date": None, "ip": None, "user_agent": None},
            "type": account_type,
        }
        account["requirements"] = self._requirements(account)
        return self._store(account, None)

    def _accounts_retrieve(self, request: _Request, params: Params, id: str) -> Obj:
        if request.account is not None and request.account != id:
            raise _no_such("account", id)
        if id in self._deleted:
            return self._deleted[id]
        return self._lookup("account", id, None)

    def _account_self(self, request: _Request, params: Params) -> Obj:
        if request.account is not None:
            return self._lookup("account", request.account, None)
        return {
            "id": PLATFORM_ACCOUNT_ID,
            "object": "account",
            "business_profile": {"name": "Fake Stripe Platform", "url": None},
            "charges_enabled": True,
            "country": "US",
            "default_currency": "usd",
            "details_submitted": True,
            "email": "platform@example.com",
            "metadata": {},
            "payouts_enabled": True,
            "settings": {
                "dashboard": {"display_name": "Fake Stripe Platform", "timezone": "Etc/UTC"}
            },
            "type": "standard",
        }

    def _accounts_update(self, request: _Request, params: Params, id: str) -> Obj:
        params.check_known(
            {
                "email",
                "business_profile",
                "business_type",
                "capabilities",
                "metadata",
                "settings",
                "tos_acceptance",
                "default_currency",
                "company",
                "individual",
                "external_account",
            }
        )
        if request.account is not None and request.account != id:
            raise _no_such("account", id)
        account = self._lookup("account", id, None)
        before = copy.deepcopy(account)
        if "email" in params:
            account["email"] = params.text("email")
        if "business_type" in params:
            account["business_type"] = params.text("business_type")
        if "default_currency" in params:
            account["default_currency"] = params.text("default_currency")
        if isinstance(params.data.get("business_profile"), dict):
            account["business_profile"].update(params.data["business_profile"])
        if isinstance(params.data.get("settings"), dict):
            for section, values in params.data["settings"].items():
                if isinstance(values, dict):
                    account["settings"].setdefault(section, {}).update(values)
        capabilities = params.sub("capabilities")
        if capabilities is not None:
            for name in capabilities.data:
                capability = capabilities.sub(name)
                if capability is not None and capability.flag("requested"):
                    account["capabilities"].setdefault(
                        name, "active" if account["charges_enabled"] else "inactive"
                    )
        account["metadata"] = _merge_metadata(account["metadata"], params.metadata())
        if account != before:
            self._emit(
                "account.updated", account, id, previous=_diff(before, account), request=request
            )
        return account

    def _accounts_delete(self, request: _Request, params: Params, id: str) -> Obj:
        if request.account is not None:
            raise _no_such("account", id)
        self._lookup("account", id, None)
        if id in self._deleted:
            raise _no_such("account", id)
        self._deleted[id] = {"id": id, "object": "account", "deleted": True}
        return self._deleted[id]

    def _accounts_list(self, request: _Request, params: Params) -> Obj:
        params.check_known({"created", "limit", "starting_after", "ending_before"})
        if request.account is not None:
            return {"object": "list", "data": [], "has_more": False, "url": "/v1/accounts"}
        return self._list(request, params, self._visible("account", None), "/v1/accounts")

    def _login_links_create(self, request: _Request, params: Params, id: str) -> Obj:
        params.check_known({"redirect_url"})
        account = self._lookup("account", id, None)
        if account["type"] != "express":
            raise _invalid("account", "Login links can only be created for Express accounts.")
        if not account["details_submitted"]:
            raise _invalid(
                "account",
                "Cannot create a login link for an account that has not completed onboarding.",
            )
        return {
            "object": "login_link",
            "created": self._now(),
            "url": f"https://connect.stripe.com/express/{self._new_id('', 12)}",
        }

    def _account_links_create(self, request: _Request, params: Params) -> Obj:
        params.check_known(
            {"account", "type", "refresh_url", "return_url", "collect", "collection_options"}
        )
        account_id = params.text("account", required=True)
        link_type = params.enum("type", ("account_onboarding", "account_update"), required=True)
        assert account_id is not None
        if request.account is not None and request.account != account_id:
            raise _no_such("account", account_id, param="account", status=400)
        account = self._lookup("account", account_id, None, param="account", status=400)
        if link_type == "account_update" and account["type"] != "custom":
            raise _invalid(
                "type",
                "You cannot create `account_update` type Account Links for accounts that use a "
                "Stripe-hosted dashboard.",
            )
        now = self._now()
        flow = "e" if account["type"] == "express" else "s"
        return {
            "object": "account_link",
            "created": now,
            "expires_at": now + 300,
            "url": f"https://connect.stripe.com/setup/{flow}/{account_id}/{self._new_id('', 12)}",
        }

    # -- events --------------------------------------------------------------------------------

    def _events_retrieve(self, request: _Request, params: Params, id: str) -> Obj:
        return self._lookup("event", id, request.account)

    def _events_list(self, request: _Request, params: Params) -> Obj:
        params.check_known(
            {
                "type",
                "types",
                "created",
                "delivery_success",
                "limit",
                "starting_after",
                "ending_before",
            }
        )
        items = self._visible("event", request.account)
        wanted = params.strings("types") or ([params.text("type")] if params.text("type") else [])
        if wanted:
            patterns = [re.compile("^" + re.escape(t).replace(r"\*", ".*") + "$") for t in wanted]
            items = [e for e in items if any(p.match(e["type"]) for p in patterns)]
        return self._list(request, params, items, "/v1/events")


def request_version_is_dahlia_or_later(request: _Request) -> bool:
    """Checkout `ui_mode` values were renamed in 2026-03-25.dahlia; older versions use the old "
    "ones."""
    return (request.version or API_VERSION)[:10] >= "2026-03-25"


def _money(amount: int, currency: str) -> str:
    zero_decimal = {
        "bif",
        "clp",
        "djf",
        "gnf",
        "jpy",
        "kmf",
        "krw",
        "mga",
        "pyg",
        "rwf",
        "ugx",
        "vnd",
        "vuv",
        "xaf",
        "xof",
        "xpf",
    }
    if currency.lower() in zero_decimal:
        return f"{amount} {currency.upper()}"
    return f"{amount / 100:.2f} {currency.upper()}"


class _Handler(BaseHTTPRequestHandler):
    stripe_fake: FakeStripe
    server_version = "FakeStripe/1.0"

    def _respond(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8") if length else ""
        headers = {key.lower(): value for key, value in self.headers.items()}
        status, payload, extra_headers = self.stripe_fake.handle(
            self.command, self.path, headers, body
        )
        encoded = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(encoded)))
        for key, value in extra_headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(encoded)

    do_GET = do_POST = do_DELETE = _respond

    def log_message(self, format: str, *args: Any) -> None:
        pass
