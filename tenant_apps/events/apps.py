from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "tenant_apps.events"
    label = "events"
    verbose_name = "Events"

    def ready(self) -> None:
        from shared_apps.billing import payments
        from tenant_apps.events import demo, handlers  # noqa: F401  (demo registers data)
        from tenant_apps.notifications.registry import register_kind, register_topic

        register_topic("events.checkin", handlers.can_follow_checkin)
        # In-site only (the emails with the PDF tickets are the events app's own): the bell
        # shows signed-in members their registrations, cancellations and waiting-list offers.
        register_kind("events.registration", "My event registrations and tickets", default="off")
        register_kind("events.waitlist", "A seat offered from a waiting list", default="off")
        payments.on_connected_event("checkout.session.completed")(handlers.checkout_completed)
        payments.on_connected_event("checkout.session.expired")(handlers.checkout_expired)
