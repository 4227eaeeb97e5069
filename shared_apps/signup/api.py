from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from tenants.selectors import subdomain_problem
from tenants.validators import normalize_subdomain


class SubdomainCheckSerializer(serializers.Serializer):
    subdomain = serializers.CharField()
    host = serializers.CharField()
    available = serializers.BooleanField()
    message = serializers.CharField(allow_null=True)


class SubdomainThrottle(ScopedRateThrottle):
    scope = "subdomain_check"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


@extend_schema(
    parameters=[OpenApiParameter("subdomain", str, required=True)],
    responses=SubdomainCheckSerializer,
    summary="Is this subdomain free for a new organization?",
)
@api_view(["GET"])
@permission_classes([AllowAny])
@throttle_classes([SubdomainThrottle])
def check_subdomain(request):
    subdomain = normalize_subdomain(request.query_params.get("subdomain", ""))
    problem = subdomain_problem(subdomain)
    return Response(
        {
            "subdomain": subdomain,
            "host": f"{subdomain}.{settings.BASE_DOMAIN}",
            "available": problem is None,
            "message": problem,
        }
    )
