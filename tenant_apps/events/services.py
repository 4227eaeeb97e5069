"""Every change of state in the events app. Services take keyword arguments, run in one
transaction each, raise ValidationError naming the field for bad input and ApplicationError
for refusals; emails and tasks go out on commit.

Seats: an order first takes seats in the counters (`held` for a checkout that must still be
paid, `sold` for free and pay-at-the-door orders) under a row lock on the event, and the CHECK
constraints on Event and TicketType make oversold states impossible even if a path forgot the
lock."""

import dataclasses
import zoneinfo
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.errors import ApplicationError, Conflict
from shared_apps.billing import entitlements, payments
from tenant_apps.console import selectors as console_selectors
from tenant_apps.console.audit import log_action
from tenant_apps.events.models import (
    Event,
    EventSettings,
    EventStatus,
    Order,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    Ticket,
    TicketStatus,
    TicketType,
    WaitlistEntry,
    WaitlistStatus,
)
from tenant_apps.notifications.realtime import publish

MAX_CAPACITY = 100_000
ZERO_DECIMAL_CURRENCIES = {"JPY"}
ORDER_METADATA_KEY = "events_order_id"


# -- settings ------------------------------------------------------------------------------


def get_settings() -> EventSettings:
    return EventSettings.objects.filter(pk=1).first() or EventSettings(pk=1)


@transaction.atomic
def update_settings(*, acting_user, **values) -> EventSettings:
    """Save the site's event settings (admins), with an audit row."""
    current = get_settings()
    before = {field: getattr(current, field) for field in values}
    if not 1 <= int(values.get("hold_minutes", current.hold_minutes)) <= 240:
        raise ValidationError({"hold_minutes": ["Between 1 and 240 minutes."]})
    if not 1 <= int(values.get("waitlist_offer_hours", current.waitlist_offer_hours)) <= 168:
        raise ValidationError({"waitlist_offer_hours": ["Between 1 and 168 hours."]})
    for field, value in values.items():
        setattr(current, field, value)
    current.save()
    log_action(
        acting_user=acting_user, action="events.settings_changed", before=before, after=values
    )
    return current


def site_currency() -> str:
    return console_selectors.site_currency()


def site_timezone() -> str:
    return console_selectors.site_timezone()


