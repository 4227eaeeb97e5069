"""Recipes, their ingredients and steps, what members do with them (ratings, comments,
favourites, collections) and the meal planner with its shopping lists."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q

from tenant_apps.recipes import units

TITLE_MAX = 200


TEXT_MAX = 20_000


class UnitSystem(models.TextChoices):
    METRIC = units.METRIC, "Metric (g, ml)"
    US = units.US, "US (cups, oz)"


class Publishers(models.TextChoices):
    MEMBERS = "members", "Every member"
    MODERATORS = "moderators", "Moderators and admins only"


class RecipeSettings(models.Model):
    """The site's recipe settings: one row per tenant (id is always 1)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    default_unit_system = models.CharField(
        max_length=8, choices=UnitSystem.choices, default=UnitSystem.METRIC
    )
    who_may_publish = models.CharField(
        max_length=16, choices=Publishers.choices, default=Publishers.MEMBERS
    )
    allow_comments = models.BooleanField(default=True)

    class Meta:
        verbose_name = "recipe settings"
        verbose_name_plural = "recipe settings"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="recipe_settings_single")]

    def __str__(self) -> str:
        return "Recipe settings"


class DietaryTag(models.Model):
    """Vegetarian, vegan... the four built-in ones plus whatever the site defines."""

    name = models.CharField(max_length=50)
    slug = models.SlugField(max_length=60, unique=True)
    is_builtin = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Course(models.TextChoices):
    BREAKFAST = "breakfast", "Breakfast"
    STARTER = "starter", "Starter"
    MAIN = "main", "Main course"
    SIDE = "side", "Side dish"
    DESSERT = "dessert", "Dessert"
    SNACK = "snack", "Snack"
    DRINK = "drink", "Drink"
    BAKING = "baking", "Baking"
    OTHER = "other", "Other"


class Recipe(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="recipes"
    )
    title = models.CharField(max_length=TITLE_MAX)
    description = models.TextField(blank=True, max_length=TEXT_MAX)
    servings = models.PositiveSmallIntegerField(default=4)
    prep_minutes = models.PositiveIntegerField(null=True, blank=True)
    cook_minutes = models.PositiveIntegerField(null=True, blank=True)
    total_minutes = models.PositiveIntegerField(null=True, blank=True)
    cuisine = models.CharField(max_length=60, blank=True)
    course = models.CharField(max_length=16, choices=Course.choices, blank=True)
    tags = models.ManyToManyField(DietaryTag, blank=True, related_name="recipes")
    image = models.ImageField(upload_to="recipes/images/", blank=True, max_length=300)
    notes = models.TextField(blank=True, max_length=TEXT_MAX)
    source_url = models.URLField(blank=True, max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Food names of the ingredients, so that full-text search finds "chickpea" recipes.
    ingredient_text = models.TextField(blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    # Bumped on every save; an edit made from a stale form is refused instead of lost.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            GinIndex(fields=["search_vector"], name="recipe_search_gin"),
            models.Index(fields=["status", "-created_at"], name="recipe_status_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(servings__gte=1) & Q(servings__lte=500), name="recipe_servings_range"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="recipe_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class RecipePhoto(models.Model):
    """More photos of a recipe beyond its cover (the cover is Recipe.image)."""

    recipe = models.ForeignKey(Recipe, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="recipes/photos/", max_length=300)
    caption = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.caption or f"Photo of {self.recipe_id}"


class Ingredient(models.Model):
    """One structured ingredient line. ``quantity`` is None for "salt to taste"."""

    recipe = models.ForeignKey(Recipe, on_delete=models.CASCADE, related_name="ingredients")
    position = models.PositiveSmallIntegerField()
    quantity = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    quantity_max = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    unit = models.CharField(max_length=20, blank=True)
    food = models.CharField(max_length=200)
    note = models.CharField(max_length=300, blank=True)
    original = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["recipe", "position"], name="ingredient_position"),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="ingredient_quantity_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.original or self.food


class Step(models.Model):
    recipe = models.ForeignKey(Recipe, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    text = models.TextField(max_length=5000)
    image = models.ImageField(upload_to="recipes/steps/", blank=True, max_length=300)
    timer_minutes = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["recipe", "position"], name="step_position"),
            models.CheckConstraint(
                condition=Q(timer_minutes__isnull=True) | Q(timer_minutes__lte=7 * 24 * 60),
                name="step_timer_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Step {self.position + 1}"


class Rating(models.Model):
    recipe = models.ForeignKey(Recipe, on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    score = models.PositiveSmallIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipe", "user"], name="rating_once_per_member"),
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="rating_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score}/5"


class Comment(models.Model):
    recipe = models.ForeignKey(Recipe, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.body[:60]


class Favourite(models.Model):
    recipe = models.ForeignKey(Recipe, on_delete=models.CASCADE, related_name="favourites")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipe", "user"], name="favourite_once_per_member")
        ]

    def __str__(self) -> str:
        return f"favourite #{self.recipe_id}"


class Collection(models.Model):
    """A member's personal folder of recipes ("Weeknight dinners")."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recipe_collections"
    )
    name = models.CharField(max_length=100)
    recipes = models.ManyToManyField(Recipe, blank=True, related_name="collections")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="collection_name_per_owner")
        ]

    def __str__(self) -> str:
        return self.name


class Meal(models.TextChoices):
    BREAKFAST = "breakfast", "Breakfast"
    LUNCH = "lunch", "Lunch"
    DINNER = "dinner", "Dinner"
    SNACK = "snack", "Snack"


class MealPlanEntry(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meal_plan_entries"
    )
    date = models.DateField()
    meal = models.CharField(max_length=10, choices=Meal.choices)
    recipe = models.ForeignKey(Recipe, on_delete=models.CASCADE, related_name="plan_entries")
    servings = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["date", "meal", "pk"]
        indexes = [models.Index(fields=["user", "date"], name="mealplan_user_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(servings__gte=1) & Q(servings__lte=500), name="mealplan_servings"
            ),
            models.CheckConstraint(
                condition=Q(meal__in=[m.value for m in Meal]), name="mealplan_meal_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.meal}"


class ShoppingList(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shopping_lists"
    )
    start = models.DateField()
    end = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="shopping_range_order")
        ]

    def __str__(self) -> str:
        return f"{self.start:%d %b} \N{EN DASH} {self.end:%d %b %Y}"


class ShoppingItem(models.Model):
    shopping_list = models.ForeignKey(ShoppingList, on_delete=models.CASCADE, related_name="items")
    food = models.CharField(max_length=200)
    quantity = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    unit = models.CharField(max_length=20, blank=True)
    aisle = models.CharField(max_length=20)
    is_checked = models.BooleanField(default=False)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.food
