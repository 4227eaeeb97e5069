"""REST API of the store, with the same permissions as the pages: anyone reads the published
catalogue, categories and shipping methods; members read their own orders; admins manage the
catalogue, orders, discount codes, shipping, settings and read the sales figures under
`manage/`. Errors use the platform's shape (`core.api.exception_handler`)."""

from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import ApplicationError
from core.openapi import ApiError
from core.thumbnails import thumbnail_url
from tenant_apps.members.permissions import HasRole, IsAdmin
from tenant_apps.store import money, selectors, services
from tenant_apps.store.models import (
    Category,
    DiscountCode,
    DiscountKind,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    Product,
    ProductImage,
    ProductStatus,
    ShippingMethod,
    Variant,
)
from tenants.context import current_organization

MONEY = {"max_digits": 12, "decimal_places": 2}


@extend_schema_serializer(component_name="StoreCategory")  # unique across the apps
class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "slug", "description", "position"]
        extra_kwargs = {"slug": {"required": False, "validators": []}}


class VariantSerializer(serializers.ModelSerializer):
    unit_price = serializers.DecimalField(**MONEY, read_only=True)
    price = serializers.DecimalField(**MONEY, required=False, allow_null=True, min_value=0)
    stock = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)

    class Meta:
        model = Variant
        fields = ["id", "product", "name", "sku", "price", "unit_price", "stock", "position"]
        extra_kwargs = {"product": {"required": False}}


class ImageSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    thumbnail = serializers.SerializerMethodField()

    class Meta:
        model = ProductImage
        fields = ["id", "url", "thumbnail", "alt_text", "position", "is_main"]

    def get_url(self, image) -> str:
        from django.core.files.storage import default_storage

        return default_storage.url(image.image)

    def get_thumbnail(self, image) -> str:
        return thumbnail_url(image.image, "medium")


class ProductSerializer(serializers.ModelSerializer):
    variants = VariantSerializer(many=True, read_only=True)
    images = ImageSerializer(many=True, read_only=True)
    categories = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Category.objects.all(), required=False
    )
    currency = serializers.SerializerMethodField()
    in_stock = serializers.SerializerMethodField()
    stock = serializers.IntegerField(
        min_value=0, max_value=1_000_000, required=False, write_only=True,
        help_text="Stock of the first variant (on create).",
    )  # fmt: skip
    price = serializers.DecimalField(**MONEY, min_value=0)
    version = serializers.IntegerField(
        min_value=1, max_value=2_147_483_647, required=False,
        help_text="Raised by every saved edit. Send the version you read with a change: if "
        "someone saved the product since, the change is refused with 409 (stale_version).",
    )  # fmt: skip

    class Meta:
        model = Product
        fields = [
            "id", "title", "slug", "description", "price", "currency", "sku", "status",
            "categories", "variants", "images", "in_stock", "stock", "version", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"slug": {"required": False, "validators": []}}

    def get_currency(self, product) -> str:
        return money.shop_currency()

    def get_in_stock(self, product) -> bool:
        return any(variant.stock > 0 for variant in product.variants.all())


CATALOGUE_FILTERS = [
    OpenApiParameter("q", str, description="Search title, description and SKU"),
    OpenApiParameter("category", str, description="Category slug"),
    OpenApiParameter("min_price", str, description="Lowest price (decimal)"),
    OpenApiParameter("max_price", str, description="Highest price (decimal)"),
    OpenApiParameter("in_stock", bool, description="Only products with stock"),
    OpenApiParameter("sort", str, enum=list(selectors.SORTS)),
]


def _catalogue(request, *, include_drafts: bool):
    params = request.query_params
    for name in ("min_price", "max_price"):
        value = params.get(name)
        if value not in (None, "") and selectors._decimal(value) is None:
            raise serializers.ValidationError({name: ["Enter a price of zero or more."]})
    sort = params.get("sort", "newest")
    if sort not in selectors.SORTS:
        raise serializers.ValidationError({"sort": [f"Use one of {', '.join(selectors.SORTS)}."]})
    return selectors.products(
        include_drafts=include_drafts,
        query=params.get("q", "")[:200],
        category=params.get("category", "")[:100],
        min_price=params.get("min_price"),
        max_price=params.get("max_price"),
        in_stock=params.get("in_stock", "").lower() in ("1", "true", "on", "yes"),
        sort=sort,
    )


