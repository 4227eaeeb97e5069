from django.apps import AppConfig


class StoreConfig(AppConfig):
    name = "tenant_apps.store"
    label = "store"
    verbose_name = "Store"

    def ready(self) -> None:
        from shared_apps.billing import payments
        from tenant_apps.notifications.registry import register_kind
        from tenant_apps.store import demo, services, signals  # noqa: F401
        from tenants.scheduler import periodic_task

        # Per tenant: the sweeper that gives back stock of reservations whose payment lapsed.
        periodic_task(
            "store-release-lapsed-reservations",
            task="tenant_apps.store.tasks.release_lapsed_reservations",
            schedule=300.0,
        )

        register_kind("store.low_stock", "Low stock in the store (admins)", default="each")
        register_kind("store.new_order", "New orders in the store (admins)", default="off")
        payments.on_connected_event("checkout.session.completed")(services.on_checkout_completed)
        payments.on_connected_event("checkout.session.expired")(services.on_checkout_expired)
        payments.on_connected_event("charge.refunded")(services.on_charge_refunded)
