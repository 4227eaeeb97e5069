"""URLs of the public site (the bare base domain and www.)."""

from django.urls import include, path

from config.api_urls import docs_urlpatterns
from shared_apps.signup import api as signup_api
from shared_apps.signup import views as signup_views
from tenants.admin import platform_admin

api_v1 = [
    path("subdomains/check/", signup_api.check_subdomain, name="api-subdomain-check"),
    *docs_urlpatterns("config.urls_public"),
]

urlpatterns = [
    path("", signup_views.landing, name="home"),
    path("signup/", signup_views.signup, name="signup"),
    path("signup/check-subdomain/", signup_views.check_subdomain, name="signup-check-subdomain"),
    path("accounts/", include("allauth.urls")),
    path("admin/", platform_admin.urls),
    path("api/v1/", include(api_v1)),
    path("billing/", include("shared_apps.billing.public_urls")),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
