"""Events, their ticket types, orders (whose pending state is the seat hold), tickets, and the
waiting list. Tables live in every tenant schema.

Seats are counted pretix-style: each ticket type and the event keep `sold` and `held` counters,
changed only by conditional UPDATEs, and CHECK constraints make `sold + held` never exceed the
type's quantity or the event's capacity, whatever the race."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

# Ticket codes: 16 characters of an alphabet without look-alikes (no 0 O 1 I L), ~80 bits.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 16


def new_ticket_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_token() -> str:
    return secrets.token_urlsafe(24)


class EventSettings(models.Model):
    """The site's event settings: one row per tenant (id is always 1)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    hold_minutes = models.PositiveSmallIntegerField(
        default=15, help_text="How long a checkout keeps the seats for the buyer."
    )
    waitlist_offer_hours = models.PositiveSmallIntegerField(
        default=24, help_text="How long a freed seat is kept for the next person waiting."
    )
    allow_offline_payment = models.BooleanField(
        default=False, help_text="Buyers may reserve paid tickets and pay at the door."
    )
    require_login = models.BooleanField(
        default=False,
        help_text="Only signed-in members may register (otherwise an email is enough).",
    )

    class Meta:
        verbose_name = "event settings"
        verbose_name_plural = "event settings"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="events_settings_single"),
            models.CheckConstraint(
                condition=Q(hold_minutes__gte=1, hold_minutes__lte=240),
                name="events_settings_hold_minutes_range",
            ),
            models.CheckConstraint(
                condition=Q(waitlist_offer_hours__gte=1, waitlist_offer_hours__lte=168),
                name="events_settings_offer_hours_range",
            ),
        ]

    def __str__(self) -> str:
        return "Event settings"


class EventStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    CANCELLED = "cancelled", "Cancelled"


class Event(models.Model):
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=20_000)  # Markdown
    cover = models.CharField(max_length=300, blank=True)  # a name in default_storage
    venue_name = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=500, blank=True)
    online_url = models.URLField(max_length=500, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    timezone = models.CharField(max_length=64, default="UTC")
    status = models.CharField(max_length=10, choices=EventStatus.choices, default=EventStatus.DRAFT)
    capacity = models.PositiveIntegerField()
    sold = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3, default="EUR")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="events_event_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="events_event_capacity"),
            models.CheckConstraint(
                condition=Q(sold__lte=F("capacity") - F("held")),
                name="events_event_never_oversold",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def display_status(self) -> str:
        """draft, published, cancelled or past (a published event that has ended)."""
        if self.status == EventStatus.PUBLISHED and self.is_past:
            return "past"
        return self.status

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.sold - self.held)

    @property
    def is_online(self) -> bool:
        return bool(self.online_url) and not self.address


class TicketType(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="ticket_types")
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    quantity = models.PositiveIntegerField()
    sold = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0)
    sales_start = models.DateTimeField(null=True, blank=True)
    sales_end = models.DateTimeField(null=True, blank=True)
    max_per_order = models.PositiveSmallIntegerField(default=10)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="events_tickettype_name_unique"),
            models.CheckConstraint(condition=Q(price__gte=0), name="events_tickettype_price"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="events_tickettype_quantity"),
            models.CheckConstraint(
                condition=Q(max_per_order__gte=1, max_per_order__lte=100),
                name="events_tickettype_max_per_order",
            ),
            models.CheckConstraint(
                condition=Q(sold__lte=F("quantity") - F("held")),
                name="events_tickettype_never_oversold",
            ),
            models.CheckConstraint(
                condition=Q(sales_start__isnull=True)
                | Q(sales_end__isnull=True)
                | Q(sales_end__gt=F("sales_start")),
                name="events_tickettype_sales_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event.title}: {self.name}" if self.event_id else self.name

    @property
    def is_free(self) -> bool:
        return self.price == 0

    @property
    def left(self) -> int:
        return max(0, self.quantity - self.sold - self.held)

    def on_sale(self, now=None) -> bool:
        now = now or timezone.now()
        return (self.sales_start is None or self.sales_start <= now) and (
            self.sales_end is None or now < self.sales_end
        )


class OrderStatus(models.TextChoices):
    PENDING = "pending", "Awaiting payment"  # the seat hold: counted in `held` until expiry
    CONFIRMED = "confirmed", "Confirmed"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Cancelled"


class PaymentMethod(models.TextChoices):
    FREE = "free", "Free"
    STRIPE = "stripe", "Card (Stripe)"
    OFFLINE = "offline", "Pay at the door"


class Order(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="orders")
    token = models.CharField(max_length=40, unique=True, default=new_token)  # the buyer's link
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_orders",
    )
    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=OrderStatus.choices)
    payment_method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    total = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(max_length=3)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    stripe_session_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_payment_intent = models.CharField(max_length=255, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    waitlist_entry = models.OneToOneField(
        "WaitlistEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="order"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["event", "status"]),
            models.Index(fields=["status", "hold_expires_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="events_order_total"),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0, refunded_amount__lte=F("total")),
                name="events_order_refund_within_total",
            ),
            models.CheckConstraint(
                condition=~Q(status="pending") | Q(hold_expires_at__isnull=False),
                name="events_order_pending_has_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"Order {self.pk} ({self.email})"

    @property
    def reference(self) -> str:
        return f"EV{self.pk:06d}"

    @property
    def is_paid(self) -> bool:
        return self.payment_method == PaymentMethod.FREE or self.paid_at is not None


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    ticket_type = models.ForeignKey(TicketType, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveSmallIntegerField()
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="events_orderline_quantity"),
            models.UniqueConstraint(
                fields=["order", "ticket_type"], name="events_orderline_one_per_type"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.ticket_type_id}"


class TicketStatus(models.TextChoices):
    VALID = "valid", "Valid"
    CANCELLED = "cancelled", "Cancelled"


class Ticket(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="tickets")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tickets")
    ticket_type = models.ForeignKey(TicketType, on_delete=models.PROTECT, related_name="tickets")
    code = models.CharField(max_length=CODE_LENGTH, unique=True, default=new_ticket_code)
    attendee_name = models.CharField(max_length=200)
    attendee_email = models.EmailField(max_length=254)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    status = models.CharField(max_length=10, choices=TicketStatus.choices, default="valid")
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pdf_name = models.CharField(max_length=300, blank=True)  # a name in private storage
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    refunded = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["event", "status"]),
            models.Index(fields=["event", "checked_in_at"]),
        ]

    def __str__(self) -> str:
        return self.code


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    OFFERED = "offered", "Offered a seat"  # holds one seat of `ticket_type` until expiry
    CLAIMED = "claimed", "Took the seat"
    EXPIRED = "expired", "Offer lapsed"
    CANCELLED = "cancelled", "Cancelled"


class WaitlistEntry(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="waitlist")
    ticket_type = models.ForeignKey(TicketType, on_delete=models.CASCADE, related_name="waitlist")
    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.CharField(max_length=40, unique=True, default=new_token)
    status = models.CharField(max_length=10, choices=WaitlistStatus.choices, default="waiting")
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "waitlist entries"
        constraints = [
            models.UniqueConstraint(
                "event",
                Lower("email"),
                condition=Q(status__in=["waiting", "offered"]),
                name="events_waitlist_one_open_entry_per_email",
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="events_waitlist_offer_has_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} waiting for {self.event_id}"
