from django.urls import path
from rest_framework.routers import SimpleRouter

from tenant_apps.store import api

app_name = "store-api"

router = SimpleRouter()
router.register("products", api.ProductViewSet, basename="product")
router.register("categories", api.CategoryViewSet, basename="category")
router.register("shipping-methods", api.ShippingMethodViewSet, basename="shipping-method")
router.register("orders", api.MyOrderViewSet, basename="order")
router.register("manage/products", api.ManageProductViewSet, basename="manage-product")
router.register("manage/variants", api.ManageVariantViewSet, basename="manage-variant")
router.register("manage/categories", api.ManageCategoryViewSet, basename="manage-category")
router.register(
    "manage/shipping-methods", api.ManageShippingMethodViewSet, basename="manage-shipping"
)
router.register("manage/discount-codes", api.ManageDiscountCodeViewSet, basename="manage-discount")
router.register("manage/orders", api.ManageOrderViewSet, basename="manage-order")

urlpatterns = [
    path("cart/", api.CartView.as_view(), name="cart"),
    path("cart/lines/", api.CartLinesView.as_view(), name="cart-lines"),
    path("cart/lines/<int:variant_id>/", api.CartLineView.as_view(), name="cart-line"),
    path("checkout/", api.CheckoutView.as_view(), name="checkout"),
    path("manage/sales/", api.SalesView.as_view(), name="sales"),
    path("manage/settings/", api.SettingsView.as_view(), name="settings"),
    *router.urls,
]
