from django import forms

from tenant_apps.store.models import (
    Category,
    DiscountCode,
    DiscountKind,
    OrderStatus,
    PaymentMethod,
    ProductStatus,
    ShippingMethod,
)

MONEY_FIELD = {"max_digits": 12, "decimal_places": 2, "min_value": 0}


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label="Search", max_length=200, required=False)
    category = forms.ChoiceField(required=False)
    min_price = forms.DecimalField(label="Min price", required=False, **MONEY_FIELD)
    max_price = forms.DecimalField(label="Max price", required=False, **MONEY_FIELD)
    in_stock = forms.BooleanField(label="In stock only", required=False)
    sort = forms.ChoiceField(
        required=False,
        choices=[
            ("newest", "Newest"),
            ("price", "Price: low to high"),
            ("-price", "Price: high to low"),
            ("title", "Name"),
        ],
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "All categories")] + [
            (c.slug, c.name) for c in categories
        ]

    def clean(self):
        data = super().clean()
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error("max_price", "The highest price is below the lowest.")
        return data


class AddToCartForm(forms.Form):
    variant = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.IntegerField(min_value=1, max_value=99, initial=1)


class CheckoutForm(forms.Form):
    email = forms.EmailField(max_length=254)
    full_name = forms.CharField(label="Full name", max_length=200)
    phone = forms.CharField(max_length=40, required=False)
    address_line1 = forms.CharField(label="Address", max_length=200)
    address_line2 = forms.CharField(label="Address (line 2)", max_length=200, required=False)
    city = forms.CharField(max_length=100)
    postal_code = forms.CharField(label="Postal code", max_length=20)
    country = forms.CharField(
        max_length=2, min_length=2, help_text="Two-letter code, e.g. DE, FR, US."
    )
    shipping_method = forms.ModelChoiceField(
        queryset=ShippingMethod.objects.none(), empty_label=None, widget=forms.RadioSelect
    )
    discount_code = forms.CharField(label="Discount code", max_length=40, required=False)
    payment_method = forms.ChoiceField(widget=forms.RadioSelect)
    note = forms.CharField(
        label="Note to the shop",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, payment_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        methods = ShippingMethod.objects.filter(is_active=True)
        self.fields["shipping_method"].queryset = methods
        first = methods.first()
        if first is None:
            self.fields["shipping_method"].required = False
            self.fields["shipping_method"].widget = forms.HiddenInput()
        else:
            self.fields["shipping_method"].initial = first.pk
        self.fields["payment_method"].choices = payment_choices
        if payment_choices:
            self.fields["payment_method"].initial = payment_choices[0][0]

    def clean_country(self):
        value = self.cleaned_data["country"].strip().upper()
        if not value.isalpha():
            raise forms.ValidationError("Use a two-letter country code such as DE.")
        return value


def payment_choices(*, card_ready: bool, offline_allowed: bool) -> list:
    choices = []
    if card_ready:
        choices.append((PaymentMethod.CARD, "Card (secure payment page)"))
    if offline_allowed:
        choices.append((PaymentMethod.OFFLINE, "Pay offline (bank transfer or in person)"))
    return choices


class ProductForm(forms.Form):
    title = forms.CharField(max_length=200)
    slug = forms.SlugField(
        max_length=200, required=False, help_text="The page address; empty: made from the title."
    )
    description = forms.CharField(
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Markdown: **bold**, lists, links.",
    )
    price = forms.DecimalField(**MONEY_FIELD)
    sku = forms.CharField(label="SKU", max_length=64, required=False)
    status = forms.ChoiceField(choices=ProductStatus.choices)
    categories = forms.ModelMultipleChoiceField(
        queryset=Category.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    stock = forms.IntegerField(
        min_value=0, max_value=1_000_000, initial=0, help_text="Units in stock."
    )


class ProductEditForm(ProductForm):
    stock = None
    # The product's version when the page was opened: a save from an older one is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class VariantForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="e.g. “M / Blue”.")
    sku = forms.CharField(label="SKU", max_length=64, required=False)
    price = forms.DecimalField(
        required=False, help_text="Empty: the product's price.", **MONEY_FIELD
    )
    stock = forms.IntegerField(min_value=0, max_value=1_000_000, initial=0)


class VariantEditForm(VariantForm):
    stock = None
    name = forms.CharField(max_length=100, required=False)
    position = forms.IntegerField(min_value=0, max_value=10_000, required=False)


class StockForm(forms.Form):
    stock = forms.IntegerField(min_value=0, max_value=1_000_000)
    expected = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ImageForm(forms.Form):
    image = forms.FileField(help_text="JPEG, PNG, GIF or WebP, at most 8 MB.")
    alt_text = forms.CharField(
        label="Description", max_length=200, required=False, help_text="For screen readers."
    )


class CategoryForm(forms.ModelForm):
    slug = forms.SlugField(max_length=100, required=False)

    class Meta:
        model = Category
        fields = ["name", "slug", "description", "position"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def validate_unique(self):
        pass  # the service checks names (ignoring case) and slugs, and names the field

    def validate_constraints(self):
        pass  # likewise: the service turns each rule into a field error


class ShippingMethodForm(forms.ModelForm):
    class Meta:
        model = ShippingMethod
        fields = ["name", "description", "price", "is_active", "position"]

    def validate_constraints(self):
        pass  # the service checks the price and names the field


class DiscountCodeForm(forms.ModelForm):
    expires_at = forms.DateTimeField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    class Meta:
        model = DiscountCode
        fields = [
            "code",
            "kind",
            "value",
            "minimum_order",
            "expires_at",
            "usage_limit",
            "is_active",
        ]
        help_texts = {"value": "Percent (1 to 100) or an amount in the shop's currency."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = DiscountKind.choices

    def validate_unique(self):
        pass  # the service checks the code (ignoring case) and names the field

    def validate_constraints(self):
        pass  # likewise: the service turns each rule into a field error

    def clean(self):
        data = super().clean()
        value = data.get("value")
        if data.get("kind") == DiscountKind.PERCENT and value is not None and value > 100:
            self.add_error("value", "A percentage is at most 100.")
        return data


class StoreSettingsForm(forms.Form):
    tax_rate = forms.DecimalField(
        label="Tax rate (%)", max_digits=5, decimal_places=2, min_value=0, max_value=100
    )
    allow_offline_payment = forms.BooleanField(label="Allow paying offline", required=False)
    offline_instructions = forms.CharField(
        label="Offline payment instructions",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    low_stock_threshold = forms.IntegerField(min_value=0, max_value=10_000)
    offline_hold_days = forms.IntegerField(
        label="Hold unpaid offline orders (days)", min_value=1, max_value=60
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=OrderStatus.choices)
    carrier = forms.CharField(max_length=100, required=False)
    tracking_number = forms.CharField(label="Tracking number", max_length=100, required=False)
    tracking_url = forms.URLField(label="Tracking link", max_length=500, required=False)
    note = forms.CharField(max_length=300, required=False)


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        required=False, help_text="Empty: everything left to refund.", **MONEY_FIELD
    )
    reason = forms.CharField(max_length=300, required=False)


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "All"), *OrderStatus.choices], required=False)
    q = forms.CharField(label="Search", max_length=100, required=False)
