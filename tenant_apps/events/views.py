"""Pages of the events app. Views parse input, call one service or selector and render.

Who: anyone sees published events and registers with an email (unless the site requires a
login); signed-in members also see their tickets; moderators check people in; admins and the
owner organise."""

import csv
import io
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from tenant_apps.events import documents, selectors, services
from tenant_apps.events.forms import (
    CheckInForm,
    EventForm,
    RegistrationForm,
    SettingsForm,
    TicketTypeForm,
    WaitlistForm,
    local_initial,
)
from tenant_apps.events.models import (
    Event,
    EventStatus,
    Order,
    OrderStatus,
    Ticket,
    TicketType,
    WaitlistEntry,
    WaitlistStatus,
)
from tenant_apps.members.models import Role
from tenant_apps.members.permissions import member_required, role_required
from tenants.context import current_organization
from tenants.storage import private_url

PAGE_SIZE = 20
admin_required = role_required(Role.ADMIN)
door_required = role_required(Role.MODERATOR)


def _form_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _visible_event(request, event_id: int) -> Event:
    return get_object_or_404(selectors.visible_events(request.user), pk=event_id)


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _cover_url(event: Event, size: str = "large") -> str:
    if not event.cover:
        return ""
    from core.thumbnails import thumbnail_url

    return thumbnail_url(event.cover, size)


# -- listing and public pages --------------------------------------------------------------


def index(request):
    when = request.GET.get("when", "upcoming")
    when = when if when in selectors.WHEN_CHOICES else "upcoming"
    query = request.GET.get("q", "").strip()[:200]
    status = request.GET.get("status", "")
    mode = request.GET.get("mode", "")
    start = _parse_date(request.GET.get("from", ""))
    end = _parse_date(request.GET.get("to", ""))
    events = selectors.event_list(
        user=request.user, when=when, query=query, status=status, mode=mode, start=start, end=end
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page:
        event.cover_url = _cover_url(event, "medium")
        event.when = documents.when_text(event)
        prices = [t.price for t in event.ticket_types.all()]
        event.price_from = min(prices) if prices else None
    filtered = bool(query or status or mode or start or end or when != "upcoming")
    return render(
        request,
        "events/index.html",
        {
            "page": page,
            "when": when,
            "query": query,
            "status": status,
            "mode": mode,
            "start": start,
            "end": end,
            "filtered": filtered,
            "can_organize": selectors.can_organize(request.user),
            "statuses": EventStatus.choices,
        },
    )


def _registration_context(request, event: Event, form=None, waitlist_form=None) -> dict:
    organization = current_organization()
    settings_row = services.get_settings()
    types = selectors.ticket_types_for_sale(event)
    has_paid = any(t.price > 0 for t in types)
    card_ok, reason = services.can_take_card_payments(organization)
    open_for_sale = event.status == EventStatus.PUBLISHED and not event.is_past
    sold_out = (
        open_for_sale and all(t.available == 0 for t in types if t.is_on_sale) and bool(types)
    )
    login_needed = settings_row.require_login and not request.user.is_authenticated
    if form is None:
        initial = {}
        if request.user.is_authenticated:
            initial = {"email": request.user.email, "name": request.user.display_name}
        form = RegistrationForm(
            ticket_types=types,
            allow_offline=settings_row.allow_offline_payment and has_paid,
            initial=initial,
        )
    if waitlist_form is None and sold_out:
        waitlist_form = WaitlistForm(
            ticket_types=[t for t in types if t.is_on_sale],
            initial={"email": getattr(request.user, "email", "")},
        )
    return {
        "event": event,
        "types": types,
        "form": form,
        "waitlist_form": waitlist_form,
        "open_for_sale": open_for_sale,
        "sold_out": sold_out,
        "has_paid": has_paid,
        "card_ok": card_ok,
        "payment_reason": reason if has_paid and not card_ok else "",
        "offline_ok": settings_row.allow_offline_payment,
        "login_needed": login_needed,
        "cover_url": _cover_url(event),
        "when": documents.when_text(event),
        "can_organize": selectors.can_organize(request.user),
        "can_check_in": selectors.can_check_in(request.user),
    }


def detail(request, event_id):
    event = _visible_event(request, event_id)
    return render(request, "events/detail.html", _registration_context(request, event))


@require_POST
def register(request, event_id):
    event = _visible_event(request, event_id)
    context = _registration_context(request, event)
    form = RegistrationForm(
        request.POST,
        ticket_types=context["types"],
        allow_offline=context["offline_ok"] and context["has_paid"],
    )
    context["form"] = form
    if form.is_valid():
        try:
            placed = services.place_order(
                organization=current_organization(),
                event=event,
                items=form.items(),
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                user=request.user,
                pay_offline=form.cleaned_data.get("pay_offline", False),
                success_url=lambda order: request.build_absolute_uri(
                    reverse("events:order", args=[order.token])
                ),
                cancel_url=lambda order: request.build_absolute_uri(
                    reverse("events:detail", args=[event.pk])
                ),
            )
        except ValidationError as error:
            _form_errors(form, error)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            if placed.checkout_url:
                return redirect(placed.checkout_url)
            messages.success(request, "You are registered: your tickets are on their way by email.")
            return redirect("events:order", token=placed.order.token)
    return render(request, "events/detail.html", context, status=400)


@require_POST
def join_waitlist(request, event_id):
    event = _visible_event(request, event_id)
    context = _registration_context(request, event)
    form = WaitlistForm(request.POST, ticket_types=[t for t in context["types"] if t.is_on_sale])
    context["waitlist_form"] = form
    if context["login_needed"]:
        form.add_error(None, "Sign in to join the waiting list.")
    elif form.is_valid():
        ticket_type = get_object_or_404(
            TicketType, pk=form.cleaned_data["ticket_type"], event=event
        )
        try:
            services.join_waitlist(
                event=event,
                ticket_type=ticket_type,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                user=request.user,
            )
        except ValidationError as error:
            _form_errors(form, error)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, "You are on the waiting list: we email you if a seat frees up."
            )
            return redirect("events:detail", event_id=event.pk)
    return render(request, "events/detail.html", context, status=400)


