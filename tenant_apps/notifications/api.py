"""REST API of notifications: a user's own notifications and preferences, nobody else's."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from tenant_apps.notifications import registry, selectors, services
from tenant_apps.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "url",
            "actor",
            "target_type",
            "target_id",
            "is_read",
            "read_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_actor(self, notification) -> str | None:
        return notification.actor.display_name if notification.actor else None


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=80)
    label = serializers.CharField(read_only=True)
    delivery = serializers.ChoiceField(choices=registry.DELIVERY_CHOICES)
    default = serializers.CharField(read_only=True)


UnreadSerializer = inline_serializer("UnreadCount", {"unread": serializers.IntegerField()})
MarkedSerializer = inline_serializer("MarkedRead", {"marked": serializers.IntegerField()})


@extend_schema_view(
    list=extend_schema(
        summary="List my notifications",
        parameters=[
            OpenApiParameter(
                "unread",
                OpenApiTypes.BOOL,
                description="Only unread notifications when true.",
            )
        ],
    )
)
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The signed-in user's notifications, newest first. `?unread=true` lists unread only."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    queryset = Notification.objects.none()
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        unread_only = self.request.query_params.get("unread", "").lower() in ("1", "true", "yes")
        return selectors.notifications_for(user=self.request.user, unread_only=unread_only)

    @extend_schema(
        summary="Mark one notification read",
        description="Returns the user's unread count afterwards. 404 if it is not theirs.",
        request=None,
        responses=UnreadSerializer,
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        try:
            notification_id = int(pk)
        except (TypeError, ValueError):
            raise NotFound from None
        if not Notification.objects.filter(pk=notification_id, recipient=request.user).exists():
            raise NotFound
        unread = services.mark_read(user=request.user, notification_id=notification_id)
        return Response({"unread": unread})

    @extend_schema(
        summary="Mark all my notifications read",
        description="Returns how many were unread.",
        request=None,
        responses=MarkedSerializer,
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.mark_all_read(user=request.user)})

    @extend_schema(summary="My unread count", responses=UnreadSerializer)
    @action(detail=False, methods=["get"])
    def unread(self, request):
        return Response({"unread": selectors.unread_count(user=request.user)})


class PreferencesView(APIView):
    """Delivery per notification kind: "each", "digest", "off" (in-site only) or "muted"."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="My delivery for every notification kind",
        responses=PreferenceSerializer(many=True),
    )
    def get(self, request):
        return Response(
            PreferenceSerializer(selectors.preferences_of(user=request.user), many=True).data
        )

    @extend_schema(
        summary="Change my delivery for some kinds",
        description="Send a list of {kind, delivery}; kinds not listed keep their delivery. "
        "An unknown kind or delivery is a 400 naming it.",
        request=PreferenceSerializer(many=True),
        responses=PreferenceSerializer(many=True),
    )
    def put(self, request):
        serializer = PreferenceSerializer(data=request.data, many=True)
        serializer.is_valid(raise_exception=True)
        services.set_preferences(
            user=request.user,
            deliveries={item["kind"]: item["delivery"] for item in serializer.validated_data},
        )
        return Response(
            PreferenceSerializer(selectors.preferences_of(user=request.user), many=True).data
        )
