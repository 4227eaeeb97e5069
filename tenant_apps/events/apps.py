from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "tenant_apps.events"
    label = "events"
    verbose_name = "Events"

    def ready(self) -> None:
        from shared_apps.billing import payments
        from tenant_apps.events import demo, handlers  # noqa: F401  (demo registers data)
        from tenant_apps.notifications.registry import register_kind, register_topic
        from tenants.scheduler import periodic_task

        # Per tenant: reminders 24 h ahead (each order claimed once), and the safety net for
        # seat holds and waiting-list offers whose own timed task was lost.
        periodic_task(
            "events-send-reminders", task="tenant_apps.events.tasks.send_reminders", schedule=900.0
        )
        periodic_task(
            "events-release-lapsed-holds",
            task="tenant_apps.events.tasks.release_lapsed_holds",
            schedule=60.0,
        )

        register_topic("events.checkin", handlers.can_follow_checkin)
        # In-site only (the emails with the PDF tickets are the events app's own): the bell
        # shows signed-in members their registrations, cancellations and waiting-list offers.
        register_kind("events.registration", "My event registrations and tickets", default="off")
        register_kind("events.waitlist", "A seat offered from a waiting list", default="off")
        payments.on_connected_event("checkout.session.completed")(handlers.checkout_completed)
        payments.on_connected_event("checkout.session.expired")(handlers.checkout_expired)