@extend_schema(parameters=CATALOGUE_FILTERS)
class ProductViewSet(viewsets.ReadOnlyModelViewSet):
    """The published catalogue, for anyone."""

    permission_classes = [AllowAny]
    serializer_class = ProductSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return _catalogue(self.request, include_drafts=False)


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    serializer_class = CategorySerializer
    queryset = Category.objects.all()


class ShippingMethodSerializer(serializers.ModelSerializer):
    price = serializers.DecimalField(**MONEY, min_value=0)

    class Meta:
        model = ShippingMethod
        fields = ["id", "name", "description", "price", "is_active", "position"]


class ShippingMethodViewSet(viewsets.ReadOnlyModelViewSet):
    """Shipping methods offered at checkout."""

    permission_classes = [AllowAny]
    serializer_class = ShippingMethodSerializer
    queryset = ShippingMethod.objects.filter(is_active=True)


# -- orders -------------------------------------------------------------------------------------


class OrderLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderLine
        fields = ["product_title", "variant_name", "sku", "unit_price", "quantity", "line_total"]


class OrderEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderEvent
        fields = ["status", "message", "created_at"]


@extend_schema_serializer(component_name="StoreOrder")  # unique across the apps
class OrderSerializer(serializers.ModelSerializer):
    lines = OrderLineSerializer(many=True, read_only=True)
    events = OrderEventSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = [
            "id", "number", "status", "payment_method", "email", "full_name", "phone",
            "address_line1", "address_line2", "city", "postal_code", "country", "note",
            "currency", "subtotal", "discount_label", "discount_amount", "shipping_name",
            "shipping_amount", "tax_rate", "tax_amount", "total", "refunded_amount", "carrier",
            "tracking_number", "tracking_url", "created_at", "paid_at", "lines", "events",
        ]  # fmt: skip
        read_only_fields = fields


class MyOrderViewSet(viewsets.ReadOnlyModelViewSet):
    """The signed-in member's own orders."""

    permission_classes = [HasRole]
    serializer_class = OrderSerializer
    queryset = Order.objects.none()  # for the schema's path parameter type

    def get_queryset(self):
        return selectors.orders_of(self.request.user).prefetch_related("lines", "events")


# -- cart and checkout ------------------------------------------------------------------


def _errors(*statuses: int) -> dict:
    """The platform's one error body (core.openapi.ApiError) for these statuses. The store adds
    keys to it where the descriptions say so: `current_version` with a 409 stale_version,
    `order` (the cancelled order) with a 502 from the payment provider at checkout."""
    return {code: ApiError for code in statuses}


@extend_schema_serializer(component_name="StoreCartLine")  # unique across the apps
class CartLineSerializer(serializers.Serializer):
    variant = serializers.IntegerField(source="variant.pk")
    product = serializers.IntegerField(source="variant.product_id")
    product_title = serializers.CharField(source="variant.product.title")
    product_slug = serializers.CharField(source="variant.product.slug")
    variant_name = serializers.CharField(source="variant.name")
    sku = serializers.SerializerMethodField()
    unit_price = serializers.DecimalField(**MONEY)
    quantity = serializers.IntegerField(help_text="Capped to the stock left.")
    line_total = serializers.DecimalField(**MONEY)
    stock = serializers.IntegerField(source="variant.stock")
    problem = serializers.CharField(help_text='"Sold out", "Only 2 left", or empty.')

    def get_sku(self, item) -> str:
        return item.variant.sku or item.variant.product.sku


@extend_schema_serializer(component_name="StoreCart")  # unique across the apps
class CartSerializer(serializers.Serializer):
    currency = serializers.CharField()
    lines = CartLineSerializer(many=True, source="items")
    count = serializers.IntegerField(help_text="Items in the cart (sum of quantities).")
    subtotal = serializers.DecimalField(**MONEY)
    has_problems = serializers.BooleanField(help_text="Some line is beyond the stock left.")


