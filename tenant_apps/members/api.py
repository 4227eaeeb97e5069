from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from tenant_apps.members import selectors, services
from tenant_apps.members.models import ApiToken


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField()
    role = serializers.CharField()


@extend_schema(responses=MeSerializer, summary="The authenticated member")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def me(request):
    user = request.user
    return Response(
        {"id": user.pk, "email": user.email, "name": user.name, "role": selectors.role_of(user)}
    )


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
        read_only_fields = ["id", "prefix", "created_at", "last_used_at", "revoked_at"]


class ApiTokenViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The authenticated member's own API tokens. Deleting revokes."""

    serializer_class = ApiTokenSerializer
    permission_classes = [IsAuthenticated]
    # Tells the OpenAPI schema the model (so `{id}` is an integer); get_queryset decides at run
    # time, and `.none()` would give nothing if it were ever used instead.
    queryset = ApiToken.objects.none()

    def get_queryset(self):
        return selectors.tokens_of(self.request.user)

    @extend_schema(
        responses={
            201: inline_serializer(
                "IssuedApiToken",
                {"token": ApiTokenSerializer(), "key": serializers.CharField()},
            )
        },
        summary="Create a token; the key is returned once",
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issued = services.create_api_token(
            user=request.user, name=serializer.validated_data["name"]
        )
        return Response(
            {"token": ApiTokenSerializer(issued.token).data, "key": issued.key},
            status=status.HTTP_201_CREATED,
        )

    def destroy(self, request, *args, **kwargs):
        token = self.get_object()
        services.revoke_api_token(user=request.user, token_id=token.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
