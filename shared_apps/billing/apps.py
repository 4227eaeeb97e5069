from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "shared_apps.billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self):
        from shared_apps.billing import tasks  # noqa: F401  (registers the Celery task)