@extend_schema_serializer(component_name="StoreCartAdd")  # unique across the apps
class CartLineIn(serializers.Serializer):
    variant = serializers.IntegerField(min_value=1, max_value=2_147_483_647)
    quantity = serializers.IntegerField(
        min_value=1, max_value=services.MAX_LINE_QUANTITY, default=1,
        help_text="Added to what the cart holds of this variant already.",
    )  # fmt: skip


@extend_schema_serializer(component_name="StoreCartQuantity")  # unique across the apps
class CartQuantityIn(serializers.Serializer):
    quantity = serializers.IntegerField(
        min_value=0, max_value=services.MAX_LINE_QUANTITY, help_text="0 removes the line."
    )


def _cart_body(request) -> dict:
    quantities = services.cart_quantities(user=request.user, session=request.session)
    return CartSerializer(selectors.cart_view(quantities)).data


class CartView(APIView):
    """The cart: an anonymous visitor's lives in their session (cookie), a member's in the
    database (and is merged with the session's at login), as on the pages."""

    permission_classes = [AllowAny]

    @extend_schema(responses=CartSerializer, summary="The cart with current prices and stock")
    def get(self, request):
        return Response(_cart_body(request))

    @extend_schema(request=None, responses={200: CartSerializer}, summary="Empty the cart")
    def delete(self, request):
        services.clear_cart(user=request.user, session=request.session)
        return Response(_cart_body(request))


class CartLinesView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        request=CartLineIn,
        responses={200: CartSerializer, **_errors(400)},
        summary="Add a product option to the cart",
        description="Refused (400, `quantity`) beyond the stock left or 99 of one item; "
        "(400, `variant`) for an option that is not for sale.",
    )
    def post(self, request):
        serializer = CartLineIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.set_cart_quantity(
            user=request.user,
            session=request.session,
            variant_id=serializer.validated_data["variant"],
            quantity=serializer.validated_data["quantity"],
            add=True,
        )
        return Response(_cart_body(request))


class CartLineView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        request=CartQuantityIn,
        responses={200: CartSerializer, **_errors(400)},
        summary="Set a line's quantity (0 removes it)",
        description="Refused (400, `quantity`) beyond the stock left.",
    )
    def patch(self, request, variant_id: int):
        serializer = CartQuantityIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.set_cart_quantity(
            user=request.user,
            session=request.session,
            variant_id=variant_id,
            quantity=serializer.validated_data["quantity"],
        )
        return Response(_cart_body(request))

    @extend_schema(request=None, responses={200: CartSerializer}, summary="Remove a line")
    def delete(self, request, variant_id: int):
        services.set_cart_quantity(
            user=request.user, session=request.session, variant_id=variant_id, quantity=0
        )
        return Response(_cart_body(request))


@extend_schema_serializer(component_name="StoreCheckout")  # unique across the apps
class CheckoutIn(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    full_name = serializers.CharField(max_length=200)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    address_line1 = serializers.CharField(max_length=200)
    address_line2 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100)
    postal_code = serializers.CharField(max_length=20)
    country = serializers.CharField(
        min_length=2, max_length=2, help_text="Two-letter ISO code, e.g. DE."
    )
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    shipping_method = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2_147_483_647,
        help_text="One of /shipping-methods/; required when the shop has any.",
    )  # fmt: skip
    payment_method = serializers.ChoiceField(
        choices=[PaymentMethod.CARD, PaymentMethod.OFFLINE],
        help_text="card: pay on Stripe's page (payment_url); offline: as the shop explains.",
    )
    discount_code = serializers.CharField(max_length=40, required=False, allow_blank=True)


@extend_schema_serializer(component_name="StoreCheckoutResult")  # unique across the apps
class CheckoutOut(serializers.Serializer):
    order = OrderSerializer()
    order_url = serializers.CharField(help_text="The order's page (works without signing in).")
    payment_url = serializers.CharField(
        allow_null=True, help_text="Card orders: send the customer here to pay. Else null."
    )


