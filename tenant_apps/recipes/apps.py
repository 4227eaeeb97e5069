from django.apps import AppConfig


class RecipesConfig(AppConfig):
    name = "tenant_apps.recipes"
    label = "recipes"
    verbose_name = "Recipes"

    def ready(self) -> None:
        from tenant_apps.notifications.registry import register_kind
        from tenant_apps.recipes import demo  # noqa: F401  (registers the demo data)

        register_kind("recipes.comment", "Comments on my recipes", default="each")
