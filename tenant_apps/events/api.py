"""REST API of the events app, with the same permissions as the pages: anyone reads published
events and registers; members read their own orders and tickets; moderators check in; admins
organise everything."""

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import (
    SAFE_METHODS,
    AllowAny,
    BasePermission,
    IsAuthenticated,
    IsAuthenticatedOrReadOnly,
)
from rest_framework.response import Response

from core.openapi import ApiError
from tenant_apps.events import selectors, services
from tenant_apps.events.models import Event, EventStatus, Order, Ticket, TicketType
from tenant_apps.members.permissions import IsAdmin, IsModerator
from tenants.context import current_organization


class ReadOrAdmin(BasePermission):
    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or IsAdmin().has_permission(request, view)


class TicketTypeSerializer(serializers.ModelSerializer):
    event = serializers.PrimaryKeyRelatedField(queryset=Event.objects.all())
    left = serializers.IntegerField(read_only=True)
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)

    class Meta:
        model = TicketType
        fields = [
            "id",
            "event",
            "name",
            "description",
            "price",
            "quantity",
            "sold",
            "held",
            "left",
            "sales_start",
            "sales_end",
            "max_per_order",
            "position",
        ]
        read_only_fields = ["sold", "held"]
        extra_kwargs = {
            "quantity": {"min_value": 1, "max_value": 100_000},
            "max_per_order": {"min_value": 1, "max_value": 100},
        }


class PublicTicketTypeSerializer(serializers.ModelSerializer):
    left = serializers.IntegerField(read_only=True)

    class Meta:
        model = TicketType
        fields = [
            "id",
            "name",
            "description",
            "price",
            "left",
            "sales_start",
            "sales_end",
            "max_per_order",
        ]


class EventSerializer(serializers.ModelSerializer):
    display_status = serializers.CharField(
        read_only=True, help_text="draft, published, cancelled or past"
    )
    seats_left = serializers.IntegerField(read_only=True)
    ticket_types = PublicTicketTypeSerializer(many=True, read_only=True)
    cover_url = serializers.SerializerMethodField()
    # Every status can be read; only draft and published can be written (validate_status).
    status = serializers.ChoiceField(
        choices=EventStatus.choices,
        required=False,
        help_text="draft or published when writing; cancel with POST .../cancel/",
    )

    def validate_status(self, value):
        if value == EventStatus.CANCELLED:
            raise serializers.ValidationError("Cancel an event with POST .../cancel/.")
        return value

    class Meta:
        model = Event
        fields = [
            "id",
            "title",
            "description",
            "cover_url",
            "venue_name",
            "address",
            "online_url",
            "starts_at",
            "ends_at",
            "timezone",
            "status",
            "display_status",
            "capacity",
            "sold",
            "held",
            "seats_left",
            "currency",
            "ticket_types",
            "published_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["sold", "held", "currency", "published_at", "created_at", "updated_at"]
        extra_kwargs = {
            "capacity": {"min_value": 1, "max_value": 100_000},
            "description": {"max_length": 20_000},
        }

    def get_cover_url(self, event) -> str | None:
        return default_cover_url(event)


def default_cover_url(event) -> str | None:
    if not event.cover:
        return None
    from django.core.files.storage import default_storage

    return default_storage.url(event.cover)


class TicketSerializer(serializers.ModelSerializer):
    ticket_type = serializers.CharField(source="ticket_type.name")
    order = serializers.CharField(source="order.reference")

    class Meta:
        model = Ticket
        fields = [
            "id",
            "code",
            "event",
            "ticket_type",
            "order",
            "attendee_name",
            "attendee_email",
            "price",
            "status",
            "checked_in_at",
            "created_at",
        ]


@extend_schema_serializer(component_name="EventOrder")  # unique across the apps
class OrderSerializer(serializers.ModelSerializer):
    tickets = TicketSerializer(many=True, read_only=True)
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "reference",
            "token",
            "event",
            "email",
            "name",
            "status",
            "payment_method",
            "total",
            "currency",
            "hold_expires_at",
            "paid_at",
            "refunded_amount",
            "created_at",
            "confirmed_at",
            "tickets",
        ]


