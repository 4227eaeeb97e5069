"""The tenant admin console: owners and admins configure their site here."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from core.errors import ApplicationError, PaymentRequired
from shared_apps.billing.entitlements import feature_allowed
from tenant_apps.console import branding, domains, selectors, services, usage
from tenant_apps.console import export as exporting
from tenant_apps.console.forms import (
    AuditFilterForm,
    BrandingForm,
    InviteForm,
    JoinPolicyForm,
    RoleForm,
)
from tenant_apps.console.models import CustomDomain, ExportJob
from tenant_apps.members import services as members
from tenant_apps.members.models import Role
from tenant_apps.members.permissions import role_required
from tenants import lifecycle
from tenants.context import current_organization
from tenants.domains import txt_record_name, txt_record_value
from tenants.models import Feature

admin_required = role_required(Role.ADMIN)
owner_required = role_required(Role.OWNER)


def _errors_of(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"{field}: {message}" for field, msgs in error.message_dict.items() for message in msgs
        ]
    return error.messages


def _upgrade_context(request, error: ApplicationError | None) -> dict:
    """A plan refusal (402) says so and links to the upgrade; owners get the button."""
    if not isinstance(error, PaymentRequired):
        return {}
    return {
        "upgrade_url": error.extra.get("upgrade_url") or reverse("billing:index"),
        "can_upgrade": members.has_owner_role(request.user),
    }


def _members_page(request, *, invite_form=None, errors=(), status=200, refusal=None):
    search = request.GET.get("q", "")
    page = Paginator(selectors.members_list(search=search), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "search": search,
        "invite_form": invite_form or InviteForm(),
        "invitations": selectors.pending_invitations(),
        "roles": Role.choices,
        "action_errors": list(errors),
        "policy": members.join_policy(),
        **_upgrade_context(request, refusal),
    }
    return render(request, "console/members.html", context, status=status)


def _action(request, call, success: str):
    """Run a member action; bad input re-renders the page with the error (400, 403 or 409)."""
    try:
        call()
    except ValidationError as error:
        return _members_page(request, errors=_errors_of(error), status=400)
    except ApplicationError as error:
        return _members_page(
            request, errors=[error.message], status=error.status_code, refusal=error
        )
    messages.success(request, success)
    return redirect("console:members")


@admin_required
def index(request):
    return render(request, "console/index.html")


@admin_required
def members_view(request):
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                invitation = members.invite_member(
                    acting_user=request.user,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except ApplicationError as error:
                return _members_page(
                    request,
                    invite_form=form,
                    errors=[error.message],
                    status=error.status_code,
                    refusal=error,
                )
            else:
                messages.success(request, f"Invitation sent to {invitation.email}.")
                return redirect("console:members")
        return _members_page(request, invite_form=form, status=400)
    return _members_page(request)


@admin_required
@require_POST
def change_role(request, user_id: int):
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _members_page(request, errors=["role: Choose a valid role."], status=400)
    return _action(
        request,
        lambda: members.change_member_role(
            acting_user=request.user, user_id=user_id, role=form.cleaned_data["role"]
        ),
        "Role changed.",
    )


@admin_required
@require_POST
def set_active(request, user_id: int):
    value = request.POST.get("is_active")
    if value not in ("0", "1"):
        return _members_page(request, errors=["is_active: Send 0 or 1."], status=400)
    return _action(
        request,
        lambda: members.set_member_active(
            acting_user=request.user, user_id=user_id, is_active=value == "1"
        ),
        "Member reactivated." if value == "1" else "Member deactivated. They can no longer log in.",
    )


@admin_required
@require_POST
def remove(request, user_id: int):
    return _action(
        request,
        lambda: members.remove_member(acting_user=request.user, user_id=user_id),
        "Member removed.",
    )


@admin_required
@require_POST
def resend(request, invitation_id: int):
    return _action(
        request,
        lambda: members.resend_invitation(acting_user=request.user, invitation_id=invitation_id),
        "Invitation sent again with a new link.",
    )


@admin_required
@require_POST
def revoke(request, invitation_id: int):
    return _action(
        request,
        lambda: members.revoke_invitation(acting_user=request.user, invitation_id=invitation_id),
        "Invitation revoked; its link no longer works.",
    )


@admin_required
def join_policy(request):
    policy = members.join_policy()
    initial = {"mode": policy.mode, "allowed_domains": ", ".join(policy.allowed_domains)}
    form = JoinPolicyForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                members.set_join_policy(
                    acting_user=request.user,
                    mode=form.cleaned_data["mode"],
                    allowed_domains=form.domains(),
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, "Join policy saved.")
                return redirect("console:join_policy")
        status = 400
    return render(request, "console/join_policy.html", {"form": form}, status=status)


@admin_required
@require_GET
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.audit_entries(**{k: v for k, v in filters.items() if v})
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "console/audit.html", {"form": form, "page": page}, status=status)


def _app_settings_url(key: str) -> str:
    """An app's own settings page, if it has one (named `<key>:settings`)."""
    try:
        return reverse(f"{key}:settings")
    except NoReverseMatch:
        return ""