def to_minor_units(amount: Decimal, currency: str) -> int:
    exponent = 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2
    return int((amount * (10**exponent)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# -- events --------------------------------------------------------------------------------

EVENT_FIELDS = (
    "title",
    "description",
    "venue_name",
    "address",
    "online_url",
    "starts_at",
    "ends_at",
    "timezone",
    "capacity",
    "status",
)


def _clean_event(values: dict, *, event: Event | None = None) -> dict:
    errors: dict[str, list[str]] = {}
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = ["Give the event a title."]
    elif len(title) > 200:
        errors["title"] = ["At most 200 characters."]
    values["title"] = title
    values["description"] = values.get("description") or ""
    if len(values["description"]) > 20_000:
        errors["description"] = ["At most 20,000 characters."]
    tz = values.get("timezone") or "UTC"
    if tz not in zoneinfo.available_timezones():
        errors["timezone"] = ["Choose a time zone from the list, e.g. Europe/Paris."]
    starts_at, ends_at = values.get("starts_at"), values.get("ends_at")
    if not isinstance(starts_at, datetime):
        errors["starts_at"] = ["Enter the start date and time."]
    if not isinstance(ends_at, datetime):
        errors["ends_at"] = ["Enter the end date and time."]
    elif isinstance(starts_at, datetime) and ends_at <= starts_at:
        errors["ends_at"] = ["The event must end after it starts."]
    online_url = (values.get("online_url") or "").strip()
    if online_url:
        try:
            URLValidator(schemes=["http", "https"])(online_url)
        except ValidationError:
            errors["online_url"] = ["Use an http:// or https:// address."]
    values["online_url"] = online_url
    for field, limit in (("venue_name", 200), ("address", 500)):
        values[field] = (values.get(field) or "").strip()
        if len(values[field]) > limit:
            errors[field] = [f"At most {limit} characters."]
    if not (values["venue_name"] or values["address"] or online_url):
        errors["address"] = ["Give a venue and address, or an online link."]
    capacity = values.get("capacity")
    if not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = [f"Between 1 and {MAX_CAPACITY:,} seats."]
    elif event is not None and capacity < event.sold + event.held:
        errors["capacity"] = [
            f"{event.sold + event.held} seats are already taken; capacity cannot be lower."
        ]
    status = values.get("status") or EventStatus.DRAFT
    if status not in EventStatus.values:
        errors["status"] = ["Choose draft, published or cancelled."]
    if errors:
        raise ValidationError(errors)
    return values


def events_this_month() -> int:
    start = timezone.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return Event.objects.filter(created_at__gte=start).count()


def _save_cover(cover) -> str:
    from core.thumbnails import request_thumbnails
    from core.uploads import validate_image

    try:
        image = validate_image(cover, max_bytes=5 * 1024**2)
    except ValidationError as error:
        raise ValidationError({"cover": error.messages}) from error
    name = default_storage.save(f"events/covers/{image.name}", image)
    request_thumbnails(name)
    return name


@transaction.atomic
def create_event(*, organization, acting_user, cover=None, **values) -> Event:
    """A new event (draft unless status says otherwise), counted against the plan's
    events_per_month. Ticket types are added afterwards."""
    entitlements.ensure_can_add(organization, "events_per_month", current=events_this_month())
    values = _clean_event({field: values.get(field) for field in EVENT_FIELDS})
    if values["status"] == EventStatus.CANCELLED:
        raise ValidationError({"status": ["A new event cannot start cancelled."]})
    event = Event(**values, currency=site_currency(), created_by=acting_user)
    if values["status"] == EventStatus.PUBLISHED:
        event.published_at = timezone.now()
    if cover is not None:
        event.cover = _save_cover(cover)
    event.save()
    log_action(acting_user=acting_user, action="events.event_created", target=event)
    return event


@transaction.atomic
def update_event(
    *,
    acting_user,
    event: Event,
    cover=None,
    remove_cover=False,
    expected_version: str | None = None,
    **values,
) -> Event:
    """Change an event's details. Cancelling goes through cancel_event (refunds, emails).
    `expected_version` (event_version() of what the editor read) makes a stale edit a Conflict
    instead of silently overwriting someone else's change."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if expected_version and expected_version != event_version(event):
        raise Conflict("Someone else changed this event meanwhile: reload it and edit again.")
    merged = {field: values.get(field, getattr(event, field)) for field in EVENT_FIELDS}
    merged = _clean_event(merged, event=event)
    if merged["status"] == EventStatus.CANCELLED and event.status != EventStatus.CANCELLED:
        raise ValidationError({"status": ["Use “Cancel event” to cancel: attendees are told."]})
    if event.status == EventStatus.CANCELLED and merged["status"] != EventStatus.CANCELLED:
        raise ValidationError({"status": ["A cancelled event cannot be reopened."]})
    before = {field: str(getattr(event, field)) for field in EVENT_FIELDS}
    for field, value in merged.items():
        setattr(event, field, value)
    if event.status == EventStatus.PUBLISHED and event.published_at is None:
        event.published_at = timezone.now()
    old_cover = event.cover
    if cover is not None:
        event.cover = _save_cover(cover)
    elif remove_cover:
        event.cover = ""
    event.save()
    _seats_freed(event.pk)  # more capacity may serve the waiting list
    if old_cover and old_cover != event.cover:
        _on_commit(lambda: default_storage.delete(old_cover))
    log_action(
        acting_user=acting_user,
        action="events.event_changed",
        target=event,
        before=before,
        after={f: str(getattr(event, f)) for f in EVENT_FIELDS},
    )
    return event


def event_version(event: Event) -> str:
    return str(int(event.updated_at.timestamp() * 1_000_000)) if event.updated_at else ""


@transaction.atomic
def delete_event(*, acting_user, event: Event) -> None:
    """Delete an event nobody has a ticket for (otherwise cancel it)."""
    if event.orders.exists():
        raise Conflict("People have registered for this event: cancel it instead of deleting.")
    log_action(acting_user=acting_user, action="events.event_deleted", target=event)
    cover = event.cover
    event.delete()
    if cover:
        _on_commit(lambda: default_storage.delete(cover))


# -- ticket types --------------------------------------------------------------------------

TYPE_FIELDS = (
    "name",
    "description",
    "price",
    "quantity",
    "sales_start",
    "sales_end",
    "max_per_order",
    "position",
)


def _clean_type(values: dict, *, event: Event, ticket_type: TicketType | None = None) -> dict:
    errors: dict[str, list[str]] = {}
    name = (values.get("name") or "").strip()
    if not name or len(name) > 100:
        errors["name"] = ["A name of 1 to 100 characters, e.g. General admission."]
    values["name"] = name
    values["description"] = (values.get("description") or "").strip()
    if len(values["description"]) > 300:
        errors["description"] = ["At most 300 characters."]
    price = values.get("price")
    try:
        price = Decimal(str(price if price not in (None, "") else "0"))
    except ArithmeticError:
        price = None
    if price is None or not price.is_finite() or price < 0 or price >= Decimal("100000000"):
        errors["price"] = ["A price of 0 (free) or more."]
    elif price != price.quantize(Decimal("0.01")) or (
        event.currency in ZERO_DECIMAL_CURRENCIES and price != price.quantize(Decimal(1))
    ):
        errors["price"] = [f"Too many decimal places for {event.currency}."]
    values["price"] = price
    quantity = values.get("quantity")
    if not isinstance(quantity, int) or not 1 <= quantity <= MAX_CAPACITY:
        errors["quantity"] = [f"Between 1 and {MAX_CAPACITY:,}."]
    elif ticket_type is not None and quantity < ticket_type.sold + ticket_type.held:
        errors["quantity"] = [f"{ticket_type.sold + ticket_type.held} are already taken."]
    limit = values.get("max_per_order") or 10
    if not isinstance(limit, int) or not 1 <= limit <= 100:
        errors["max_per_order"] = ["Between 1 and 100."]
    values["max_per_order"] = limit
    values["position"] = values.get("position") or 0
    start, end = values.get("sales_start"), values.get("sales_end")
    if start and end and end <= start:
        errors["sales_end"] = ["Sales must end after they start."]
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def create_ticket_type(*, acting_user, event: Event, **values) -> TicketType:
    values = _clean_type({f: values.get(f) for f in TYPE_FIELDS}, event=event)
    organization = event_organization()
    if (
        values["price"] > 0
        and not payments.payments_enabled(organization)
        and not get_settings().allow_offline_payment
    ):
        raise ValidationError(
            {
                "price": [
                    f"{payments.not_set_up_reason(organization)} "
                    "Allow paying at the door in the event settings to sell paid tickets."
                ]
            }
        )
    try:
        with transaction.atomic():
            ticket_type = TicketType.objects.create(event=event, **values)
    except IntegrityError as error:
        raise ValidationError(
            {"name": ["This event already has a ticket type of that name."]}
        ) from error
    log_action(acting_user=acting_user, action="events.ticket_type_created", target=ticket_type)
    return ticket_type


@transaction.atomic
def update_ticket_type(*, acting_user, ticket_type: TicketType, **values) -> TicketType:
    locked = TicketType.objects.select_for_update().select_related("event").get(pk=ticket_type.pk)
    merged = {f: values.get(f, getattr(locked, f)) for f in TYPE_FIELDS}
    merged = _clean_type(merged, event=locked.event, ticket_type=locked)
    if merged["price"] != locked.price and (locked.sold or locked.held):
        raise ValidationError({"price": ["Tickets of this type are sold: the price is fixed."]})
    for field, value in merged.items():
        setattr(locked, field, value)
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError as error:
        raise ValidationError(
            {"name": ["This event already has a ticket type of that name."]}
        ) from error
    _seats_freed(locked.event_id)
    log_action(acting_user=acting_user, action="events.ticket_type_changed", target=locked)
    return locked


@transaction.atomic
def delete_ticket_type(*, acting_user, ticket_type: TicketType) -> None:
    if OrderLine.objects.filter(ticket_type=ticket_type).exists():
        raise Conflict("Tickets of this type were ordered: lower its quantity instead.")
    log_action(acting_user=acting_user, action="events.ticket_type_deleted", target=ticket_type)
    ticket_type.delete()


def event_organization():
    from tenants.context import current_organization

    return current_organization()


# -- orders and seats ----------------------------------------------------------------------


@dataclasses.dataclass
class PlacedOrder:
    order: Order
    checkout_url: str | None = None


def _clean_buyer(email: str, name: str) -> tuple[str, str]:
    errors = {}
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = ["Enter a valid email address."]
    name = (name or "").strip()
    if not name or len(name) > 200:
        errors["name"] = ["Enter your name (up to 200 characters)."]
    if errors:
        raise ValidationError(errors)
    return email, name


def _take_seats(event: Event, wanted: list[tuple[TicketType, int]], *, counter: str) -> None:
    """Add seats to `counter` ("sold" or "held") of each type and the event. The event row must
    be locked by the caller; the conditional UPDATEs (and the constraints) are the last word."""
    total = sum(quantity for _, quantity in wanted)
    for ticket_type, quantity in sorted(wanted, key=lambda pair: pair[0].pk):
        changed = TicketType.objects.filter(
            pk=ticket_type.pk, sold__lte=F("quantity") - F("held") - quantity
        ).update(**{counter: F(counter) + quantity})
        if not changed:
            raise ValidationError(
                {"items": [f"Only {ticket_type.left} “{ticket_type.name}” left."]}
            )
    changed = Event.objects.filter(pk=event.pk, sold__lte=F("capacity") - F("held") - total).update(
        **{counter: F(counter) + total}
    )
    if not changed:
        raise ValidationError({"items": [f"Only {event.seats_left} seats left."]})


def _give_back(event_id: int, lines: list[tuple[int, int]], *, counter: str) -> None:
    total = sum(quantity for _, quantity in lines)
    for type_id, quantity in sorted(lines):
        TicketType.objects.filter(pk=type_id).update(**{counter: F(counter) - quantity})
    Event.objects.filter(pk=event_id).update(**{counter: F(counter) - total})


def _move_held_to_sold(event_id: int, lines: list[tuple[int, int]]) -> None:
    total = sum(quantity for _, quantity in lines)
    for type_id, quantity in sorted(lines):
        TicketType.objects.filter(pk=type_id).update(
            held=F("held") - quantity, sold=F("sold") + quantity
        )
    Event.objects.filter(pk=event_id).update(held=F("held") - total, sold=F("sold") + total)


def _lock_event(event_id: int) -> Event:
    return Event.objects.select_for_update().get(pk=event_id)


def _check_can_buy(event: Event, wanted: list[tuple[TicketType, int]], now) -> None:
    if event.status != EventStatus.PUBLISHED:
        raise ApplicationError("This event is not open for registration.", code="not_on_sale")
    if event.starts_at <= now:
        raise ApplicationError("This event has already started.", code="not_on_sale")
    if not wanted:
        raise ValidationError({"items": ["Choose at least one ticket."]})
    for ticket_type, quantity in wanted:
        if ticket_type.event_id != event.pk:
            raise ValidationError({"items": ["That ticket type is not part of this event."]})
        if not ticket_type.on_sale(now):
            raise ValidationError({"items": [f"“{ticket_type.name}” is not on sale now."]})
        if not 1 <= quantity <= ticket_type.max_per_order:
            raise ValidationError(
                {"items": [f"Up to {ticket_type.max_per_order} “{ticket_type.name}” per order."]}
            )


def _bell(*, user_id: int | None, kind: str, title: str, url: str) -> None:
    """An in-site notification for a signed-in member (emails are sent by this app)."""
    if not user_id:
        return
    from shared_apps.accounts.models import User
    from tenant_apps.notifications.services import notify

    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        notify(recipients=[user], kind=kind, title=title, url=url, email=False)


def _issue_tickets(order: Order) -> list[Ticket]:
    tickets = [
        Ticket(
            order=order,
            event_id=order.event_id,
            ticket_type_id=line.ticket_type_id,
            attendee_name=order.name,
            attendee_email=order.email,
            price=line.unit_price,
        )
        for line in order.lines.all()
        for _ in range(line.quantity)
    ]
    Ticket.objects.bulk_create(tickets)
    order.confirmed_at = timezone.now()
    order.status = OrderStatus.CONFIRMED
    order.hold_expires_at = None
    order.save(update_fields=["status", "confirmed_at", "hold_expires_at"])
    if order.user_id:
        _bell(
            user_id=order.user_id,
            kind="events.registration",
            title=f"You are registered for {order.event.title} ({len(tickets)} tickets)",
            url=f"/events/orders/{order.token}/",
        )
    _on_commit(lambda: _queue("send_order_confirmation", order.pk))
    return tickets


def _on_commit(function: Callable[[], None]) -> None:
    """transaction.on_commit, run in the current tenant's schema. Billing runs Stripe handlers
    in tenant_context inside its own transaction, which commits after the context is left: a
    bare callback would queue its task (or send its email) from the public schema."""
    from tenants.context import tenant_context

    organization = event_organization()

    def run() -> None:
        if organization is None:
            function()
            return
        with tenant_context(organization):
            function()

    transaction.on_commit(run)


def _queue(task_name: str, *args, eta=None) -> None:
    from tenant_apps.events import tasks

    task = getattr(tasks, task_name)
    if eta is None:
        task.delay(*args)
    else:
        task.apply_async(args=args, eta=eta)


def place_order(
    *,
    organization,
    event: Event,
    items: dict[int, int],
    email: str,
    name: str,
    user=None,
    pay_offline: bool = False,
    success_url: Callable[[Order], str] | None = None,
    cancel_url: Callable[[Order], str] | None = None,
) -> PlacedOrder:
    """Register for `event`: `items` maps ticket type ids to quantities. Free orders and
    pay-at-the-door orders are confirmed at once (tickets issued, email sent); paid orders hold
    their seats for the site's hold time and get a Stripe Checkout URL on the organization's
    connected account. Never oversells: seats are taken under a lock on the event row."""
    email, name = _clean_buyer(email, name)
    settings_row = get_settings()
    if settings_row.require_login and (user is None or not user.is_authenticated):
        raise ApplicationError(
            "Sign in to register for events on this site.", code="login_required"
        )
    user = user if user is not None and user.is_authenticated else None
    now = timezone.now()
    with transaction.atomic():
        event = _lock_event(event.pk)
        types = {t.pk: t for t in TicketType.objects.filter(event=event, pk__in=list(items))}
        wanted = []
        for type_id, quantity in items.items():
            if quantity <= 0:
                continue
            if type_id not in types:
                raise ValidationError({"items": ["That ticket type is not part of this event."]})
            wanted.append((types[type_id], quantity))
        _check_can_buy(event, wanted, now)
        total = sum((t.price * q for t, q in wanted), Decimal(0))
        if total == 0:
            method, status = PaymentMethod.FREE, OrderStatus.CONFIRMED
        elif pay_offline:
            if not settings_row.allow_offline_payment:
                raise ValidationError({"payment": ["Paying at the door is not offered here."]})
            method, status = PaymentMethod.OFFLINE, OrderStatus.CONFIRMED
        else:
            if not payments.payments_enabled(organization):
                raise payments.PaymentsNotSetUp(payments.not_set_up_reason(organization))
            method, status = PaymentMethod.STRIPE, OrderStatus.PENDING
        counter = "held" if status == OrderStatus.PENDING else "sold"
        _take_seats(event, wanted, counter=counter)
        order = Order.objects.create(
            event=event,
            user=user,
            email=email,
            name=name,
            status=status,
            payment_method=method,
            total=total,
            currency=event.currency,
            hold_expires_at=now + timedelta(minutes=settings_row.hold_minutes)
            if status == OrderStatus.PENDING
            else None,
        )
        OrderLine.objects.bulk_create(
            OrderLine(order=order, ticket_type=t, quantity=q, unit_price=t.price) for t, q in wanted
        )
        if status == OrderStatus.CONFIRMED:
            _issue_tickets(order)
            _publish_sales(event.pk)
        else:
            expires = order.hold_expires_at
            _on_commit(lambda: _queue("release_hold", order.pk, eta=expires))
    if status != OrderStatus.PENDING:
        return PlacedOrder(order=order)
    return PlacedOrder(
        order=order,
        checkout_url=start_checkout(
            organization=organization, order=order, success_url=success_url, cancel_url=cancel_url
        ),
    )


def start_checkout(*, organization, order: Order, success_url=None, cancel_url=None) -> str:
    """The Stripe Checkout URL for a pending order (one session per order, made once). If Stripe
    cannot be reached the hold is released at once and PaymentFailed goes up."""
    from tenant_apps.events.emails import absolute

    lines = list(order.lines.select_related("ticket_type"))
    try:
        session = payments.create_checkout_session(
            organization=organization,
            line_items=[
                payments.LineItem(
                    name=f"{order.event.title}: {line.ticket_type.name}",
                    unit_amount=to_minor_units(line.unit_price, order.currency),
                    quantity=line.quantity,
                )
                for line in lines
            ],
            currency=order.currency.lower(),
            success_url=success_url(order)
            if success_url
            else absolute(f"/events/orders/{order.token}/"),
            cancel_url=cancel_url(order) if cancel_url else absolute(f"/events/{order.event_id}/"),
            metadata={ORDER_METADATA_KEY: str(order.pk)},
            customer_email=order.email,
            reference=f"event-order-{order.pk}",
        )
    except (payments.PaymentFailed, payments.PaymentsNotSetUp, ValidationError):
        expire_order(order_id=order.pk, force=True)
        raise
    Order.objects.filter(pk=order.pk).update(stripe_session_id=session.id)
    order.stripe_session_id = session.id
    return session.url


def expire_order(*, order_id: int, force: bool = False) -> bool:
    """Release a pending order's seats once its hold has lapsed (or at once with `force`, e.g.
    Stripe expired the session). Idempotent: only the run that moves it out of pending releases
    the seats. Frees seats for the waiting list."""
    with transaction.atomic():
        order = Order.objects.filter(pk=order_id).only("event_id").first()
        if order is None:
            return False
        _lock_event(order.event_id)
        condition = Q(pk=order_id, status=OrderStatus.PENDING)
        if not force:
            condition &= Q(hold_expires_at__lte=timezone.now())
        if not Order.objects.filter(condition).update(status=OrderStatus.EXPIRED):
            return False
        lines = list(
            OrderLine.objects.filter(order_id=order_id).values_list("ticket_type_id", "quantity")
        )
        _give_back(order.event_id, lines, counter="held")
        _seats_freed(order.event_id)
    return True


def release_lapsed_holds() -> int:
    """Expire every lapsed hold and waiting-list offer of the tenant (the beat safety net for
    the per-hold tasks)."""
    now = timezone.now()
    released = 0
    for order_id in Order.objects.filter(
        status=OrderStatus.PENDING, hold_expires_at__lte=now
    ).values_list("pk", flat=True):
        released += expire_order(order_id=order_id)
    for entry_id in WaitlistEntry.objects.filter(
        status=WaitlistStatus.OFFERED, offer_expires_at__lte=now
    ).values_list("pk", flat=True):
        released += expire_offer(entry_id=entry_id)
    return released


def _payment_intent_of(session: dict) -> str:
    intent = session.get("payment_intent") or ""
    return intent["id"] if isinstance(intent, dict) else intent


def _order_of_session(session: dict) -> Order | None:
    metadata = session.get("metadata") or {}
    order_id = metadata.get(ORDER_METADATA_KEY)
    if not (order_id and str(order_id).isdigit()):
        return None
    return Order.objects.filter(pk=int(order_id), stripe_session_id=session["id"]).first()


def confirm_paid_order(*, session: dict) -> Order | None:
    """Stripe says the checkout was paid: turn the held seats into tickets. Idempotent. If the
    hold had lapsed, the seats are taken again when still free, else the payment is refunded
    and the buyer told."""
    order = _order_of_session(session)
    if order is None:
        return None
    refund_needed = False
    with transaction.atomic():
        event = _lock_event(order.event_id)
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status == OrderStatus.CONFIRMED or order.paid_at is not None:
            return order
        order.stripe_payment_intent = _payment_intent_of(session)
        order.paid_at = timezone.now()
        lines = list(order.lines.values_list("ticket_type_id", "quantity"))
        if order.status == OrderStatus.PENDING:
            _move_held_to_sold(event.pk, lines)
        elif event.status != EventStatus.PUBLISHED:
            refund_needed = True  # released because the event was cancelled
        else:
            types = {t.pk: t for t in TicketType.objects.filter(pk__in=[t for t, _ in lines])}
            try:
                with transaction.atomic():
                    _take_seats(event, [(types[t], q) for t, q in lines], counter="sold")
            except ValidationError:
                refund_needed = True
        order.save(update_fields=["stripe_payment_intent", "paid_at"])
        if not refund_needed:
            _issue_tickets(order)
            _publish_sales(event.pk)
            if order.waitlist_entry_id:
                WaitlistEntry.objects.filter(pk=order.waitlist_entry_id).update(
                    status=WaitlistStatus.CLAIMED
                )
        else:
            order.status = OrderStatus.CANCELLED
            order.cancelled_at = timezone.now()
            order.save(update_fields=["status", "cancelled_at"])
            _on_commit(lambda: _queue("refund_late_payment", order.pk))
    return order


def refund_late_payment(*, order_id: int) -> None:
    """Refund an order paid after its seats were given away (see confirm_paid_order)."""
    order = Order.objects.select_related("event").get(pk=order_id)
    if order.refunded_amount >= order.total or not order.stripe_payment_intent:
        return
    result = payments.refund(
        organization=event_organization(),
        payment_intent_id=order.stripe_payment_intent,
        reference=f"event-order-{order.pk}-late",
    )
    Order.objects.filter(pk=order.pk).update(refunded_amount=F("total"))
    from tenant_apps.events import emails

    emails.send(
        to=order.email,
        subject=f"Your payment for {order.event.title} was refunded",
        template="late_refund",
        context={"order": order, "refund": result},
    )


@transaction.atomic
def mark_paid(*, acting_user, order: Order) -> Order:
    """A pay-at-the-door order was paid (admins)."""
    if order.payment_method != PaymentMethod.OFFLINE or order.status != OrderStatus.CONFIRMED:
        raise ValidationError(
            {"order": ["Only confirmed pay-at-the-door orders can be marked paid."]}
        )
    Order.objects.filter(pk=order.pk, paid_at__isnull=True).update(paid_at=timezone.now())
    log_action(acting_user=acting_user, action="events.order_marked_paid", target=order)
    order.refresh_from_db()
    return order


def _publish_sales(event_id: int) -> None:
    publish(("events", "checkin", event_id), {"type": "events.sales", "event": event_id})


# -- cancellations and refunds -------------------------------------------------------------


def _refund_amount(*, order: Order, amount: Decimal, reference: str) -> Decimal:
    """Refund `amount` of a card-paid order through Stripe; other orders have nothing to refund
    here (pay-at-the-door money is handed back by the organizer)."""
    if order.payment_method != PaymentMethod.STRIPE or not order.stripe_payment_intent:
        return Decimal(0)
    amount = min(amount, order.total - order.refunded_amount)
    if amount <= 0:
        return Decimal(0)
    payments.refund(
        organization=event_organization(),
        payment_intent_id=order.stripe_payment_intent,
        amount=to_minor_units(amount, order.currency),
        reason="requested_by_customer",
        reference=reference,
    )
    Order.objects.filter(pk=order.pk).update(refunded_amount=F("refunded_amount") + amount)
    order.refunded_amount += amount
    return amount


def cancel_ticket(
    *, acting_user, ticket: Ticket, refund: bool = True, notify: bool = True
) -> Decimal:
    """Cancel one attendee's ticket (admins): the seat goes back on sale (or to the waiting
    list), a card payment for it is refunded through Stripe, and the attendee is emailed.
    Returns the amount refunded. A second call changes nothing."""
    with transaction.atomic():
        _lock_event(ticket.event_id)
        if not Ticket.objects.filter(pk=ticket.pk, status=TicketStatus.VALID).update(
            status=TicketStatus.CANCELLED, cancelled_at=timezone.now()
        ):
            return Decimal(0)
        _give_back(ticket.event_id, [(ticket.ticket_type_id, 1)], counter="sold")
        order = Order.objects.select_for_update().get(pk=ticket.order_id)
        refunded = Decimal(0)
        if refund:
            refunded = _refund_amount(
                order=order, amount=ticket.price, reference=f"event-ticket-{ticket.pk}"
            )
            if refunded:
                Ticket.objects.filter(pk=ticket.pk).update(refunded=True)
        if not order.tickets.filter(status=TicketStatus.VALID).exists():
            Order.objects.filter(pk=order.pk).update(
                status=OrderStatus.CANCELLED, cancelled_at=timezone.now()
            )
        log_action(
            acting_user=acting_user,
            action="events.ticket_cancelled",
            target=ticket,
            after={"refunded": str(refunded)},
        )
        _seats_freed(ticket.event_id)
        _publish_sales(ticket.event_id)
        if notify:
            _on_commit(lambda: _queue("send_ticket_cancelled", ticket.pk, str(refunded)))
    return refunded


def cancel_order(*, acting_user, order: Order, refund: bool = True) -> Decimal:
    """Cancel every ticket of an order with one refund and one email (used when the whole
    event is cancelled). Idempotent."""
    total_refunded = Decimal(0)
    with transaction.atomic():
        _lock_event(order.event_id)
        order = Order.objects.select_for_update().get(pk=order.pk)
        tickets = list(order.tickets.filter(status=TicketStatus.VALID))
        if not tickets and order.status != OrderStatus.PENDING:
            return total_refunded
        if order.status == OrderStatus.PENDING:
            pass
        else:
            Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(
                status=TicketStatus.CANCELLED, cancelled_at=timezone.now()
            )
            lines: dict[int, int] = {}
            for ticket in tickets:
                lines[ticket.ticket_type_id] = lines.get(ticket.ticket_type_id, 0) + 1
            _give_back(order.event_id, list(lines.items()), counter="sold")
            if refund:
                amount = sum((t.price for t in tickets), Decimal(0))
                total_refunded = _refund_amount(
                    order=order, amount=amount, reference=f"event-order-{order.pk}-cancel"
                )
                if total_refunded:
                    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(refunded=True)
            Order.objects.filter(pk=order.pk).update(
                status=OrderStatus.CANCELLED, cancelled_at=timezone.now()
            )
        log_action(
            acting_user=acting_user,
            action="events.order_cancelled",
            target=order,
            after={"refunded": str(total_refunded)},
        )
        _on_commit(lambda: _queue("send_order_cancelled", order.pk, str(total_refunded)))
    if order.status == OrderStatus.PENDING:
        expire_order(order_id=order.pk, force=True)
    return total_refunded


def cancel_event(*, acting_user, event: Event) -> Event:
    """Cancel a whole event (admins): no more sales, waiting list closed, pending checkouts
    released, and every order cancelled, refunded and emailed by a task each."""
    with transaction.atomic():
        event = _lock_event(event.pk)
        if event.status == EventStatus.CANCELLED:
            return event
        event.status = EventStatus.CANCELLED
        event.cancelled_at = timezone.now()
        event.save(update_fields=["status", "cancelled_at", "updated_at"])
        offered = list(
            WaitlistEntry.objects.filter(event=event, status=WaitlistStatus.OFFERED).values_list(
                "ticket_type_id", flat=True
            )
        )
        if offered:
            _give_back(event.pk, [(type_id, 1) for type_id in offered], counter="held")
        WaitlistEntry.objects.filter(
            event=event, status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED]
        ).update(status=WaitlistStatus.CANCELLED)
        order_ids = list(
            event.orders.filter(
                status__in=[OrderStatus.CONFIRMED, OrderStatus.PENDING]
            ).values_list("pk", flat=True)
        )
        log_action(
            acting_user=acting_user,
            action="events.event_cancelled",
            target=event,
            after={"orders": len(order_ids)},
        )
        user_id = getattr(acting_user, "pk", None)
        for order_id in order_ids:
            _on_commit(lambda order_id=order_id: _queue("cancel_order_task", order_id, user_id))
    return event


# -- check-in ------------------------------------------------------------------------------


@dataclasses.dataclass
class CheckIn:
    result: str  # "valid", "already", "invalid"
    message: str
    ticket: Ticket | None = None
    checked_in_at: datetime | None = None


def normalize_code(code: str) -> str:
    """Scanners and typing add spaces, dashes and lower case; codes have none of them. A URL
    whose last part is a code (a QR scanned by a phone app) also works."""
    text = (code or "").strip().rstrip("/").rsplit("/", 1)[-1]
    return "".join(ch for ch in text.upper() if ch.isalnum())[:64]


def check_in(*, acting_user, event: Event, code: str) -> CheckIn:
    """Admit the holder of `code` at `event`. One conditional UPDATE decides, so two scans of
    the same ticket at once admit it once: the second answers "already checked in" with when."""
    clean = normalize_code(code)
    if not clean:
        raise ValidationError({"code": ["Scan or type a ticket code."]})
    now = timezone.now()
    with transaction.atomic():
        admitted = Ticket.objects.filter(
            event=event, code=clean, status=TicketStatus.VALID, checked_in_at__isnull=True
        ).update(checked_in_at=now, checked_in_by=acting_user)
        ticket = (
            Ticket.objects.select_related("ticket_type", "order")
            .filter(event=event, code=clean)
            .first()
        )
        if admitted:
            publish(("events", "checkin", event.pk), {"type": "events.checkin", "event": event.pk})
            return CheckIn("valid", f"Welcome, {ticket.attendee_name}.", ticket, now)
    if ticket is None:
        return CheckIn("invalid", "No ticket with this code for this event.")
    if ticket.status == TicketStatus.CANCELLED:
        return CheckIn("invalid", "This ticket was cancelled.", ticket)
    return CheckIn("already", "Already checked in.", ticket, ticket.checked_in_at)


@transaction.atomic
def undo_check_in(*, acting_user, ticket: Ticket) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(checked_in_at=None, checked_in_by=None)
    log_action(acting_user=acting_user, action="events.check_in_undone", target=ticket)
    publish(
        ("events", "checkin", ticket.event_id), {"type": "events.checkin", "event": ticket.event_id}
    )


# -- waiting list --------------------------------------------------------------------------


def join_waitlist(
    *, event: Event, ticket_type: TicketType, email: str, name: str, user=None
) -> WaitlistEntry:
    """Put someone on the waiting list of a sold-out ticket type. One open entry per email."""
    email, name = _clean_buyer(email, name)
    if ticket_type.event_id != event.pk:
        raise ValidationError({"ticket_type": ["That ticket type is not part of this event."]})
    if event.status != EventStatus.PUBLISHED or event.starts_at <= timezone.now():
        raise ApplicationError("This event is not open for registration.", code="not_on_sale")
    if ticket_type.left and event.seats_left:
        raise ValidationError({"ticket_type": ["Seats are still available: register instead."]})
    user = user if user is not None and user.is_authenticated else None
    try:
        with transaction.atomic():
            entry = WaitlistEntry.objects.create(
                event=event, ticket_type=ticket_type, email=email, name=name, user=user
            )
    except IntegrityError as error:
        raise ValidationError({"email": ["This email is already on the waiting list."]}) from error
    return entry


def _seats_freed(event_id: int) -> None:
    _on_commit(lambda: _queue("offer_waitlist", event_id))


def offer_waitlist(*, event_id: int) -> int:
    """Offer freed seats to the people waiting, first come first served: each offer holds one
    seat for the site's offer time and is emailed. Returns how many offers were made."""
    settings_row = get_settings()
    made = 0
    with transaction.atomic():
        event = _lock_event(event_id)
        if event.status != EventStatus.PUBLISHED or event.starts_at <= timezone.now():
            return 0
        for entry in WaitlistEntry.objects.filter(
            event=event, status=WaitlistStatus.WAITING
        ).select_related("ticket_type"):
            event.refresh_from_db(fields=["sold", "held"])
            if not event.seats_left:
                break
            ticket_type = TicketType.objects.get(pk=entry.ticket_type_id)
            if not ticket_type.left:
                continue
            _take_seats(event, [(ticket_type, 1)], counter="held")
            expires = timezone.now() + timedelta(hours=settings_row.waitlist_offer_hours)
            WaitlistEntry.objects.filter(pk=entry.pk).update(
                status=WaitlistStatus.OFFERED, offered_at=timezone.now(), offer_expires_at=expires
            )
            made += 1
            _bell(
                user_id=entry.user_id,
                kind="events.waitlist",
                title=f"A seat is free for {event.title}: take it before it goes to the next",
                url=f"/events/waitlist/{entry.token}/",
            )
            _on_commit(lambda entry_id=entry.pk: _queue("send_waitlist_offer", entry_id))
            _on_commit(
                lambda entry_id=entry.pk, expires=expires: _queue(
                    "expire_offer_task", entry_id, eta=expires
                )
            )
    return made