class CheckoutView(APIView):
    """Turn the cart into an order, with the same service as the checkout page."""

    permission_classes = [AllowAny]

    @extend_schema(
        request=CheckoutIn,
        responses={201: CheckoutOut, **_errors(400, 502)},
        summary="Check out the cart",
        description="The cart's lines (capped to the stock left) become a pending order whose "
        "stock is reserved: card orders until their Stripe payment page expires, offline "
        "orders for the shop's hold days. Bad input or a line sold out meanwhile: 400 naming "
        "the field (`cart` for the lines; `payment_method` when card payments are not set "
        "up). Stripe refusing: 502, with the cancelled order's number in `error.order`.",
    )
    def post(self, request):
        serializer = CheckoutIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = services.check_out_cart(
            user=request.user,
            session=request.session,
            address={k: data.get(k, "") for k in services.ADDRESS_FIELDS},
            shipping_method_id=data.get("shipping_method"),
            payment_method=data["payment_method"],
            discount_code=data.get("discount_code", ""),
        )
        order = result.order
        if result.payment_error:
            raise ApplicationError(
                f"{result.payment_error} Your order was cancelled.",
                code="payment_provider_error",
                status_code=502,
                extra={"order": order.number},
            )
        order = selectors.order_detail(pk=order.pk)
        body = {
            "order": OrderSerializer(order).data,
            "order_url": request.build_absolute_uri(
                reverse("store:order", args=[order.access_token])
            ),
            "payment_url": result.payment_url,
        }
        return Response(body, status=status.HTTP_201_CREATED)


# -- management (admins) ------------------------------------------------------------------------