@admin_required
def features(request):
    organization = current_organization()
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            services.set_features(
                acting_user=request.user,
                organization=organization,
                features=request.POST.getlist("features"),
            )
        except ValidationError as error:
            errors = [m for msgs in error.message_dict.values() for m in msgs]
            status = 400
        else:
            messages.success(request, "Apps saved.")
            return redirect("console:features")
    apps = [
        {
            "key": feature.value,
            "label": feature.label,
            "is_on": organization.has_feature(feature.value),
            "is_allowed": feature_allowed(organization, feature.value),
            "settings_url": _app_settings_url(feature.value),
        }
        for feature in Feature
    ]
    context = {"apps": apps, "errors": errors}
    if any(not app["is_allowed"] for app in apps):
        context.update(
            upgrade_url=reverse("billing:index"), can_upgrade=members.has_owner_role(request.user)
        )
    return render(request, "console/features.html", context, status=status)


@admin_required
def branding_view(request):
    current = branding.site_settings()
    initial = {
        "site_name": current.site_name,
        "tagline": current.tagline,
        "accent_color": current.accent_color or "#4f46e5",
        "timezone": current.timezone,
        "language": current.language,
        "currency": current.currency,
    }
    form = BrandingForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                branding.update_site_settings(
                    acting_user=request.user,
                    logo=data.get("logo"),
                    remove_logo=data.get("remove_logo", False),
                    **{
                        k: data[k]
                        for k in (
                            "site_name",
                            "tagline",
                            "accent_color",
                            "timezone",
                            "language",
                            "currency",
                        )
                    },
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, "Branding saved.")
                return redirect("console:branding")
        status = 400
    return render(
        request, "console/branding.html", {"form": form, "current": current}, status=status
    )


# Public: every visitor's pages load these. Their URLs carry a version, so they cache for long.
@cache_control(public=True, max_age=31536000, immutable=True)
def branding_css(request, version: int):
    accent = branding.site_settings().accent_color
    if not accent:
        raise Http404("No accent colour set.")
    return HttpResponse(f":root{{--accent:{accent}}}\n", content_type="text/css")


@cache_control(public=True, max_age=31536000, immutable=True)
def logo(request, version: int):
    name = branding.site_settings().logo
    if not name or not default_storage.exists(name):
        raise Http404("No logo.")
    content_types = {
        "png": "image/png",
        "jpg": "image/jpeg",
        "gif": "image/gif",
        "webp": "image/webp",
    }
    with default_storage.open(name) as handle:
        data = handle.read()
    response = HttpResponse(data, content_type=content_types[name.rsplit(".", 1)[-1]])
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _domains_page(request, *, errors=(), status=200, value="", refusal=None):
    organization = current_organization()
    context = {
        "custom_domains": [
            {
                "row": custom,
                "txt_name": txt_record_name(custom.domain),
                "txt_value": txt_record_value(custom.token),
            }
            for custom in CustomDomain.objects.all()
        ],
        "routed": {d.domain: d.is_primary for d in organization.domains.all()},
        "errors": list(errors),
        "value": value,
        **_upgrade_context(request, refusal),
    }
    return render(request, "console/domains.html", context, status=status)


