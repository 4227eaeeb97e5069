"""REST API of the recipes app, with the same permissions as the pages: anyone reads published
recipes; members write their own; moderators and admins edit any."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import (
    SAFE_METHODS,
    AllowAny,
    BasePermission,
    IsAuthenticatedOrReadOnly,
)
from rest_framework.response import Response

from core.openapi import ApiError
from tenant_apps.members.permissions import HasRole, IsAdmin
from tenant_apps.recipes import selectors, services, units
from tenant_apps.recipes.forms import validate_image
from tenant_apps.recipes.models import (
    Collection,
    Comment,
    Course,
    DietaryTag,
    Meal,
    MealPlanEntry,
    Recipe,
    ShoppingItem,
    ShoppingList,
)


def _body(request) -> dict:
    """The request's fields; a JSON body may be a string, a number or a list, which have none."""
    return request.data if isinstance(request.data, dict) else {}


class ReadOrMember(BasePermission):
    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or HasRole().has_permission(request, view)


class IngredientSerializer(serializers.Serializer):
    quantity = serializers.DecimalField(
        max_digits=12, decimal_places=4, allow_null=True, required=False, min_value=0
    )
    quantity_max = serializers.DecimalField(
        max_digits=12, decimal_places=4, allow_null=True, required=False, min_value=0
    )
    unit = serializers.CharField(max_length=20, allow_blank=True, required=False)
    food = serializers.CharField(max_length=200)
    note = serializers.CharField(max_length=300, allow_blank=True, required=False)
    original = serializers.CharField(max_length=500, allow_blank=True, required=False)


class StepSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    timer_minutes = serializers.IntegerField(
        min_value=1, max_value=7 * 24 * 60, allow_null=True, required=False
    )
    image = serializers.SerializerMethodField()

    def get_image(self, step) -> str | None:
        return step.image.url if getattr(step, "image", None) else None


class ScaledLineSerializer(serializers.Serializer):
    quantity = serializers.CharField()
    unit = serializers.CharField()
    food = serializers.CharField()
    note = serializers.CharField()


class RecipeSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.display_name", read_only=True, default="")
    tags = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=DietaryTag.objects.all(), required=False
    )
    rating_average = serializers.FloatField(
        source="rating_avg", read_only=True, default=None, allow_null=True
    )
    rating_count = serializers.IntegerField(read_only=True, default=0)
    image = serializers.ImageField(read_only=True, allow_null=True)
    ingredients = IngredientSerializer(many=True, required=False)
    ingredients_text = serializers.CharField(
        write_only=True,
        required=False,
        max_length=50_000,
        help_text="Free text, one ingredient a line; parsed. Used when `ingredients` is absent.",
    )
    steps = StepSerializer(many=True, required=False)
    course = serializers.ChoiceField(choices=Course.choices, allow_blank=True, required=False)
    version = serializers.IntegerField(
        required=False, help_text="Send back the version you read: a stale edit gets a 409."
    )

    class Meta:
        model = Recipe
        fields = [
            "id",
            "title",
            "description",
            "servings",
            "prep_minutes",
            "cook_minutes",
            "total_minutes",
            "cuisine",
            "course",
            "tags",
            "image",
            "notes",
            "source_url",
            "status",
            "author",
            "rating_average",
            "rating_count",
            "ingredients",
            "ingredients_text",
            "steps",
            "version",
            "created_at",
            "updated_at",
            "published_at",
        ]
        read_only_fields = ["total_minutes", "created_at", "updated_at", "published_at"]
        extra_kwargs = {
            "servings": {"min_value": 1, "max_value": 500},
            "prep_minutes": {"min_value": 0, "max_value": 10_000},
            "cook_minutes": {"min_value": 0, "max_value": 10_000},
        }


class RecipeListSerializer(RecipeSerializer):
    class Meta(RecipeSerializer.Meta):
        fields = [
            f for f in RecipeSerializer.Meta.fields if f not in ("ingredients", "steps", "version")
        ]


