from django.urls import path

from shared_apps.billing import views

app_name = "billing"
urlpatterns = [
    path("", views.index, name="index"),
    path("choose/", views.choose_plan, name="choose"),
    path("portal/", views.portal, name="portal"),
    path("payments/", views.payments_page, name="payments"),
    path("payments/connect/", views.connect, name="connect"),
]
