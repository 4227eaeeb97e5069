from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "tenant_apps.events"
    label = "events"
    verbose_name = "Events"

    def ready(self) -> None:
        from shared_apps.billing import payments
        from tenant_apps.events import demo, handlers  # noqa: F401  (demo registers data)
        from tenant_apps.notifications.registry import register_topic

        register_topic("events.checkin", handlers.can_follow_checkin)
        payments.on_connected_event("checkout.session.completed")(handlers.checkout_completed)
        payments.on_connected_event("checkout.session.expired")(handlers.checkout_expired)
