"""Pages of the store. Anonymous visitors browse, fill a cart and check out as guests; members
also see their order history; admins manage the catalogue, orders and settings under
/store/manage/. Views parse input, call one service or selector and render."""

import dataclasses
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from shared_apps.billing import payments
from tenant_apps.members.models import Role
from tenant_apps.members.permissions import member_required, role_required
from tenant_apps.store import money, selectors, services
from tenant_apps.store.forms import (
    AddToCartForm,
    CatalogueFilterForm,
    CategoryForm,
    CheckoutForm,
    DiscountCodeForm,
    ImageForm,
    OrderFilterForm,
    ProductEditForm,
    ProductForm,
    RefundForm,
    ShippingMethodForm,
    StatusForm,
    StockForm,
    StoreSettingsForm,
    VariantEditForm,
    VariantForm,
    payment_choices,
)
from tenant_apps.store.models import (
    Category,
    DiscountCode,
    Order,
    OrderStatus,
    PaymentMethod,
    Product,
    ProductImage,
    ShippingMethod,
    Variant,
)
from tenants.context import current_organization

PAGE_SIZE = 24
admin_required = role_required(Role.ADMIN)


def _form_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _page(request, queryset, size=PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _cart(request):
    return selectors.cart_view(services.cart_quantities(user=request.user, session=request.session))


# -- catalogue --------------------------------------------------------------------------------


def _catalogue(request, *, category: Category | None = None):
    categories = list(selectors.categories_with_counts())
    data = request.GET.copy()
    if category is not None:
        data["category"] = category.slug
    form = CatalogueFilterForm(data, categories=categories)
    filters = form.cleaned_data if form.is_valid() else {}
    page = _page(
        request,
        selectors.products(
            query=filters.get("q", ""),
            category=filters.get("category", ""),
            min_price=filters.get("min_price"),
            max_price=filters.get("max_price"),
            in_stock=filters.get("in_stock", False),
            sort=filters.get("sort") or "newest",
        ),
    )
    context = {
        "form": form,
        "page": page,
        "categories": categories,
        "category": category,
        "filtered": any(filters.get(k) for k in ("q", "min_price", "max_price", "in_stock")),
        "can_manage": services.can_manage(request.user),
        "query_string": _without_page(request),
        "cart": _cart(request),
    }
    status = 400 if form.errors else 200
    if request.htmx:
        return render(request, "store/_product_grid.html", context, status=status)
    return render(request, "store/index.html", context, status=status)


def _without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def index(request):
    return _catalogue(request)


def category(request, slug):
    found = get_object_or_404(Category, slug=slug)
    return _catalogue(request, category=found)


def product_detail(request, slug):
    is_admin = services.can_manage(request.user)
    product = selectors.product_by_slug(slug, include_drafts=is_admin)
    if product is None:
        raise Http404("No such product.")
    variants = list(product.variants.all())
    form = AddToCartForm(initial={"variant": variants[0].pk if variants else None})
    return render(
        request,
        "store/product.html",
        {
            "product": product,
            "variants": variants,
            "images": list(product.images.all()),
            "form": form,
            "can_manage": is_admin,
            "cart": _cart(request),
        },
    )


# -- cart -------------------------------------------------------------------------------------


@require_POST
def cart_add(request):
    form = AddToCartForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.set_cart_quantity(
                user=request.user,
                session=request.session,
                variant_id=form.cleaned_data["variant"],
                quantity=form.cleaned_data["quantity"],
                add=True,
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
    else:
        error = " ".join(m for msgs in form.errors.values() for m in msgs)
    if request.htmx:
        return render(
            request,
            "store/_cart_added.html",
            {"error": error, "cart": _cart(request)},
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
        return redirect(request.POST.get("next") or "store:index")
    messages.success(request, "Added to your cart.")
    return redirect("store:cart")


def cart(request):
    return render(request, "store/cart.html", {"cart": _cart(request)})


@require_POST
def cart_update(request, variant_id):
    error = None
    try:
        services.set_cart_quantity(
            user=request.user,
            session=request.session,
            variant_id=variant_id,
            quantity=request.POST.get("quantity", "0"),
        )
    except ValidationError as problem:
        error = " ".join(problem.messages)
    if request.htmx:
        return render(
            request,
            "store/_cart_table.html",
            {"cart": _cart(request), "error": error},
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    return redirect("store:cart")


# -- checkout ---------------------------------------------------------------------------------


def _payment_setup(organization):
    shop = services.get_settings()
    reason = payments.not_set_up_reason(organization)
    return {
        "choices": payment_choices(
            card_ready=reason is None, offline_allowed=shop.allow_offline_payment
        ),
        "reason": reason,
        "settings": shop,
    }


def _summary(cart_view, *, shipping_id=None, discount_code: str = ""):
    """Totals for the summary box; a bad discount code is reported, not applied."""
    shipping_id = str(shipping_id or "")
    shipping = (
        ShippingMethod.objects.filter(pk=int(shipping_id), is_active=True).first()
        if shipping_id.isdecimal() and len(shipping_id) <= 18
        else None
    )
    if shipping is None:
        shipping = ShippingMethod.objects.filter(is_active=True).first()
    discount, discount_error = None, ""
    if discount_code.strip():
        try:
            discount = services.find_discount(discount_code, subtotal=cart_view.subtotal)
        except ValidationError as error:
            discount_error = " ".join(error.messages)
    totals = services.compute_totals(
        subtotal=cart_view.subtotal,
        currency=cart_view.currency,
        shipping=shipping,
        discount=discount,
        tax_rate=services.get_settings().tax_rate,
    )
    return {"totals": totals, "shipping": shipping, "discount_error": discount_error}


def checkout(request):
    cart_view = _cart(request)
    setup = _payment_setup(current_organization())
    initial = {}
    if request.user.is_authenticated:
        initial = {"email": request.user.email, "full_name": request.user.get_full_name()}
        last = Order.objects.filter(user=request.user).order_by("-created_at").first()
        if last:
            initial.update({f: getattr(last, f) for f in (
                "full_name", "phone", "address_line1", "address_line2", "city",
                "postal_code", "country")})  # fmt: skip
    form = CheckoutForm(request.POST or None, initial=initial, payment_choices=setup["choices"])
    status = 200
    if request.method == "POST":
        if not cart_view.items:
            form.add_error(None, "Your cart is empty.")
        elif form.is_valid():
            data = form.cleaned_data
            shipping = data.get("shipping_method")
            try:
                result = services.check_out_cart(
                    user=request.user,
                    session=request.session,
                    address={k: data.get(k, "") for k in services.ADDRESS_FIELDS},
                    shipping_method_id=shipping.pk if shipping else None,
                    payment_method=data["payment_method"],
                    discount_code=data.get("discount_code", ""),
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                _remember_order(request, result.order)
                if result.payment_url:
                    return HttpResponseRedirect(result.payment_url)
                if result.payment_error:
                    messages.error(request, f"{result.payment_error} Your order was cancelled.")
                return redirect("store:order", token=result.order.access_token)
        status = 400
    summary = _summary(
        cart_view,
        shipping_id=request.POST.get("shipping_method"),
        discount_code=request.POST.get("discount_code", ""),
    )
    return render(
        request,
        "store/checkout.html",
        {"form": form, "cart": cart_view, "setup": setup, **summary},
        status=status,
    )


def checkout_summary(request):
    """htmx: the order summary for the chosen shipping method and discount code."""
    summary = _summary(
        _cart(request),
        shipping_id=request.GET.get("shipping_method"),
        discount_code=request.GET.get("discount_code", "")[:40],
    )
    return render(request, "store/_summary.html", {"cart": _cart(request), **summary})


def _remember_order(request, order):
    """Guests find their recent orders again in this browser session."""
    recent = [t for t in request.session.get("store_orders", []) if t != order.access_token]
    request.session["store_orders"] = [order.access_token, *recent][:10]


def order_detail(request, token):
    order = selectors.order_detail(access_token=token)
    if order is None:
        raise Http404("No such order.")
    if request.GET.get("paid") and order.status == OrderStatus.PENDING:
        messages.info(request, "Thank you! Your payment is being confirmed; this page updates.")
    awaiting_card = (
        order.status == OrderStatus.PENDING and order.payment_method == PaymentMethod.CARD
    )
    return render(
        request,
        "store/order.html",
        {
            "order": order,
            "settings": services.get_settings(),
            "waiting": awaiting_card and bool(request.GET.get("paid")),
            "can_pay": awaiting_card and not request.GET.get("paid"),
        },
    )


@require_POST
def order_pay(request, token):
    """Back from Stripe without paying: open the same payment page again (Stripe's
    idempotency gives the same session while it lives)."""
    order = get_object_or_404(Order, access_token=token)
    if order.status != OrderStatus.PENDING or order.payment_method != PaymentMethod.CARD:
        messages.info(request, "This order is not waiting for a card payment.")
        return redirect("store:order", token=token)
    try:
        return HttpResponseRedirect(services.start_card_payment(order=order))
    except (ApplicationError, ValidationError) as error:
        message = getattr(error, "message", None) or " ".join(error.messages)
        messages.error(request, f"{message} Your order was cancelled.")
        return redirect("store:order", token=token)


@member_required
def my_orders(request):
    page = _page(request, selectors.orders_of(request.user), size=20)
    return render(request, "store/my_orders.html", {"page": page})


# -- admin: catalogue -------------------------------------------------------------------------


@admin_required
def manage(request):
    shop = services.get_settings()
    return render(
        request,
        "store/manage/index.html",
        {
            "low_stock": selectors.low_stock_variants(shop.low_stock_threshold)[:20],
            "pending": Order.objects.filter(status=OrderStatus.PENDING).count(),
            "to_ship": Order.objects.filter(
                status__in=[OrderStatus.PAID, OrderStatus.FULFILLED]
            ).count(),
            "product_count": Product.objects.count(),
            "payment_reason": payments.not_set_up_reason(current_organization()),
            "settings": shop,
            "tab": "overview",
        },
    )


@admin_required
def manage_products(request):
    query = request.GET.get("q", "").strip()[:200]
    page = _page(request, selectors.products(include_drafts=True, query=query), size=50)
    return render(
        request, "store/manage/products.html", {"page": page, "query": query, "tab": "products"}
    )


@admin_required
def product_create(request):
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            product = services.create_product(
                acting_user=request.user,
                organization=current_organization(),
                title=data["title"],
                slug=data["slug"],
                description=data["description"],
                price=data["price"],
                sku=data["sku"],
                status=data["status"],
                category_ids=[c.pk for c in data["categories"]],
                stock=data["stock"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"{product.title} created. Add images and variants below.")
            return redirect("store:product_edit", product_id=product.pk)
    return render(
        request,
        "store/manage/product_form.html",
        {"form": form, "title": "New product", "tab": "products"},
        status=400 if form.errors else 200,
    )


@admin_required
def product_edit(request, product_id):
    product = get_object_or_404(Product.objects.prefetch_related("categories"), pk=product_id)
    form = ProductEditForm(
        request.POST or None,
        initial={
            "title": product.title,
            "slug": product.slug,
            "description": product.description,
            "price": product.price,
            "sku": product.sku,
            "status": product.status,
            "categories": list(product.categories.all()),
            "version": product.version,
        },
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_product(
                acting_user=request.user,
                product=product,
                expected_version=data["version"],
                title=data["title"],
                slug=data["slug"],
                description=data["description"],
                price=data["price"],
                sku=data["sku"],
                status=data["status"],
                category_ids=[c.pk for c in data["categories"]],
            )
        except ValidationError as error:
            _form_errors(form, error)
        except services.StaleEdit as error:
            # Keep the admin's input; the form now carries the version they were beaten by,
            # so saving again (after a look at the other change) is a deliberate overwrite.
            form.add_error(None, error.message)
            form.data = form.data.copy()
            form.data["version"] = error.extra["current_version"]
            status = 409
        else:
            messages.success(request, "Product saved.")
            return redirect("store:product_edit", product_id=product.pk)
    if form.errors and status == 200:
        status = 400
    variants = list(product.variants.all())
    return render(
        request,
        "store/manage/product_edit.html",
        {
            "product": product,
            "form": form,
            "variants": [
                (v, StockForm(initial={"stock": v.stock, "expected": v.stock})) for v in variants
            ],
            "variant_form": VariantForm(),
            "image_form": ImageForm(),
            "images": list(product.images.order_by("position", "id")),
            "tab": "products",
        },
        status=status,
    )


@admin_required
@require_POST
def product_delete(request, product_id):
    product = get_object_or_404(Product, pk=product_id)
    services.delete_product(acting_user=request.user, product=product)
    messages.success(request, f"{product.title} deleted.")
    return redirect("store:manage_products")


@admin_required
def variant_add(request, product_id):
    product = get_object_or_404(Product, pk=product_id)
    form = VariantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_variant(acting_user=request.user, product=product, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Variant added.")
            return redirect("store:product_edit", product_id=product.pk)
    return render(
        request,
        "store/manage/simple_form.html",
        {"form": form, "title": f"New variant of {product.title}", "tab": "products",
         "back": reverse("store:product_edit", args=[product.pk])},
        status=400 if form.errors else 200,
    )  # fmt: skip


@admin_required
def variant_edit(request, variant_id):
    variant = get_object_or_404(Variant.objects.select_related("product"), pk=variant_id)
    form = VariantEditForm(
        request.POST or None,
        initial={"name": variant.name, "sku": variant.sku, "price": variant.price,
                 "position": variant.position},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.update_variant(acting_user=request.user, variant=variant, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Variant saved.")
            return redirect("store:product_edit", product_id=variant.product_id)
    return render(
        request,
        "store/manage/simple_form.html",
        {"form": form, "title": f"Edit {variant}", "tab": "products",
         "back": reverse("store:product_edit", args=[variant.product_id])},
        status=400 if form.errors else 200,
    )  # fmt: skip


@admin_required
@require_POST
def variant_delete(request, variant_id):
    variant = get_object_or_404(Variant, pk=variant_id)
    try:
        services.delete_variant(acting_user=request.user, variant=variant)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Variant deleted.")
    return redirect("store:product_edit", product_id=variant.product_id)


@admin_required
@require_POST
def stock_set(request, variant_id):
    variant = get_object_or_404(Variant.objects.select_related("product"), pk=variant_id)
    form = StockForm(request.POST)
    error = None
    if form.is_valid():
        try:
            variant = services.set_stock(
                acting_user=request.user,
                variant_id=variant.pk,
                stock=form.cleaned_data["stock"],
                expected=form.cleaned_data["expected"],
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
        except ApplicationError as problem:
            error = problem.message
            variant.refresh_from_db()
    else:
        error = " ".join(m for msgs in form.errors.values() for m in msgs)
    if request.htmx:
        return render(
            request,
            "store/manage/_stock.html",
            {"variant": variant, "stock_form": StockForm(
                initial={"stock": variant.stock, "expected": variant.stock}),
             "error": error, "saved": not error},
            status=400 if error else 200,
        )  # fmt: skip
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Stock saved.")
    return redirect("store:product_edit", product_id=variant.product_id)


@admin_required
@require_POST
def image_add(request, product_id):
    product = get_object_or_404(Product, pk=product_id)
    form = ImageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_image(
                acting_user=request.user,
                product=product,
                upload=form.cleaned_data["image"],
                alt_text=form.cleaned_data["alt_text"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Image added.")
    else:
        messages.error(request, " ".join(m for msgs in form.errors.values() for m in msgs))
    return redirect("store:product_edit", product_id=product.pk)


@admin_required
@require_POST
def image_action(request, image_id, action):
    image = get_object_or_404(ProductImage, pk=image_id)
    if action == "main":
        services.set_main_image(acting_user=request.user, image=image)
    elif action in ("up", "down"):
        services.move_image(acting_user=request.user, image=image, direction=action)
    elif action == "delete":
        services.delete_image(acting_user=request.user, image=image)
    else:
        raise Http404("No such action.")
    return redirect("store:product_edit", product_id=image.product_id)


# -- admin: categories, shipping, discounts ---------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Managed:
    """One list that admins manage on a page with an add form, plus an edit page per row
    (categories, shipping methods, discount codes): the model, its form and its services."""

    model: type
    form_class: type
    title: str
    template: str
    tab: str
    list_url: str
    save: Callable  # save(acting_user, instance or None, cleaned_data)
    delete: Callable  # delete(acting_user, instance)


def _managed_list(request, managed: _Managed):
    form = managed.form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            managed.save(request.user, None, form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"{managed.title} saved.")
            return redirect(request.path)
    return render(
        request,
        managed.template,
        {"form": form, "items": managed.model.objects.all(), "tab": managed.tab},
        status=400 if form.errors else 200,
    )


def _managed_edit(request, managed: _Managed, pk: int):
    instance = get_object_or_404(managed.model, pk=pk)
    # The bound ModelForm writes its input onto `instance`; the services get an untouched copy.
    original = managed.model.objects.get(pk=instance.pk)
    back = reverse(managed.list_url)
    form = managed.form_class(request.POST or None, instance=instance)
    if request.method == "POST" and request.POST.get("delete"):
        managed.delete(request.user, original)
        messages.success(request, f"{managed.title} deleted.")
        return redirect(back)
    if request.method == "POST" and form.is_valid():
        try:
            managed.save(request.user, original, form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"{managed.title} saved.")
            return redirect(back)
    return render(
        request,
        "store/manage/simple_form.html",
        {"form": form, "title": f"Edit {original}", "back": back, "can_delete": True,
         "tab": managed.tab},
        status=400 if form.errors else 200,
    )  # fmt: skip


def _save_category(user, category, data):
    if category is None:
        return services.create_category(acting_user=user, **data)
    return services.update_category(acting_user=user, category=category, **data)


CATEGORIES = _Managed(
    model=Category, form_class=CategoryForm, title="Category",
    template="store/manage/categories.html", tab="categories",
    list_url="store:manage_categories", save=_save_category,
    delete=lambda user, c: services.delete_category(acting_user=user, category=c),
)  # fmt: skip
SHIPPING_METHODS = _Managed(
    model=ShippingMethod, form_class=ShippingMethodForm, title="Shipping method",
    template="store/manage/shipping.html", tab="shipping", list_url="store:manage_shipping",
    save=lambda user, m, data: services.save_shipping_method(acting_user=user, method=m, **data),
    delete=lambda user, m: services.delete_shipping_method(acting_user=user, method=m),
)  # fmt: skip
DISCOUNT_CODES = _Managed(
    model=DiscountCode, form_class=DiscountCodeForm, title="Discount code",
    template="store/manage/discounts.html", tab="discounts", list_url="store:manage_discounts",
    save=lambda user, d, data: services.save_discount_code(acting_user=user, discount=d, **data),
    delete=lambda user, d: services.delete_discount_code(acting_user=user, discount=d),
)  # fmt: skip


@admin_required
def manage_categories(request):
    return _managed_list(request, CATEGORIES)


@admin_required
def category_edit(request, category_id):
    return _managed_edit(request, CATEGORIES, category_id)


@admin_required
def manage_shipping(request):
    return _managed_list(request, SHIPPING_METHODS)


@admin_required
def shipping_edit(request, method_id):
    return _managed_edit(request, SHIPPING_METHODS, method_id)


@admin_required
def manage_discounts(request):
    return _managed_list(request, DISCOUNT_CODES)


@admin_required
def discount_edit(request, discount_id):
    return _managed_edit(request, DISCOUNT_CODES, discount_id)


# -- admin: orders, sales, settings -----------------------------------------------------------


@admin_required
def manage_orders(request):
    form = OrderFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = _page(
        request,
        selectors.orders_for_admin(status=filters.get("status", ""), query=filters.get("q", "")),
        size=50,
    )
    return render(
        request,
        "store/manage/orders.html",
        {"form": form, "page": page, "tab": "orders", "query_string": _without_page(request)},
    )


def _order_page(request, order, *, status_form=None, refund_form=None, status=200):
    allowed = services.TRANSITIONS.get(order.status, set())
    status_form = status_form or StatusForm()
    status_form.fields["status"].choices = [
        (value, label) for value, label in OrderStatus.choices if value in allowed
    ]
    return render(
        request,
        "store/manage/order.html",
        {
            "order": order,
            "status_form": status_form,
            "refund_form": refund_form or RefundForm(),
            "can_change": bool(allowed),
            "tab": "orders",
        },
        status=status,
    )


@admin_required
def manage_order(request, order_id):
    order = selectors.order_detail(pk=order_id)
    if order is None:
        raise Http404("No such order.")
    return _order_page(request, order)


@admin_required
@require_POST
def order_status(request, order_id):
    order = get_object_or_404(Order, pk=order_id)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.change_order_status(acting_user=request.user, order=order, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Order updated.")
            return redirect("store:manage_order", order_id=order.pk)
    return _order_page(request, selectors.order_detail(pk=order.pk), status_form=form, status=400)


@admin_required
@require_POST
def order_refund(request, order_id):
    order = get_object_or_404(Order, pk=order_id)
    form = RefundForm(request.POST)
    if form.is_valid():
        try:
            services.refund_order(acting_user=request.user, order=order, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Refund made.")
            return redirect("store:manage_order", order_id=order.pk)
    return _order_page(request, selectors.order_detail(pk=order.pk), refund_form=form, status=400)


@admin_required
def sales(request):
    return render(
        request, "store/manage/sales.html", {"sales": selectors.sales_summary(30), "tab": "sales"}
    )


@admin_required
def settings_page(request):
    current = services.get_settings()
    form = StoreSettingsForm(
        request.POST or None,
        initial={f: getattr(current, f) for f in services.SETTINGS_FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Store settings saved.")
            return redirect("store:settings")
    return render(
        request,
        "store/manage/settings.html",
        {
            "form": form,
            "tab": "settings",
            "currency": money.shop_currency(),
            "payment_reason": payments.not_set_up_reason(current_organization()),
        },
        status=400 if form.errors else 200,
    )
