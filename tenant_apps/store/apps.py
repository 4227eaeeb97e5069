from django.apps import AppConfig


class StoreConfig(AppConfig):
    name = "tenant_apps.store"
    label = "store"
    verbose_name = "Store"
