"""The organization's entitlements over the API, so front ends can hide what the plan lacks."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.response import Response

from shared_apps.billing import entitlements, payments
from tenant_apps.members.permissions import HasRole
from tenants.context import current_organization


class LimitsSerializer(serializers.Serializer):
    members = serializers.IntegerField(allow_null=True)
    products = serializers.IntegerField(allow_null=True)
    events_per_month = serializers.IntegerField(allow_null=True)
    short_links = serializers.IntegerField(allow_null=True)
    storage_bytes = serializers.IntegerField(allow_null=True)
    custom_domains = serializers.IntegerField(allow_null=True)


class EntitlementsSerializer(serializers.Serializer):
    plan = serializers.CharField()
    status = serializers.CharField()
    apps = serializers.ListField(child=serializers.CharField())
    limits = LimitsSerializer(help_text="null means unlimited")
    read_only = serializers.BooleanField()
    grace_ends_at = serializers.DateTimeField(allow_null=True)
    payments_enabled = serializers.BooleanField()


@extend_schema(responses=EntitlementsSerializer, summary="What this site's plan allows")
@api_view(["GET"])
@permission_classes([HasRole])
def entitlements_view(request):
    organization = current_organization()
    state = entitlements.billing_state(organization)
    return Response(
        {
            "plan": state["plan"],
            "status": state["status"],
            "apps": sorted(state["apps"]),
            "limits": state["limits"],
            "read_only": entitlements.is_read_only(organization),
            "grace_ends_at": entitlements.grace_ends_at(organization),
            "payments_enabled": payments.payments_enabled(organization),
        }
    )
