"""Reads of the events app: querysets with their joins built in one place."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from tenant_apps.events.models import (
    Event,
    EventStatus,
    Order,
    OrderStatus,
    Ticket,
    TicketStatus,
    TicketType,
    WaitlistEntry,
    WaitlistStatus,
)
from tenant_apps.members.models import Role
from tenant_apps.members.selectors import has_role

WHEN_CHOICES = ("upcoming", "past", "all")


def can_organize(user) -> bool:
    return bool(user and user.is_authenticated) and has_role(user, Role.ADMIN)


def can_check_in(user) -> bool:
    return bool(user and user.is_authenticated) and has_role(user, Role.MODERATOR)


def visible_events(user) -> QuerySet:
    """Organizers see every event; everyone else published and cancelled ones (a cancelled
    event's page says so)."""
    queryset = Event.objects.all()
    if not can_organize(user):
        queryset = queryset.filter(status__in=[EventStatus.PUBLISHED, EventStatus.CANCELLED])
    return queryset


def event_list(
    *,
    user,
    when: str = "upcoming",
    query: str = "",
    status: str = "",
    mode: str = "",
    start: date | None = None,
    end: date | None = None,
) -> QuerySet:
    """The events listing with its filters: when (upcoming, past, all), text, status
    (organizers), mode (online, in_person) and a date range."""
    now = timezone.now()
    queryset = visible_events(user).prefetch_related(
        Prefetch("ticket_types", queryset=TicketType.objects.order_by("position", "id"))
    )
    if when == "past":
        queryset = queryset.filter(ends_at__lte=now).order_by("-starts_at", "-id")
    elif when != "all":
        queryset = queryset.filter(ends_at__gt=now)
        if not status:
            queryset = queryset.exclude(status=EventStatus.CANCELLED)
    if query:
        queryset = queryset.filter(
            Q(title__icontains=query)
            | Q(description__icontains=query)
            | Q(venue_name__icontains=query)
            | Q(address__icontains=query)
        )
    if status in EventStatus.values:
        queryset = queryset.filter(status=status)
    if mode == "online":
        queryset = queryset.exclude(online_url="")
    elif mode == "in_person":
        queryset = queryset.exclude(address="", venue_name="")
    if start:
        queryset = queryset.filter(ends_at__date__gte=start)
    if end:
        queryset = queryset.filter(starts_at__date__lte=end)
    return queryset


def calendar_events() -> QuerySet:
    """The site's feed: published and cancelled events from 90 days ago on."""
    since = timezone.now() - timedelta(days=90)
    return Event.objects.filter(
        status__in=[EventStatus.PUBLISHED, EventStatus.CANCELLED], ends_at__gte=since
    ).order_by("starts_at")


def ticket_types_for_sale(event: Event) -> list[TicketType]:
    now = timezone.now()
    types = list(event.ticket_types.all())
    for ticket_type in types:
        ticket_type.is_on_sale = ticket_type.on_sale(now)
        ticket_type.sales_not_started = bool(
            ticket_type.sales_start and ticket_type.sales_start > now
        )
        ticket_type.available = min(ticket_type.left, event.seats_left)
        ticket_type.choices = range(0, min(ticket_type.available, ticket_type.max_per_order) + 1)
    return types


def orders_of_user(user) -> QuerySet:
    return (
        Order.objects.filter(user=user)
        .exclude(status=OrderStatus.EXPIRED)
        .select_related("event")
        .prefetch_related(
            Prefetch("tickets", queryset=Ticket.objects.select_related("ticket_type"))
        )
        .order_by("-event__starts_at", "-id")
    )


def order_by_token(token: str) -> Order | None:
    return (
        Order.objects.select_related("event")
        .prefetch_related(
            Prefetch("tickets", queryset=Ticket.objects.select_related("ticket_type")),
            "lines__ticket_type",
        )
        .filter(token=token)
        .first()
    )


def can_see_ticket(user, ticket: Ticket, *, session_tokens=()) -> bool:
    """The buyer (their account or their order link in this browser) and organizers."""
    if can_organize(user):
        return True
    if user.is_authenticated and ticket.order.user_id == user.pk:
        return True
    return ticket.order.token in session_tokens


def attendees(*, event: Event, query: str = "", state: str = "") -> QuerySet:
    queryset = Ticket.objects.filter(event=event).select_related("ticket_type", "order")
    if query:
        queryset = queryset.filter(
            Q(attendee_name__icontains=query)
            | Q(attendee_email__icontains=query)
            | Q(code__icontains=query.replace(" ", "").upper())
        )
    if state == "checked_in":
        queryset = queryset.filter(checked_in_at__isnull=False)
    elif state == "not_checked_in":
        queryset = queryset.filter(checked_in_at__isnull=True, status=TicketStatus.VALID)
    elif state == "cancelled":
        queryset = queryset.filter(status=TicketStatus.CANCELLED)
    return queryset.order_by("attendee_name", "id")


def checkin_counts(event: Event) -> dict:
    counts = Ticket.objects.filter(event=event, status=TicketStatus.VALID).aggregate(
        total=Count("pk"), checked_in=Count("pk", filter=Q(checked_in_at__isnull=False))
    )
    total = counts["total"] or 0
    checked_in = counts["checked_in"] or 0
    return {
        "total": total,
        "checked_in": checked_in,
        "percent": round(checked_in * 100 / total) if total else 0,
    }


def recent_checkins(event: Event, limit: int = 10) -> list[Ticket]:
    return list(
        Ticket.objects.filter(event=event, checked_in_at__isnull=False)
        .select_related("ticket_type")
        .order_by("-checked_in_at")[:limit]
    )


def per_ticket_type(event: Event) -> list[dict]:
    rows = []
    checked = dict(
        Ticket.objects.filter(event=event, status=TicketStatus.VALID, checked_in_at__isnull=False)
        .values("ticket_type")
        .annotate(n=Count("pk"))
        .values_list("ticket_type", "n")
    )
    revenue = dict(
        Ticket.objects.filter(event=event, status=TicketStatus.VALID)
        .values("ticket_type")
        .annotate(total=Sum("price"))
        .values_list("ticket_type", "total")
    )
    for ticket_type in event.ticket_types.all():
        rows.append(
            {
                "type": ticket_type,
                "sold": ticket_type.sold,
                "held": ticket_type.held,
                "left": ticket_type.left,
                "checked_in": checked.get(ticket_type.pk, 0),
                "revenue": revenue.get(ticket_type.pk) or 0,
                "percent": round(ticket_type.sold * 100 / ticket_type.quantity),
            }
        )
    return rows


def sales_chart(event: Event, days: int = 30) -> dict:
    """Tickets issued and revenue per day (in the event's time zone) over the last `days`
    days up to today, as SVG bar geometry like the console's usage chart."""
    tz = ZoneInfo(event.timezone)
    today = timezone.now().astimezone(tz).date()
    start = today - timedelta(days=days - 1)
    since = datetime.combine(start, datetime.min.time(), tzinfo=tz)
    per_day = {start + timedelta(days=i): {"count": 0, "revenue": 0} for i in range(days)}
    rows = (
        Ticket.objects.filter(event=event, created_at__gte=since)
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("pk"), revenue=Sum("price"))
    )
    for row in rows:
        if row["day"] in per_day:
            per_day[row["day"]] = {"count": row["n"], "revenue": row["revenue"] or 0}
    peak = max(value["count"] for value in per_day.values()) or 1
    width, height, gap = 20, 120, 4
    bars = []
    for index, (day, value) in enumerate(per_day.items()):
        bar_height = round(value["count"] * (height - 20) / peak)
        bars.append(
            {
                "x": index * (width + gap),
                "y": height - bar_height,
                "width": width,
                "height": bar_height,
                "day": day,
                "count": value["count"],
                "revenue": value["revenue"],
            }
        )
    return {
        "bars": bars,
        "total": sum(value["count"] for value in per_day.values()),
        "revenue": sum(value["revenue"] for value in per_day.values()),
        "view_width": days * (width + gap),
        "view_height": height,
        "start": start,
        "end": today,
    }


def dashboard(event: Event) -> dict:
    orders = Order.objects.filter(event=event).aggregate(
        confirmed=Count("pk", filter=Q(status=OrderStatus.CONFIRMED)),
        pending=Count("pk", filter=Q(status=OrderStatus.PENDING)),
        revenue=Sum("total", filter=Q(status=OrderStatus.CONFIRMED)),
        refunded=Sum("refunded_amount"),
        unpaid=Count(
            "pk",
            filter=Q(status=OrderStatus.CONFIRMED, payment_method="offline", paid_at__isnull=True),
        ),
    )
    waiting = WaitlistEntry.objects.filter(
        event=event, status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED]
    ).count()
    return {
        "orders": orders,
        "waiting": waiting,
        "types": per_ticket_type(event),
        "chart": sales_chart(event),
        "checkin": checkin_counts(event),
    }


def waitlist(event: Event) -> QuerySet:
    return WaitlistEntry.objects.filter(event=event).select_related("ticket_type")