@admin_required
def domains_view(request):
    if request.method == "POST":
        value = request.POST.get("domain", "")
        try:
            custom = domains.add_custom_domain(acting_user=request.user, domain=value)
        except ValidationError as error:
            return _domains_page(request, errors=_errors_of(error), status=400, value=value)
        except ApplicationError as error:
            return _domains_page(
                request,
                errors=[error.message],
                status=error.status_code,
                value=value,
                refusal=error,
            )
        messages.success(request, f"{custom.domain} added. Create the TXT record shown below.")
        return redirect("console:domains")
    return _domains_page(request)


def _domain_action(request, call, success: str):
    try:
        call()
    except ValidationError as error:
        return _domains_page(request, errors=_errors_of(error), status=400)
    messages.success(request, success)
    return redirect("console:domains")


@admin_required
@require_POST
def verify_domain(request, domain_id: int):
    custom = CustomDomain.objects.filter(pk=domain_id).first()
    if custom is None:
        return _domains_page(request, errors=["domain: No such domain on this site."], status=400)
    result = domains.verify_custom_domain(domain_id=domain_id, acting_user=request.user)
    if result.status == CustomDomain.Status.VERIFIED:
        messages.success(request, f"{result.domain} is verified and now serves this site.")
    else:
        messages.warning(request, f"{result.domain}: {result.last_error}")
    return redirect("console:domains")


@admin_required
@require_POST
def primary_domain(request, domain_id: int):
    return _domain_action(
        request,
        lambda: domains.set_primary_custom_domain(acting_user=request.user, domain_id=domain_id),
        "Primary domain changed.",
    )


@admin_required
@require_POST
def remove_domain(request, domain_id: int):
    return _domain_action(
        request,
        lambda: domains.remove_custom_domain(acting_user=request.user, domain_id=domain_id),
        "Domain removed; it no longer serves this site.",
    )


@admin_required
def usage_view(request):
    organization = current_organization()
    context = {"rows": usage.usage_rows(organization), "chart": usage.activity_chart()}
    return render(request, "console/usage.html", context)


@owner_required
def export_view(request):
    status = 200
    errors: list[str] = []
    if request.method == "POST":
        try:
            exporting.request_export(acting_user=request.user)
        except ValidationError as error:
            errors, status = _errors_of(error), 400
        else:
            messages.success(request, "Export started. This page shows its progress.")
            return redirect("console:export")
    jobs = ExportJob.objects.select_related("requested_by")[:10]
    return render(request, "console/export.html", {"jobs": jobs, "errors": errors}, status=status)


@owner_required
def export_progress(request, job_id: int):
    job = ExportJob.objects.filter(pk=job_id).first()
    if job is None:
        raise Http404("No such export.")
    return render(request, "console/_export_job.html", {"job": job})


@owner_required
def export_download(request, job_id: int):
    job = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.DONE).first()
    if job is None or not job.file_name:
        raise Http404("No such export.")
    handle = exporting.private_storage().open(job.file_name)
    filename = f"{current_organization().schema_name}-export-{job.created_at:%Y%m%d}.zip"
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/zip"
    )


@owner_required
def delete_view(request):
    organization = current_organization()
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.delete_organization(
                acting_user=request.user,
                organization=organization,
                confirm_subdomain=request.POST.get("confirm_subdomain", ""),
            )
        except ValidationError as error:
            errors = [m for msgs in error.message_dict.values() for m in msgs]
        else:
            # The schema (sessions, messages) is gone: leave for the public site at once.
            public = f"{settings.SITE_SCHEME}://{settings.BASE_DOMAIN}{settings.SITE_PORT}/"
            return HttpResponseRedirect(public + "?deleted=" + organization.schema_name)
    context = {"errors": errors, "grace_days": lifecycle.grace_days()}
    return render(request, "console/delete.html", context, status=400 if errors else 200)
