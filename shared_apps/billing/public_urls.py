from django.urls import path

from shared_apps.billing import public_views

app_name = "billing-public"
urlpatterns = [path("stripe/webhook/", public_views.stripe_webhook, name="stripe_webhook")]