class RegisterItemSerializer(serializers.Serializer):
    ticket_type = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=100)


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    name = serializers.CharField(max_length=200)
    items = RegisterItemSerializer(many=True, allow_empty=False)
    pay_offline = serializers.BooleanField(default=False)


class RegisteredSerializer(serializers.Serializer):
    order = OrderSerializer()
    checkout_url = serializers.URLField(
        allow_null=True, help_text="Stripe Checkout: send the buyer there"
    )


class CheckInSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=200)


class CheckInResultSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=["valid", "already", "invalid"])
    message = serializers.CharField()
    checked_in_at = serializers.DateTimeField(allow_null=True)
    ticket = TicketSerializer(allow_null=True)


class WaitlistJoinSerializer(serializers.Serializer):
    ticket_type = serializers.IntegerField(min_value=1)
    email = serializers.EmailField(max_length=254)
    name = serializers.CharField(max_length=200)


LIST_PARAMETERS = [
    OpenApiParameter(
        "when", str, enum=list(selectors.WHEN_CHOICES), description="Default upcoming"
    ),
    OpenApiParameter("q", str, description="Search title, description, venue, address"),
    OpenApiParameter("status", str, enum=EventStatus.values, description="Organizers only"),
    OpenApiParameter("mode", str, enum=["online", "in_person"]),
    OpenApiParameter("from", OpenApiTypes.DATE, description="Events ending on or after"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Events starting on or before"),
]


def _date_param(request, name: str):
    from datetime import date

    text = request.query_params.get(name, "")
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise serializers.ValidationError({name: ["Use YYYY-MM-DD."]}) from error


# An event people registered for is cancelled, not deleted: 409.
@extend_schema_view(destroy=extend_schema(responses={204: None, 409: ApiError}))
class EventViewSet(viewsets.ModelViewSet):
    serializer_class = EventSerializer
    # IsAuthenticatedOrReadOnly first tells the schema that reading needs no login.
    permission_classes = [IsAuthenticatedOrReadOnly, ReadOrAdmin]

    def get_queryset(self):
        if self.action == "list":
            when = self.request.query_params.get("when", "upcoming")
            return selectors.event_list(
                user=self.request.user,
                when=when if when in selectors.WHEN_CHOICES else "upcoming",
                query=self.request.query_params.get("q", "")[:200],
                status=self.request.query_params.get("status", ""),
                mode=self.request.query_params.get("mode", ""),
                start=_date_param(self.request, "from"),
                end=_date_param(self.request, "to"),
            )
        return selectors.visible_events(self.request.user).prefetch_related("ticket_types")

    @extend_schema(parameters=LIST_PARAMETERS, summary="List events (upcoming by default)")
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _values(self, serializer) -> dict:
        return {
            f: serializer.validated_data[f]
            for f in services.EVENT_FIELDS
            if f in serializer.validated_data
        }

    def perform_create(self, serializer):
        serializer.instance = services.create_event(
            organization=current_organization(),
            acting_user=self.request.user,
            **self._values(serializer),
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_event(
            acting_user=self.request.user, event=serializer.instance, **self._values(serializer)
        )

    def perform_destroy(self, instance):
        services.delete_event(acting_user=self.request.user, event=instance)

    @extend_schema(
        request=None, responses=EventSerializer, summary="Cancel the event (refunds, emails)"
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAdmin])
    def cancel(self, request, pk=None):
        event = services.cancel_event(acting_user=request.user, event=self.get_object())
        return Response(self.get_serializer(event).data)

    @extend_schema(
        request=RegisterSerializer,
        responses={201: RegisteredSerializer},
        summary="Register (free: confirmed; paid: a Stripe Checkout URL)",
    )
    @action(detail=True, methods=["post"], permission_classes=[AllowAny])
    def register(self, request, pk=None):
        event = self.get_object()
        body = RegisterSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        items: dict[int, int] = {}
        for item in body.validated_data["items"]:
            items[item["ticket_type"]] = items.get(item["ticket_type"], 0) + item["quantity"]
        placed = services.place_order(
            organization=current_organization(),
            event=event,
            items=items,
            email=body.validated_data["email"],
            name=body.validated_data["name"],
            user=request.user,
            pay_offline=body.validated_data["pay_offline"],
        )
        order = selectors.order_by_token(placed.order.token)
        return Response(
            {"order": OrderSerializer(order).data, "checkout_url": placed.checkout_url},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=WaitlistJoinSerializer,
        summary="Join the waiting list of a sold-out type",
        responses={
            201: inline_serializer(
                "WaitlistJoined",
                {"id": serializers.IntegerField(), "status": serializers.CharField()},
            )
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[AllowAny])
    def waitlist(self, request, pk=None):
        event = self.get_object()
        body = WaitlistJoinSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ticket_type = TicketType.objects.filter(
            pk=body.validated_data["ticket_type"], event=event
        ).first()
        if ticket_type is None:
            raise serializers.ValidationError({"ticket_type": ["Not a ticket type of this event."]})
        entry = services.join_waitlist(
            event=event,
            ticket_type=ticket_type,
            email=body.validated_data["email"],
            name=body.validated_data["name"],
            user=request.user,
        )
        return Response({"id": entry.pk, "status": entry.status}, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CheckInSerializer,
        responses=CheckInResultSerializer,
        summary="Check a ticket in (moderators and admins); idempotent",
    )
    @action(detail=True, methods=["post"], url_path="check-in", permission_classes=[IsModerator])
    def check_in(self, request, pk=None):
        event = self.get_object()
        body = CheckInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = services.check_in(
            acting_user=request.user, event=event, code=body.validated_data["code"]
        )
        return Response(
            {
                "result": result.result,
                "message": result.message,
                "checked_in_at": result.checked_in_at,
                "ticket": TicketSerializer(result.ticket).data if result.ticket else None,
            }
        )

    @extend_schema(
        responses=inline_serializer(
            "EventStats",
            {
                "confirmed_orders": serializers.IntegerField(),
                "pending_orders": serializers.IntegerField(),
                "revenue": serializers.DecimalField(max_digits=12, decimal_places=2),
                "refunded": serializers.DecimalField(max_digits=12, decimal_places=2),
                "tickets": serializers.IntegerField(),
                "checked_in": serializers.IntegerField(),
                "waiting": serializers.IntegerField(),
                "per_day": serializers.ListField(child=serializers.DictField()),
            },
        ),
        summary="Sales, registrations per day and check-in progress (admins)",
    )
    @action(detail=True, methods=["get"], permission_classes=[IsAdmin])
    def stats(self, request, pk=None):
        event = self.get_object()
        data = selectors.dashboard(event)
        return Response(
            {
                "confirmed_orders": data["orders"]["confirmed"],
                "pending_orders": data["orders"]["pending"],
                # Money as decimal strings, as the schema says (and never a float).
                "revenue": str(data["orders"]["revenue"] or Decimal("0.00")),
                "refunded": str(data["orders"]["refunded"] or Decimal("0.00")),
                "tickets": data["checkin"]["total"],
                "checked_in": data["checkin"]["checked_in"],
                "waiting": data["waiting"],
                "per_day": [
                    {
                        "day": bar["day"].isoformat(),
                        "tickets": bar["count"],
                        "revenue": str(bar["revenue"]),
                    }
                    for bar in data["chart"]["bars"]
                ],
            }
        )


# A ticket type already ordered cannot be deleted: 409.
@extend_schema_view(destroy=extend_schema(responses={204: None, 409: ApiError}))
class TicketTypeViewSet(viewsets.ModelViewSet):
    """Ticket types of events (admins)."""

    serializer_class = TicketTypeSerializer
    permission_classes = [IsAdmin]

    def get_queryset(self):
        queryset = TicketType.objects.select_related("event")
        event = self.request.query_params.get("event", "")
        if event.isdigit():
            queryset = queryset.filter(event_id=int(event))
        return queryset.order_by("event_id", "position", "id")

    @extend_schema(
        parameters=[OpenApiParameter("event", int, description="Only this event's types")]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _values(self, serializer) -> dict:
        return {
            f: serializer.validated_data[f]
            for f in services.TYPE_FIELDS
            if f in serializer.validated_data
        }

    def perform_create(self, serializer):
        serializer.instance = services.create_ticket_type(
            acting_user=self.request.user,
            event=serializer.validated_data["event"],
            **self._values(serializer),
        )

    def perform_update(self, serializer):
        if (
            "event" in serializer.validated_data
            and serializer.validated_data["event"] != serializer.instance.event
        ):
            raise serializers.ValidationError(
                {"event": ["A ticket type cannot move to another event."]}
            )
        serializer.instance = services.update_ticket_type(
            acting_user=self.request.user,
            ticket_type=serializer.instance,
            **self._values(serializer),
        )

    def perform_destroy(self, instance):
        services.delete_ticket_type(acting_user=self.request.user, ticket_type=instance)


class OrderViewSet(viewsets.ReadOnlyModelViewSet):
    """Orders: your own (members), every order (admins)."""

    serializer_class = OrderSerializer
    permission_classes = [IsAuthenticated]
    queryset = Order.objects.none()  # for the schema; get_queryset filters by user

    def get_queryset(self):
        queryset = Order.objects.select_related("event").prefetch_related(
            "tickets__ticket_type", "tickets__order"
        )
        if not selectors.can_organize(self.request.user):
            queryset = queryset.filter(user=self.request.user)
        event = self.request.query_params.get("event", "")
        if event.isdigit():
            queryset = queryset.filter(event_id=int(event))
        state = self.request.query_params.get("status", "")
        if state:
            queryset = queryset.filter(status=state)
        return queryset

    @extend_schema(
        parameters=[
            OpenApiParameter("event", int),
            OpenApiParameter("status", str, enum=["pending", "confirmed", "expired", "cancelled"]),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class TicketViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Tickets: your own (members), every attendee (admins), with search."""

    serializer_class = TicketSerializer
    permission_classes = [IsAuthenticated]
    queryset = Ticket.objects.none()  # for the schema; get_queryset filters by user

    def get_queryset(self):
        queryset = Ticket.objects.select_related("ticket_type", "order")
        if not selectors.can_organize(self.request.user):
            queryset = queryset.filter(order__user=self.request.user)
        event = self.request.query_params.get("event", "")
        if event.isdigit():
            queryset = queryset.filter(event_id=int(event))
        query = self.request.query_params.get("q", "")[:200]
        if query:
            queryset = (
                queryset.filter(attendee_name__icontains=query)
                | queryset.filter(attendee_email__icontains=query)
                | queryset.filter(code=documents_code(query))
            )
        return queryset.order_by("id")

    @extend_schema(parameters=[OpenApiParameter("event", int), OpenApiParameter("q", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=inline_serializer(
            "CancelTicket", {"refund": serializers.BooleanField(default=True)}
        ),
        responses=inline_serializer(
            "TicketCancelled",
            {"refunded": serializers.DecimalField(max_digits=12, decimal_places=2)},
        ),
        summary="Cancel one attendee (admins)",
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAdmin])
    def cancel(self, request, pk=None):
        ticket = self.get_object()
        refund = request.data.get("refund", True) not in (False, "false", "0", 0)
        refunded = services.cancel_ticket(acting_user=request.user, ticket=ticket, refund=refund)
        return Response({"refunded": str(refunded)})


def documents_code(text: str) -> str:
    return services.normalize_code(text)