class RecipeDetailSerializer(RecipeSerializer):
    scaled = serializers.SerializerMethodField()

    class Meta(RecipeSerializer.Meta):
        fields = [*RecipeSerializer.Meta.fields, "scaled"]

    def get_scaled(self, recipe) -> dict:
        request = self.context["request"]
        try:
            servings = int(request.query_params.get("servings", recipe.servings))
        except ValueError:
            servings = recipe.servings
        servings = min(max(servings, 1), 500)
        system = request.query_params.get("units") or selectors.default_unit_system()
        if system not in (units.METRIC, units.US, "original"):
            system = selectors.default_unit_system()
        lines = selectors.scaled_ingredients(
            recipe, servings=servings, unit_system=None if system == "original" else system
        )
        return {
            "servings": servings,
            "units": system,
            "ingredients": ScaledLineSerializer(lines, many=True).data,
        }


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.display_name", read_only=True, default="")
    body = serializers.CharField(max_length=5000)

    class Meta:
        model = Comment
        fields = ["id", "author", "body", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


LIST_PARAMETERS = [
    OpenApiParameter("q", str, description="Full-text search (title, ingredients, cuisine...)"),
    OpenApiParameter("include", str, description="Comma-separated foods it must all contain"),
    OpenApiParameter("exclude", str, description="Comma-separated foods it must not contain"),
    OpenApiParameter("cuisine", str),
    OpenApiParameter("course", str, enum=Course.values),
    OpenApiParameter("diet", str, many=True, description="Dietary tag slugs (all must apply)"),
    OpenApiParameter("max_minutes", int, description="Maximum total time"),
    OpenApiParameter("min_rating", int, description="Minimum average rating, 1 to 5"),
    OpenApiParameter("sort", str, enum=list(selectors.SORTS)),
    OpenApiParameter("favourites", bool, description="Only my favourites"),
    OpenApiParameter("mine", bool, description="Only recipes I wrote"),
]


def _bad(field: str, message: str):
    from django.core.exceptions import ValidationError

    raise ValidationError({field: [message]})


def _int_param(request, name, low, high):
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError:
        _bad(name, "Enter a whole number.")
    if not low <= number <= high:
        _bad(name, f"Enter a number from {low} to {high}.")
    return number


class RecipeViewSet(viewsets.ModelViewSet):
    # IsAuthenticatedOrReadOnly first so that the OpenAPI schema marks reads as open to
    # anonymous visitors; ReadOrMember then requires a member of this site for writes.
    permission_classes = [IsAuthenticatedOrReadOnly, ReadOrMember]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_serializer_class(self):
        if self.action == "list":
            return RecipeListSerializer
        return RecipeDetailSerializer

    def get_queryset(self):
        request = self.request
        params = request.query_params
        if self.action != "list":
            return (
                selectors._with_ratings(selectors.visible_recipes(request.user))
                .select_related("author")
                .prefetch_related("tags", "ingredients", "steps")
            )
        course = params.get("course", "")
        if course and course not in Course.values:
            _bad("course", "Choose one of: " + ", ".join(Course.values))
        sort = params.get("sort", "")
        if sort and sort not in selectors.SORTS:
            _bad("sort", "Choose one of: " + ", ".join(selectors.SORTS))
        user = request.user if request.user.is_authenticated else None

        def words(name):
            return tuple(p.strip() for p in params.get(name, "").split(",") if p.strip())[:10]

        filters = selectors.RecipeFilters(
            q=params.get("q", "")[:200],
            include=words("include"),
            exclude=words("exclude"),
            cuisine=params.get("cuisine", "")[:60],
            course=course,
            diet=tuple(params.getlist("diet"))[:10],
            max_minutes=_int_param(request, "max_minutes", 1, 10_000),
            min_rating=_int_param(request, "min_rating", 1, 5),
            sort=sort,
            favourites_of=user if params.get("favourites") in ("1", "true") else None,
            author_id=user.pk if user and params.get("mine") in ("1", "true") else None,
        )
        return selectors.search_recipes(user=request.user, filters=filters)

    @extend_schema(parameters=LIST_PARAMETERS, summary="Search and filter recipes")
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        parameters=[
            OpenApiParameter("servings", int, description="Scale the ingredients to this"),
            OpenApiParameter("units", str, enum=["metric", "us", "original"]),
        ],
        summary="One recipe, with its ingredients scaled and converted",
    )
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    def _service_args(self, data):
        kwargs = {"data": {k: v for k, v in data.items() if k in services._FIELDS or k == "status"}}
        if "tags" in data:
            kwargs["tags"] = data["tags"]
        if "ingredients" in data:
            kwargs["ingredients"] = data["ingredients"]
        elif "ingredients_text" in data:
            kwargs["ingredients_text"] = data["ingredients_text"]
        if "steps" in data:
            kwargs["steps"] = [
                services.StepInput(text=s["text"], timer_minutes=s.get("timer_minutes"))
                for s in data["steps"]
            ]
        return kwargs

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        recipe = services.create_recipe(
            author=request.user, **self._service_args(serializer.validated_data)
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=recipe.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        responses={200: RecipeDetailSerializer, 409: ApiError},
        description="Send the `version` you read: if the recipe changed since, the answer is a "
        "409 and nothing is written.",
    )
    def partial_update(self, request, *args, **kwargs):
        recipe = self.get_object()
        serializer = self.get_serializer(recipe, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.update_recipe(
            recipe_id=recipe.pk,
            user=request.user,
            expected_version=serializer.validated_data.get("version"),
            **self._service_args(serializer.validated_data),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=recipe.pk)).data)

    def destroy(self, request, *args, **kwargs):
        recipe = self.get_object()
        services.delete_recipe(recipe_id=recipe.pk, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=inline_serializer("RatingIn", {"score": serializers.IntegerField()}),
        responses=inline_serializer(
            "RatingOut",
            {
                "score": serializers.IntegerField(),
                "rating_average": serializers.FloatField(),
                "rating_count": serializers.IntegerField(),
            },
        ),
        summary="Rate a recipe 1 to 5 (again to change your rating)",
    )
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        recipe = self.get_object()
        score = _body(request).get("score")
        if not isinstance(score, int) or isinstance(score, bool):
            try:
                score = int(str(score))
            except ValueError:
                _bad("score", "Rate from 1 to 5 stars.")
        rating = services.rate_recipe(recipe_id=recipe.pk, user=request.user, score=score)
        fresh = self.get_queryset().get(pk=recipe.pk)
        return Response(
            {
                "score": rating.score,
                "rating_average": fresh.rating_avg,
                "rating_count": fresh.rating_count,
            }
        )

    @extend_schema(
        request=None,
        responses=inline_serializer("FavouriteOut", {"is_favourite": serializers.BooleanField()}),
        summary="Mark (POST) or unmark (DELETE) a favourite",
    )
    @action(detail=True, methods=["post", "delete"])
    def favourite(self, request, pk=None):
        recipe = self.get_object()
        state = services.set_favourite(
            recipe_id=recipe.pk, user=request.user, is_favourite=request.method == "POST"
        )
        return Response({"is_favourite": state})

    @extend_schema(methods=["GET"], responses=CommentSerializer(many=True), summary="Comments")
    @extend_schema(
        methods=["POST"],
        request=CommentSerializer,
        responses={201: CommentSerializer},
        summary="Post a comment",
    )
    @action(detail=True, methods=["get", "post"])
    def comments(self, request, pk=None):
        recipe = self.get_object()
        if request.method == "POST":
            serializer = CommentSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            comment = services.add_comment(
                recipe_id=recipe.pk, user=request.user, body=serializer.validated_data["body"]
            )
            return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(selectors.comments_of(recipe))
        return self.get_paginated_response(CommentSerializer(page, many=True).data)

    @extend_schema(
        methods=["POST"],
        request={
            "multipart/form-data": inline_serializer(
                "RecipeImageIn", {"image": serializers.ImageField()}
            )
        },
        responses=RecipeDetailSerializer,
        summary="Set the cover photo (JPEG, PNG, WebP or GIF up to 8 MB)",
    )
    @extend_schema(methods=["DELETE"], request=None, responses={200: RecipeDetailSerializer})
    @action(detail=True, methods=["post", "delete"], parser_classes=[MultiPartParser])
    def image(self, request, pk=None):
        recipe = self.get_object()
        upload = None
        if request.method == "POST":
            upload = request.FILES.get("image")
            if upload is None:
                _bad("image", "Attach an image file.")
            try:
                upload = validate_image(upload)
            except DjangoValidationError as error:
                _bad("image", " ".join(error.messages))
        services.update_recipe(
            recipe_id=recipe.pk,
            user=request.user,
            data={},
            image=upload,
            remove_image=request.method == "DELETE",
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=recipe.pk)).data)

    @extend_schema(responses=OpenApiTypes.OBJECT, summary="Export as schema.org Recipe JSON-LD")
    @action(detail=True, methods=["get"])
    def jsonld(self, request, pk=None):
        recipe = self.get_object()
        base = request.build_absolute_uri("/")[:-1]
        return Response(selectors.recipe_jsonld(recipe, image_base=base))

    @extend_schema(
        request=inline_serializer("ImportIn", {"text": serializers.CharField()}),
        responses=RecipeDetailSerializer,
        summary="Import a draft from pasted HTML or JSON-LD (schema.org Recipe)",
    )
    @action(detail=False, methods=["post"], url_path="import")
    def import_recipe(self, request):
        text = _body(request).get("text")
        if not isinstance(text, str):
            _bad("text", "Paste a recipe page's HTML or its JSON-LD.")
        recipe = services.import_recipe(user=request.user, text=text)
        return Response(
            RecipeDetailSerializer(
                self.get_queryset().get(pk=recipe.pk), context={"request": request}
            ).data,
            status=status.HTTP_201_CREATED,
        )


