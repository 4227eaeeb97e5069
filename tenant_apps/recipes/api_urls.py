from rest_framework.routers import SimpleRouter

from tenant_apps.recipes import api

app_name = "recipes-api"

router = SimpleRouter()
router.register("recipes", api.RecipeViewSet, basename="recipe")
router.register("tags", api.DietaryTagViewSet, basename="tag")
router.register("collections", api.CollectionViewSet, basename="collection")
router.register("meal-plan", api.MealPlanViewSet, basename="meal-plan")
router.register("shopping-lists", api.ShoppingListViewSet, basename="shopping-list")

urlpatterns = router.urls