@extend_schema(parameters=CATALOGUE_FILTERS)
class ManageProductViewSet(viewsets.ModelViewSet):
    """Every product, drafts included; create, change and delete (admins)."""

    permission_classes = [IsAdmin]
    serializer_class = ProductSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        # The filters narrow the list only: a change answers with the product as saved even
        # when it no longer matches them (the query string of a POST or PATCH is not a filter).
        if self.action != "list":
            return selectors.products(include_drafts=True)
        return _catalogue(self.request, include_drafts=True)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        product = services.create_product(
            acting_user=request.user,
            organization=current_organization(),
            title=data["title"],
            price=data["price"],
            description=data.get("description", ""),
            sku=data.get("sku", ""),
            slug=data.get("slug", ""),
            status=data.get("status", ProductStatus.DRAFT),
            category_ids=[c.pk for c in data.get("categories", [])],
            stock=data.get("stock", 0),
        )
        product = self.get_queryset().get(pk=product.pk)
        return Response(self.get_serializer(product).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={200: ProductSerializer, **_errors(400, 409)},
        description="With `version` (as read): refused with 409 `stale_version` when the "
        "product was saved by someone else since; without it the change applies as is.",
    )
    def partial_update(self, request, *args, **kwargs):
        product = self.get_object()
        serializer = self.get_serializer(product, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("stock", None)
        categories = data.pop("categories", None)
        services.update_product(
            acting_user=request.user,
            product=product,
            category_ids=[c.pk for c in categories] if categories is not None else None,
            expected_version=data.pop("version", None),
            **data,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=product.pk)).data)

    def destroy(self, request, *args, **kwargs):
        services.delete_product(acting_user=request.user, product=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class StockIn(serializers.Serializer):
    stock = serializers.IntegerField(min_value=0, max_value=1_000_000)
    expected = serializers.IntegerField(required=False, allow_null=True)


@extend_schema(parameters=[OpenApiParameter("product", int, description="Only this product")])
class ManageVariantViewSet(viewsets.ModelViewSet):
    """Variants (size, colour...) with their own SKU, price and stock (admins)."""

    permission_classes = [IsAdmin]
    serializer_class = VariantSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        queryset = Variant.objects.select_related("product").order_by("product_id", "position")
        product = self.request.query_params.get("product", "")
        if product:
            if not product.isdecimal() or len(product) > 18:
                raise serializers.ValidationError({"product": ["Give a product id."]})
            queryset = queryset.filter(product_id=int(product))
        return queryset

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "product" not in data:
            raise serializers.ValidationError({"product": ["Give the product's id."]})
        variant = services.add_variant(
            acting_user=request.user,
            product=data["product"],
            name=data.get("name", ""),
            sku=data.get("sku", ""),
            price=data.get("price"),
            stock=data.get("stock", 0),
        )
        return Response(self.get_serializer(variant).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        variant = self.get_object()
        serializer = self.get_serializer(variant, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("product", None)
        if "stock" in data:
            raise serializers.ValidationError({"stock": ["Change stock with the stock action."]})
        variant = services.update_variant(acting_user=request.user, variant=variant, **data)
        return Response(self.get_serializer(variant).data)

    def destroy(self, request, *args, **kwargs):
        services.delete_variant(acting_user=request.user, variant=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=StockIn,
        responses={200: VariantSerializer, **_errors(409)},
        summary="Set the stock; with `expected`, refused (409) if it changed meanwhile",
    )
    @action(detail=True, methods=["post"])
    def stock(self, request, pk=None):
        variant = self.get_object()
        serializer = StockIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        variant = services.set_stock(
            acting_user=request.user,
            variant_id=variant.pk,
            stock=serializer.validated_data["stock"],
            expected=serializer.validated_data.get("expected"),
        )
        return Response(self.get_serializer(variant).data)


class ManageCategoryViewSet(viewsets.ModelViewSet):
    permission_classes = [IsAdmin]
    serializer_class = CategorySerializer
    queryset = Category.objects.all()
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        category = services.create_category(acting_user=request.user, **serializer.validated_data)
        return Response(self.get_serializer(category).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        category = self.get_object()
        serializer = self.get_serializer(category, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        category = services.update_category(
            acting_user=request.user, category=category, **serializer.validated_data
        )
        return Response(self.get_serializer(category).data)

    def destroy(self, request, *args, **kwargs):
        services.delete_category(acting_user=request.user, category=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class ManageShippingMethodViewSet(viewsets.ModelViewSet):
    permission_classes = [IsAdmin]
    serializer_class = ShippingMethodSerializer
    queryset = ShippingMethod.objects.all()
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        method = services.save_shipping_method(
            acting_user=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(method).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        method = self.get_object()
        serializer = self.get_serializer(method, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        method = services.save_shipping_method(
            acting_user=request.user, method=method, **serializer.validated_data
        )
        return Response(self.get_serializer(method).data)

    def destroy(self, request, *args, **kwargs):
        services.delete_shipping_method(acting_user=request.user, method=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class DiscountCodeSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=DiscountKind.choices)
    value = serializers.DecimalField(**MONEY, min_value=0)

    class Meta:
        model = DiscountCode
        fields = [
            "id", "code", "kind", "value", "minimum_order", "expires_at", "usage_limit",
            "times_used", "is_active", "created_at",
        ]  # fmt: skip
        read_only_fields = ["times_used", "created_at"]
        extra_kwargs = {"code": {"validators": []}}


class ManageDiscountCodeViewSet(viewsets.ModelViewSet):
    permission_classes = [IsAdmin]
    serializer_class = DiscountCodeSerializer
    queryset = DiscountCode.objects.all()
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        discount = services.save_discount_code(
            acting_user=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(discount).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        discount = self.get_object()
        serializer = self.get_serializer(discount, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        discount = services.save_discount_code(
            acting_user=request.user, discount=discount, **serializer.validated_data
        )
        return Response(self.get_serializer(discount).data)

    def destroy(self, request, *args, **kwargs):
        services.delete_discount_code(acting_user=request.user, discount=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrderStatusIn(serializers.Serializer):
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    carrier = serializers.CharField(max_length=100, required=False, allow_blank=True)
    tracking_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    tracking_url = serializers.URLField(max_length=500, required=False, allow_blank=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class OrderRefundIn(serializers.Serializer):
    amount = serializers.DecimalField(
        **MONEY,
        min_value=0,
        required=False,
        allow_null=True,
        help_text="Empty: everything left to refund.",
    )
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


@extend_schema(
    parameters=[
        OpenApiParameter("status", str, enum=OrderStatus.values),
        OpenApiParameter("q", str, description="Order number, email or name"),
    ]
)
class ManageOrderViewSet(viewsets.ReadOnlyModelViewSet):
    """Every order, with the admin's actions: move along the workflow, refund."""

    permission_classes = [IsAdmin]
    serializer_class = OrderSerializer

    def get_queryset(self):
        if self.action != "list":  # an action answers with the order as it is afterwards
            return selectors.orders_for_admin().prefetch_related("lines", "events")
        params = self.request.query_params
        value = params.get("status", "")
        if value and value not in OrderStatus.values:
            raise serializers.ValidationError({"status": ["Unknown status."]})
        return selectors.orders_for_admin(status=value, query=params.get("q", "")).prefetch_related(
            "lines", "events"
        )

    def _fresh(self, pk):
        return self.get_serializer(self.get_queryset().get(pk=pk)).data

    @extend_schema(
        request=OrderStatusIn,
        responses={200: OrderSerializer, **_errors(409)},
        summary="Change the status (409 when the order is no longer in a state that allows it)",
    )
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        order = self.get_object()
        serializer = OrderStatusIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.change_order_status(
            acting_user=request.user, order=order, **serializer.validated_data
        )
        return Response(self._fresh(order.pk))

    @extend_schema(
        request=OrderRefundIn,
        responses={200: OrderSerializer, **_errors(409)},
        summary="Refund all or part (409 when the order changed meanwhile)",
    )
    @action(detail=True, methods=["post"])
    def refund(self, request, pk=None):
        order = self.get_object()
        serializer = OrderRefundIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.refund_order(
            acting_user=request.user,
            order=order,
            amount=serializer.validated_data.get("amount"),
            reason=serializer.validated_data.get("reason", ""),
        )
        return Response(self._fresh(order.pk))


SalesOut = inline_serializer(
    "SalesOut",
    {
        "currency": serializers.CharField(),
        "revenue": serializers.DecimalField(**MONEY),
        "orders": serializers.IntegerField(),
        "average": serializers.DecimalField(**MONEY),
        "pending": serializers.IntegerField(),
        "days": serializers.ListField(child=serializers.DictField()),
    },
)


class SalesView(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(
        responses=SalesOut,
        parameters=[OpenApiParameter("days", int, description="1 to 365, default 30")],
        summary="Revenue and paid orders per day",
    )
    def get(self, request):
        try:
            days = int(request.query_params.get("days", 30))
        except ValueError:
            days = 0
        if not 1 <= days <= 365:
            raise serializers.ValidationError({"days": ["Enter a number of days from 1 to 365."]})
        summary = selectors.sales_summary(days)
        return Response(
            {
                "currency": summary["currency"],
                "revenue": str(summary["revenue"]),
                "orders": summary["orders"],
                "average": str(summary["average"]),
                "pending": summary["pending"],
                "days": [
                    {
                        "day": bar["day"].isoformat(),
                        "orders": bar["orders"],
                        "revenue": str(bar["revenue"]),
                    }
                    for bar in summary["bars"]
                ],
            }
        )


@extend_schema_serializer(component_name="StoreSettings")  # unique across the apps
class SettingsSerializer(serializers.Serializer):
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)
    allow_offline_payment = serializers.BooleanField()
    offline_instructions = serializers.CharField(max_length=2000, allow_blank=True)
    low_stock_threshold = serializers.IntegerField(min_value=0, max_value=10_000)
    offline_hold_days = serializers.IntegerField(min_value=1, max_value=60)


class SettingsView(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(responses=SettingsSerializer, summary="The store's settings")
    def get(self, request):
        return Response(SettingsSerializer(services.get_settings()).data)

    @extend_schema(request=SettingsSerializer, responses=SettingsSerializer)
    def patch(self, request):
        serializer = SettingsSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        saved = services.update_settings(acting_user=request.user, **serializer.validated_data)
        return Response(SettingsSerializer(saved).data)