def expire_offer(*, entry_id: int) -> bool:
    """An offer that lapsed gives its seat back, and the next person is offered it."""
    with transaction.atomic():
        entry = WaitlistEntry.objects.filter(pk=entry_id).first()
        if entry is None:
            return False
        _lock_event(entry.event_id)
        if not WaitlistEntry.objects.filter(
            pk=entry_id, status=WaitlistStatus.OFFERED, offer_expires_at__lte=timezone.now()
        ).update(status=WaitlistStatus.EXPIRED):
            return False
        _give_back(entry.event_id, [(entry.ticket_type_id, 1)], counter="held")
        _seats_freed(entry.event_id)
    return True


def claim_offer(*, organization, token: str, success_url=None, cancel_url=None) -> PlacedOrder:
    """The person offered a seat takes it: a free seat is confirmed at once; a paid one becomes
    a checkout keeping the offer's hold (and its expiry)."""
    with transaction.atomic():
        entry = (
            WaitlistEntry.objects.select_related("ticket_type", "event").filter(token=token).first()
        )
        if entry is None:
            raise ApplicationError("This offer does not exist.", code="not_found", status_code=404)
        event = _lock_event(entry.event_id)
        entry = (
            WaitlistEntry.objects.select_for_update().select_related("ticket_type").get(pk=entry.pk)
        )
        if entry.status != WaitlistStatus.OFFERED or entry.offer_expires_at <= timezone.now():
            raise ApplicationError("This offer is no longer open.", code="offer_closed")
        price = entry.ticket_type.price
        paid_online = price > 0 and payments.payments_enabled(organization)
        if price > 0 and not paid_online and not get_settings().allow_offline_payment:
            raise payments.PaymentsNotSetUp(payments.not_set_up_reason(organization))
        method = (
            PaymentMethod.FREE
            if price == 0
            else (PaymentMethod.STRIPE if paid_online else PaymentMethod.OFFLINE)
        )
        order = Order.objects.create(
            event=event,
            user=entry.user,
            email=entry.email,
            name=entry.name,
            status=OrderStatus.PENDING,
            payment_method=method,
            total=price,
            currency=event.currency,
            hold_expires_at=entry.offer_expires_at,
            waitlist_entry=entry,
        )
        OrderLine.objects.create(
            order=order, ticket_type=entry.ticket_type, quantity=1, unit_price=price
        )
        if method == PaymentMethod.STRIPE:
            WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistStatus.CLAIMED)
            expires = order.hold_expires_at
            _on_commit(lambda: _queue("release_hold", order.pk, eta=expires))
        else:
            _move_held_to_sold(event.pk, [(entry.ticket_type_id, 1)])
            WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistStatus.CLAIMED)
            _issue_tickets(order)
            _publish_sales(event.pk)
    if method != PaymentMethod.STRIPE:
        return PlacedOrder(order=order)
    return PlacedOrder(
        order=order,
        checkout_url=start_checkout(
            organization=organization, order=order, success_url=success_url, cancel_url=cancel_url
        ),
    )


