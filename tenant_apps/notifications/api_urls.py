from django.urls import path
from rest_framework.routers import SimpleRouter

from tenant_apps.notifications import api

app_name = "notifications-api"
router = SimpleRouter()
router.register("", api.NotificationViewSet, basename="notification")
urlpatterns = [
    path("preferences/", api.PreferencesView.as_view(), name="preferences"),
    *router.urls,
]
