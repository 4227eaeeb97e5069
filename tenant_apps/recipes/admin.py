from django.contrib import admin

from tenant_apps.recipes import services
from tenant_apps.recipes.models import (
    Collection,
    Comment,
    DietaryTag,
    Ingredient,
    MealPlanEntry,
    Rating,
    Recipe,
    RecipePhoto,
    RecipeSettings,
    ShoppingItem,
    ShoppingList,
    Step,
)


class IngredientInline(admin.TabularInline):
    model = Ingredient
    extra = 0
    fields = ["position", "quantity", "quantity_max", "unit", "food", "note", "original"]


class StepInline(admin.StackedInline):
    model = Step
    extra = 0
    fields = ["position", "text", "timer_minutes", "image"]


class PhotoInline(admin.TabularInline):
    model = RecipePhoto
    extra = 0
    fields = ["image", "caption"]


@admin.register(Recipe)
class RecipeAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "status", "cuisine", "course", "total_minutes", "created_at"]
    list_filter = ["status", "course", "tags"]
    search_fields = ["title", "cuisine", "ingredient_text"]
    list_select_related = ["author"]
    raw_id_fields = ["author"]
    filter_horizontal = ["tags"]
    readonly_fields = ["total_minutes", "version", "created_at", "updated_at", "published_at"]
    inlines = [IngredientInline, StepInline, PhotoInline]

    actions = ["rebuild_search_index"]

    @admin.action(description="Rebuild the search index of the selected recipes")
    def rebuild_search_index(self, request, queryset):
        from django.db import transaction

        from tenant_apps.recipes.tasks import reindex_recipes

        ids = list(queryset.values_list("pk", flat=True))
        transaction.on_commit(lambda: reindex_recipes.delay(ids))
        self.message_user(request, f"Re-indexing {len(ids)} recipe(s) in the background.")

    def save_related(self, request, form, formsets, change):
        # Admin edits bypass the services, so the search index is refreshed here.
        super().save_related(request, form, formsets, change)
        services.refresh_search_index(recipe_id=form.instance.pk)


@admin.register(DietaryTag)
class DietaryTagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_builtin"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["recipe", "author", "created_at"]
    search_fields = ["body"]
    raw_id_fields = ["recipe", "author"]


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["recipe", "user", "score", "updated_at"]
    raw_id_fields = ["recipe", "user"]


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "created_at"]
    raw_id_fields = ["owner", "recipes"]


@admin.register(MealPlanEntry)
class MealPlanEntryAdmin(admin.ModelAdmin):
    list_display = ["date", "meal", "recipe", "user", "servings"]
    list_filter = ["meal"]
    raw_id_fields = ["recipe", "user"]


class ShoppingItemInline(admin.TabularInline):
    model = ShoppingItem
    extra = 0


@admin.register(ShoppingList)
class ShoppingListAdmin(admin.ModelAdmin):
    list_display = ["__str__", "owner", "created_at"]
    raw_id_fields = ["owner"]
    inlines = [ShoppingItemInline]


@admin.register(RecipeSettings)
class RecipeSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "default_unit_system", "who_may_publish", "allow_comments"]

    def has_add_permission(self, request):
        return not RecipeSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
