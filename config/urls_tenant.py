"""URLs of every organization's site (<slug>.<base domain> and its custom domains)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from rest_framework.routers import SimpleRouter

from config.api_urls import docs_urlpatterns
from core import views as core_views
from shared_apps.accounts import views as account_views
from tenant_apps.members import api as members_api

router = SimpleRouter()
router.register("tokens", members_api.ApiTokenViewSet, basename="api-token")

api_v1 = [
    path("me/", members_api.me, name="api-me"),
    *router.urls,
    *docs_urlpatterns("config.urls_tenant"),
]

urlpatterns = [
    path("", core_views.tenant_home, name="home"),
    path("accounts/handoff/", account_views.login_handoff, name="login_handoff"),
    path("accounts/", include("allauth.urls")),
    path("", include("tenant_apps.members.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("console/", include("tenant_apps.console.urls")),
    path("api/v1/console/", include("tenant_apps.console.api_urls")),
    path("billing/", include("shared_apps.billing.urls")),
    path("api/v1/billing/", include("shared_apps.billing.api_urls")),
    path("notifications/", include("tenant_apps.notifications.urls")),
    path("api/v1/notifications/", include("tenant_apps.notifications.api_urls")),
    path("forum/", include("tenant_apps.forum.urls")),
    path("api/v1/forum/", include("tenant_apps.forum.api_urls")),
    path("tasks/", include("tenant_apps.tasks.urls")),
    path("api/v1/tasks/", include("tenant_apps.tasks.api_urls")),
    path("store/", include("tenant_apps.store.urls")),
    path("api/v1/store/", include("tenant_apps.store.api_urls")),
    path("events/", include("tenant_apps.events.urls")),
    path("api/v1/events/", include("tenant_apps.events.api_urls")),
    path("recipes/", include("tenant_apps.recipes.urls")),
    path("api/v1/recipes/", include("tenant_apps.recipes.api_urls")),
    path("links/", include("tenant_apps.links.urls")),
    path("api/v1/links/", include("tenant_apps.links.api_urls")),
]

if settings.SERVE_MEDIA:
    from tenants.storage import media_urlpatterns

    urlpatterns += media_urlpatterns()

# Short links answer at the root of the site (/<code>), so they come after every other page.
urlpatterns += [path("", include("tenant_apps.links.redirect_urls"))]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
