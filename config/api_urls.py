"""/api/v1/ schema and docs, on both kinds of host, each describing its own host's API."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


def docs_urlpatterns(urlconf: str) -> list:
    return [
        path("schema/", SpectacularAPIView.as_view(urlconf=urlconf), name="api-schema"),
        path(
            "docs/",
            SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
            name="api-docs",
        ),
    ]