def event_ics(request, event_id):
    event = get_object_or_404(
        Event, pk=event_id, status__in=[EventStatus.PUBLISHED, EventStatus.CANCELLED]
    )
    return _ics_response(request, [event], name=event.title, filename=f"event-{event.pk}.ics")


def calendar_feed(request):
    organization = current_organization()
    return _ics_response(
        request,
        selectors.calendar_events(),
        name=f"{organization.name} events",
        filename="events.ics",
        inline=True,
    )


def _ics_response(request, events, *, name: str, filename: str, inline: bool = False):
    body = documents.calendar_bytes(
        events,
        name=name,
        host=request.get_host().split(":")[0],
        url_of=lambda e: request.build_absolute_uri(reverse("events:detail", args=[e.pk])),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


# -- orders and tickets (the buyer) --------------------------------------------------------


def order_page(request, token):
    order = selectors.order_by_token(token)
    if order is None:
        raise Http404("No such order.")
    return render(
        request,
        "events/order.html",
        {
            "order": order,
            "event": order.event,
            "tickets": [t for t in order.tickets.all()],
            "when": documents.when_text(order.event),
            "where": documents.where_text(order.event),
            "is_pending": order.status == OrderStatus.PENDING,
        },
    )


def _ticket_of_order(token: str, code: str) -> Ticket:
    ticket = (
        Ticket.objects.select_related("order", "event", "ticket_type")
        .filter(order__token=token, code=code)
        .first()
    )
    if ticket is None:
        raise Http404("No such ticket.")
    return ticket


def ticket_qr(request, token, code):
    ticket = _ticket_of_order(token, code)
    response = HttpResponse(documents.qr_svg(ticket.code), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def ticket_pdf(request, token, code):
    """The ticket's PDF from private storage: the order link is the permission (it is sent only
    to the buyer), then a short-lived signed URL."""
    from tenant_apps.events.tasks import ticket_pdf as make_pdf

    ticket = _ticket_of_order(token, code)
    if ticket.status != "valid":
        raise Http404("This ticket was cancelled.")
    make_pdf(ticket)
    return redirect(private_url(ticket.pdf_name, expires=300))


@member_required
def my_tickets(request):
    orders = list(selectors.orders_of_user(request.user))
    return render(request, "events/my_tickets.html", {"orders": orders})


def claim_offer(request, token):
    entry = get_object_or_404(
        WaitlistEntry.objects.select_related("event", "ticket_type"), token=token
    )
    error = ""
    if request.method == "POST":
        try:
            placed = services.claim_offer(
                organization=current_organization(),
                token=token,
                success_url=lambda order: request.build_absolute_uri(
                    reverse("events:order", args=[order.token])
                ),
                cancel_url=lambda order: request.build_absolute_uri(
                    reverse("events:detail", args=[entry.event_id])
                ),
            )
        except ApplicationError as error_:
            error = error_.message
        else:
            if placed.checkout_url:
                return redirect(placed.checkout_url)
            messages.success(request, "The seat is yours: your ticket is on its way by email.")
            return redirect("events:order", token=placed.order.token)
    return render(
        request,
        "events/claim.html",
        {
            "entry": entry,
            "event": entry.event,
            "is_open": entry.status == WaitlistStatus.OFFERED,
            "error": error,
        },
        status=400 if error else 200,
    )


# -- organizing ----------------------------------------------------------------------------


def _event_form_initial(event: Event) -> dict:
    return {
        "title": event.title,
        "description": event.description,
        "venue_name": event.venue_name,
        "address": event.address,
        "online_url": event.online_url,
        "starts_at": local_initial(event.starts_at, event.timezone),
        "ends_at": local_initial(event.ends_at, event.timezone),
        "timezone": event.timezone,
        "capacity": event.capacity,
        "status": event.status,
        "version": services.event_version(event),
    }


def _event_values(form) -> dict:
    data = form.cleaned_data
    return {field: data.get(field) for field in services.EVENT_FIELDS}


@admin_required
def create(request):
    form = EventForm(
        request.POST or None,
        request.FILES or None,
        initial={"timezone": services.site_timezone(), "capacity": 50, "status": "draft"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(
                organization=current_organization(),
                acting_user=request.user,
                cover=form.cleaned_data.get("cover"),
                **_event_values(form),
            )
        except ValidationError as error:
            _form_errors(form, error)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Event created. Now add its ticket types.")
            return redirect("events:type_create", event_id=event.pk)
    return render(request, "events/form.html", {"form": form, "title": "New event"})


@admin_required
def edit(request, event_id):
    event = get_object_or_404(Event, pk=event_id)
    form = EventForm(
        request.POST or None, request.FILES or None, initial=_event_form_initial(event)
    )
    if event.status == EventStatus.CANCELLED:
        form.fields["status"].choices = [(EventStatus.CANCELLED, "Cancelled")]
    if request.method == "POST" and form.is_valid():
        try:
            services.update_event(
                acting_user=request.user,
                event=event,
                cover=form.cleaned_data.get("cover"),
                remove_cover=form.cleaned_data.get("remove_cover"),
                expected_version=form.cleaned_data.get("version") or None,
                **_event_values(form),
            )
        except ValidationError as error:
            _form_errors(form, error)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Event saved.")
            return redirect("events:detail", event_id=event.pk)
    return render(
        request, "events/form.html", {"form": form, "title": f"Edit {event.title}", "event": event}
    )


@admin_required
@require_POST
def delete(request, event_id):
    event = get_object_or_404(Event, pk=event_id)
    try:
        services.delete_event(acting_user=request.user, event=event)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("events:detail", event_id=event.pk)
    messages.success(request, f"“{event.title}” deleted.")
    return redirect("events:index")


@admin_required
def cancel_event(request, event_id):
    event = get_object_or_404(Event, pk=event_id)
    if request.method == "POST":
        services.cancel_event(acting_user=request.user, event=event)
        messages.success(
            request, "Event cancelled: attendees are emailed and card payments refunded."
        )
        return redirect("events:dashboard", event_id=event.pk)
    counts = selectors.checkin_counts(event)
    return render(request, "events/cancel.html", {"event": event, "tickets": counts["total"]})


def _type_initial(ticket_type: TicketType, tz: str) -> dict:
    return {
        "name": ticket_type.name,
        "description": ticket_type.description,
        "price": ticket_type.price,
        "quantity": ticket_type.quantity,
        "max_per_order": ticket_type.max_per_order,
        "sales_start": local_initial(ticket_type.sales_start, tz),
        "sales_end": local_initial(ticket_type.sales_end, tz),
        "position": ticket_type.position,
    }


@admin_required
def type_create(request, event_id):
    event = get_object_or_404(Event, pk=event_id)
    form = TicketTypeForm(
        request.POST or None, tz_name=event.timezone, initial={"quantity": event.capacity}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.create_ticket_type(acting_user=request.user, event=event, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Ticket type added.")
            return redirect("events:dashboard", event_id=event.pk)
    _card_ok, reason = services.can_take_card_payments(current_organization())
    return render(
        request,
        "events/type_form.html",
        {"form": form, "event": event, "title": "New ticket type", "payment_reason": reason},
    )


@admin_required
def type_edit(request, event_id, type_id):
    event = get_object_or_404(Event, pk=event_id)
    ticket_type = get_object_or_404(TicketType, pk=type_id, event=event)
    form = TicketTypeForm(
        request.POST or None,
        tz_name=event.timezone,
        initial=_type_initial(ticket_type, event.timezone),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_ticket_type(
                acting_user=request.user, ticket_type=ticket_type, **form.cleaned_data
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Ticket type saved.")
            return redirect("events:dashboard", event_id=event.pk)
    return render(
        request,
        "events/type_form.html",
        {
            "form": form,
            "event": event,
            "ticket_type": ticket_type,
            "title": f"Edit {ticket_type.name}",
        },
    )


@admin_required
@require_POST
def type_delete(request, event_id, type_id):
    ticket_type = get_object_or_404(TicketType, pk=type_id, event_id=event_id)
    try:
        services.delete_ticket_type(acting_user=request.user, ticket_type=ticket_type)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Ticket type deleted.")
    return redirect("events:dashboard", event_id=event_id)


@admin_required
def dashboard(request, event_id):
    event = get_object_or_404(Event.objects.prefetch_related("ticket_types"), pk=event_id)
    return render(
        request,
        "events/dashboard.html",
        {
            "event": event,
            "stats": selectors.dashboard(event),
            "waitlist": selectors.waitlist(event)[:50],
            "when": documents.when_text(event),
        },
    )


@admin_required
def attendees(request, event_id):
    event = get_object_or_404(Event, pk=event_id)
    query = request.GET.get("q", "").strip()[:200]
    state = request.GET.get("state", "")
    page = Paginator(selectors.attendees(event=event, query=query, state=state), 50).get_page(
        request.GET.get("page")
    )
    context = {"event": event, "page": page, "query": query, "state": state}
    if request.htmx:
        return render(request, "events/_attendee_rows.html", context)
    return render(request, "events/attendees.html", context)


@admin_required
def attendees_csv(request, event_id):
    event = get_object_or_404(Event, pk=event_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "code",
            "name",
            "email",
            "ticket type",
            "price",
            "currency",
            "status",
            "order",
            "payment",
            "paid",
            "checked in at",
            "registered at",
        ]
    )
    for ticket in selectors.attendees(
        event=event,
        query=request.GET.get("q", "").strip()[:200],
        state=request.GET.get("state", ""),
    ).iterator(chunk_size=500):
        writer.writerow(
            [
                ticket.code,
                _csv_safe(ticket.attendee_name),
                _csv_safe(ticket.attendee_email),
                _csv_safe(ticket.ticket_type.name),
                ticket.price,
                ticket.order.currency,
                ticket.status,
                ticket.order.reference,
                ticket.order.payment_method,
                "yes" if ticket.order.is_paid else "no",
                ticket.checked_in_at.isoformat() if ticket.checked_in_at else "",
                ticket.created_at.isoformat(),
            ]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="attendees-event-{event.pk}.csv"'
    return response


def _csv_safe(text: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


@admin_required
@require_POST
def cancel_ticket(request, event_id, ticket_id):
    ticket = get_object_or_404(Ticket, pk=ticket_id, event_id=event_id)
    try:
        refunded = services.cancel_ticket(
            acting_user=request.user, ticket=ticket, refund=request.POST.get("refund") != "no"
        )
    except (ValidationError, ApplicationError) as error:
        messages.error(request, getattr(error, "message", None) or "; ".join(error.messages))
    else:
        note = f" {refunded} {ticket.order.currency} refunded." if refunded else ""
        messages.success(request, f"Ticket {ticket.code} cancelled; the attendee is emailed.{note}")
    return redirect("events:attendees", event_id=event_id)


@admin_required
@require_POST
def mark_paid(request, event_id, order_id):
    order = get_object_or_404(Order, pk=order_id, event_id=event_id)
    try:
        services.mark_paid(acting_user=request.user, order=order)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, f"Order {order.reference} marked paid.")
    return redirect("events:attendees", event_id=event_id)


@admin_required
def settings_page(request):
    form = SettingsForm(request.POST or None, instance=services.get_settings())
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(
                acting_user=request.user,
                **{field: form.cleaned_data[field] for field in SettingsForm.Meta.fields},
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Event settings saved.")
            return redirect("events:settings")
    card_ok, reason = services.can_take_card_payments(current_organization())
    return render(
        request,
        "events/settings.html",
        {"form": form, "card_ok": card_ok, "payment_reason": reason},
    )


# -- check-in ------------------------------------------------------------------------------


@door_required
def check_in(request, event_id):
    event = get_object_or_404(Event, pk=event_id)
    form = CheckInForm(request.POST or None)
    result = None
    if request.method == "POST":
        if form.is_valid():
            try:
                result = services.check_in(
                    acting_user=request.user, event=event, code=form.cleaned_data["code"]
                )
            except ValidationError as error:
                _form_errors(form, error)
        if request.htmx:
            return render(
                request,
                "events/_checkin_htmx.html",
                {
                    "result": result,
                    "form": CheckInForm() if result else form,
                    "event": event,
                    "counts": selectors.checkin_counts(event),
                    "recent": selectors.recent_checkins(event),
                },
                status=200 if result or form.is_valid() else 400,
            )
        if result:
            form = CheckInForm()
    return render(
        request,
        "events/checkin.html",
        {
            "event": event,
            "form": form,
            "result": result,
            "counts": selectors.checkin_counts(event),
            "recent": selectors.recent_checkins(event),
        },
        status=400 if request.method == "POST" and result is None else 200,
    )


@door_required
def checkin_counts(request, event_id):
    event = get_object_or_404(Event, pk=event_id)
    return render(
        request,
        "events/_checkin_counts.html",
        {
            "event": event,
            "counts": selectors.checkin_counts(event),
            "recent": selectors.recent_checkins(event),
        },
    )