@transaction.atomic
def leave_waitlist(*, entry: WaitlistEntry) -> None:
    _lock_event(entry.event_id)
    if entry.status == WaitlistStatus.OFFERED:
        if WaitlistEntry.objects.filter(pk=entry.pk, status=WaitlistStatus.OFFERED).update(
            status=WaitlistStatus.CANCELLED
        ):
            _give_back(entry.event_id, [(entry.ticket_type_id, 1)], counter="held")
            _seats_freed(entry.event_id)
    else:
        WaitlistEntry.objects.filter(pk=entry.pk, status=WaitlistStatus.WAITING).update(
            status=WaitlistStatus.CANCELLED
        )


# -- reminders -----------------------------------------------------------------------------


def send_reminders(*, now=None) -> int:
    """Email every confirmed order of a published event starting in the next 24 hours. Each
    order is claimed by a conditional UPDATE of reminder_sent_at before its email is queued, so
    overlapping or repeated runs never remind anyone twice."""
    now = now or timezone.now()
    candidates = Order.objects.filter(
        status=OrderStatus.CONFIRMED,
        reminder_sent_at__isnull=True,
        event__status=EventStatus.PUBLISHED,
        event__starts_at__gt=now,
        event__starts_at__lte=now + timedelta(hours=24),
    ).values_list("pk", flat=True)
    sent = 0
    for order_id in list(candidates):
        with transaction.atomic():
            if Order.objects.filter(pk=order_id, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            ):
                sent += 1
                _on_commit(lambda order_id=order_id: _queue("send_reminder_email", order_id))
    return sent


# -- settings of the site ------------------------------------------------------------------


def can_take_card_payments(organization) -> tuple[bool, str | None]:
    reason = payments.not_set_up_reason(organization)
    return reason is None, reason
