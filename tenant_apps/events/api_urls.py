from rest_framework.routers import SimpleRouter

from tenant_apps.events import api

app_name = "events-api"

router = SimpleRouter()
router.register("events", api.EventViewSet, basename="event")
router.register("ticket-types", api.TicketTypeViewSet, basename="ticket-type")
router.register("orders", api.OrderViewSet, basename="order")
router.register("tickets", api.TicketViewSet, basename="ticket")

urlpatterns = router.urls
