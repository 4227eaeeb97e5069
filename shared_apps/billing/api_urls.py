from django.urls import path

from shared_apps.billing import api

app_name = "billing-api"
urlpatterns = [path("entitlements/", api.entitlements_view, name="entitlements")]
