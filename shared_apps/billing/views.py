"""Tenant-host billing pages: the owner's plan and invoices, the admin's payments setup."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import ApplicationError
from shared_apps.billing import entitlements, payments, selectors, services
from shared_apps.billing.forms import ChoosePlanForm
from shared_apps.billing.stripe_client import is_offline
from tenant_apps.members.models import Role
from tenant_apps.members.permissions import role_required
from tenants.context import current_organization


def _index_context(organization, form=None) -> dict:
    return {
        "account": selectors.billing_account_of(organization),
        "plan": selectors.current_plan(organization),
        "plans": selectors.offered_plans(),
        "state": entitlements.billing_state(organization),
        "read_only": entitlements.is_read_only(organization),
        "grace_ends_at": entitlements.grace_ends_at(organization),
        "offline": is_offline(),
        "has_subscription": services.has_subscription(organization),
        "invoices": selectors.invoices_of(organization),
        "form": form or ChoosePlanForm(),
    }


@require_GET
@role_required(Role.OWNER)
def index(request):
    organization = current_organization()
    checkout = request.GET.get("checkout")
    if checkout == "success":
        messages.success(
            request, "Thank you! Your subscription starts as soon as Stripe confirms the payment."
        )
    elif checkout == "cancelled":
        messages.info(request, "Checkout was cancelled; nothing was charged.")
    return render(request, "billing/index.html", _index_context(organization))


@require_POST
@role_required(Role.OWNER)
def choose_plan(request):
    """Offline: switch now. First subscription: Stripe Checkout. Later changes: the portal."""
    organization = current_organization()
    form = ChoosePlanForm(request.POST)
    if not form.is_valid():
        return render(request, "billing/index.html", _index_context(organization, form), status=400)
    plan_key, interval = form.cleaned_data["plan"], form.cleaned_data["interval"]
    try:
        if is_offline():
            services.switch_plan_offline(
                organization=organization, plan_key=plan_key, interval=interval
            )
            messages.success(request, "Your plan was changed (offline mode: no payment taken).")
            return redirect("billing:index")
        if services.has_subscription(organization):
            return redirect(services.open_portal(organization=organization))
        return redirect(
            services.start_checkout(organization=organization, plan_key=plan_key, interval=interval)
        )
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return render(request, "billing/index.html", _index_context(organization, form), status=400)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("billing:index")


@require_POST
@role_required(Role.OWNER)
def portal(request):
    try:
        return redirect(services.open_portal(organization=current_organization()))
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("billing:index")


@require_GET
@role_required(Role.ADMIN)
def payments_page(request):
    organization = current_organization()
    account = selectors.billing_account_of(organization)
    if request.GET.get("connected") and account and account.connect_account_id:
        try:
            account = services.sync_connected_account(account_id=account.connect_account_id)
        except ApplicationError as error:
            messages.error(request, error.message)
    return render(
        request,
        "billing/payments.html",
        {
            "account": account,
            "offline": is_offline(),
            "reason": payments.not_set_up_reason(organization),
            "fee_percent": payments.platform_fee_percent(organization),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def connect(request):
    """Start or resume Stripe onboarding (GET is Stripe's refresh link)."""
    try:
        return redirect(services.start_connect_onboarding(organization=current_organization()))
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("billing:payments")
