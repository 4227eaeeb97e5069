from django.contrib import admin

from tenant_apps.events.models import (
    Event,
    EventSettings,
    Order,
    OrderLine,
    Ticket,
    TicketType,
    WaitlistEntry,
)

# Seat counters and payment fields are kept by the services (locks, conditional updates,
# Stripe): the admin shows them read-only so a hand edit cannot oversell or fake a payment.
COUNTERS = ("sold", "held")


class TicketTypeInline(admin.TabularInline):
    model = TicketType
    extra = 0
    readonly_fields = COUNTERS


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "starts_at", "status", "capacity", "sold", "held")
    list_filter = ("status",)
    search_fields = ("title", "venue_name", "address")
    date_hierarchy = "starts_at"
    readonly_fields = (*COUNTERS, "created_at", "updated_at", "published_at", "cancelled_at")
    inlines = [TicketTypeInline]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    readonly_fields = ("ticket_type", "quantity", "unit_price")
    can_delete = False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("id", "event", "email", "status", "payment_method", "total", "created_at")
    list_filter = ("status", "payment_method")
    search_fields = ("email", "name", "stripe_session_id")
    list_select_related = ("event",)
    readonly_fields = (
        "event",
        "token",
        "status",
        "payment_method",
        "total",
        "currency",
        "hold_expires_at",
        "stripe_session_id",
        "stripe_payment_intent",
        "paid_at",
        "refunded_amount",
        "reminder_sent_at",
        "confirmation_sent_at",
        "created_at",
        "confirmed_at",
        "cancelled_at",
    )
    inlines = [OrderLineInline]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ("code", "event", "attendee_name", "ticket_type", "status", "checked_in_at")
    list_filter = ("status",)
    search_fields = ("code", "attendee_name", "attendee_email")
    list_select_related = ("event", "ticket_type")
    readonly_fields = (
        "order",
        "event",
        "ticket_type",
        "code",
        "price",
        "status",
        "pdf_name",
        "created_at",
        "cancelled_at",
        "refunded",
    )


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):
    list_display = ("email", "event", "ticket_type", "status", "created_at", "offer_expires_at")
    list_filter = ("status",)
    search_fields = ("email", "name")
    list_select_related = ("event", "ticket_type")
    readonly_fields = ("token", "status", "offered_at", "offer_expires_at")


admin.site.register(EventSettings)