class DietaryTagSerializer(serializers.ModelSerializer):
    class Meta:
        model = DietaryTag
        fields = ["id", "name", "slug", "is_builtin"]
        read_only_fields = ["id", "slug", "is_builtin"]


class DietaryTagViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = DietaryTagSerializer
    queryset = DietaryTag.objects.all()
    pagination_class = None

    def get_permissions(self):
        return [AllowAny()] if self.request.method in SAFE_METHODS else [IsAdmin()]

    def perform_create(self, serializer):
        serializer.instance = services.create_dietary_tag(
            user=self.request.user, name=serializer.validated_data["name"]
        )

    def destroy(self, request, *args, **kwargs):
        services.delete_dietary_tag(user=request.user, tag_id=self.get_object().pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CollectionSerializer(serializers.ModelSerializer):
    recipes = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Collection
        fields = ["id", "name", "recipes", "created_at"]
        read_only_fields = ["id", "recipes", "created_at"]


class CollectionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CollectionSerializer
    permission_classes = [HasRole]
    queryset = Collection.objects.none()  # typed for the schema; get_queryset scopes to the user

    def get_queryset(self):
        return Collection.objects.filter(owner=self.request.user).prefetch_related("recipes")

    def perform_create(self, serializer):
        serializer.instance = services.create_collection(
            user=self.request.user, name=serializer.validated_data["name"]
        )

    def destroy(self, request, *args, **kwargs):
        services.delete_collection(user=request.user, collection_id=self.get_object().pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=inline_serializer("CollectionRecipe", {"recipe": serializers.IntegerField()}),
        responses=CollectionSerializer,
        summary="Add (POST) or remove (DELETE) a recipe",
    )
    @action(detail=True, methods=["post", "delete"])
    def recipes(self, request, pk=None):
        collection = self.get_object()
        recipe_id = _body(request).get("recipe")
        if not isinstance(recipe_id, int):
            _bad("recipe", "Give the recipe's id.")
        services.set_in_collection(
            user=request.user,
            collection_id=collection.pk,
            recipe_id=recipe_id,
            is_in=request.method == "POST",
        )
        return Response(CollectionSerializer(self.get_queryset().get(pk=collection.pk)).data)


class MealPlanEntrySerializer(serializers.ModelSerializer):
    recipe_title = serializers.CharField(source="recipe.title", read_only=True)
    recipe = serializers.IntegerField(source="recipe_id")
    meal = serializers.ChoiceField(choices=Meal.choices)
    servings = serializers.IntegerField(min_value=1, max_value=500, required=False)

    class Meta:
        model = MealPlanEntry
        fields = ["id", "date", "meal", "recipe", "recipe_title", "servings"]
        read_only_fields = ["id", "recipe_title"]


class MealPlanViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = MealPlanEntrySerializer
    permission_classes = [HasRole]
    queryset = MealPlanEntry.objects.none()

    def get_queryset(self):
        queryset = MealPlanEntry.objects.filter(user=self.request.user).select_related("recipe")
        if self.action == "list":
            dates = serializers.DateField()
            for name, lookup in (("start", "date__gte"), ("end", "date__lte")):
                value = self.request.query_params.get(name)
                if value:
                    try:
                        queryset = queryset.filter(**{lookup: dates.to_internal_value(value)})
                    except serializers.ValidationError:
                        _bad(name, "Enter a date as YYYY-MM-DD.")
        return queryset.order_by("date", "meal", "pk")

    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE),
            OpenApiParameter("end", OpenApiTypes.DATE),
        ],
        summary="My planned meals",
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.plan_meal(
            user=self.request.user,
            date=data["date"],
            meal=data["meal"],
            recipe_id=data["recipe_id"],
            servings=data.get("servings"),
        )

    def destroy(self, request, *args, **kwargs):
        services.remove_planned_meal(user=request.user, entry_id=self.get_object().pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ShoppingItemSerializer(serializers.ModelSerializer):
    display = serializers.SerializerMethodField()

    class Meta:
        model = ShoppingItem
        fields = ["id", "food", "quantity", "unit", "display", "aisle", "is_checked"]
        read_only_fields = ["id", "food", "quantity", "unit", "display", "aisle"]

    def get_display(self, item) -> str:
        return units.format_quantity(item.quantity, item.unit or None)


class ShoppingListSerializer(serializers.ModelSerializer):
    items = ShoppingItemSerializer(many=True, read_only=True)

    class Meta:
        model = ShoppingList
        fields = ["id", "start", "end", "created_at", "items"]
        read_only_fields = ["id", "created_at", "items"]


class ShoppingListViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ShoppingListSerializer
    permission_classes = [HasRole]
    queryset = ShoppingList.objects.none()

    def get_queryset(self):
        return ShoppingList.objects.filter(owner=self.request.user).prefetch_related("items")

    @extend_schema(summary="Make a shopping list from the meals planned from start to end")
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = services.create_shopping_list(
            user=request.user,
            start=serializer.validated_data["start"],
            end=serializer.validated_data["end"],
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=created.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def destroy(self, request, *args, **kwargs):
        services.delete_shopping_list(user=request.user, list_id=self.get_object().pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=inline_serializer(
            "ItemCheck",
            {"item": serializers.IntegerField(), "is_checked": serializers.BooleanField()},
        ),
        responses=ShoppingItemSerializer,
        summary="Tick an item off (or back on)",
    )
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        shopping_list = self.get_object()
        item_id = _body(request).get("item")
        is_checked = _body(request).get("is_checked")
        if not isinstance(item_id, int) or not shopping_list.items.filter(pk=item_id).exists():
            _bad("item", "Give the id of an item on this list.")
        if not isinstance(is_checked, bool):
            _bad("is_checked", "Send true or false.")
        item = services.set_item_checked(user=request.user, item_id=item_id, is_checked=is_checked)
        return Response(ShoppingItemSerializer(item).data)
