from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from shared_apps.signup.forms import OrganizationSignupForm
from shared_apps.signup.services import sign_up_organization
from tenants.models import Feature
from tenants.selectors import subdomain_problem
from tenants.validators import normalize_subdomain


def landing(request):
    return render(request, "signup/landing.html", {"features": Feature.choices})


def signup(request):
    form = OrganizationSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = sign_up_organization(
                name=data["name"],
                subdomain=data["subdomain"],
                owner_email=data["owner_email"],
                owner_password=data["owner_password"],
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            if request.htmx:
                # The new site is another host: tell htmx to navigate there for real.
                return HttpResponse(status=204, headers={"HX-Redirect": result.login_url})
            return redirect(result.login_url)
    return render(request, "signup/signup.html", {"form": form})


@require_GET
def check_subdomain(request):
    """htmx: the availability line under the subdomain field."""
    raw = request.GET.get("subdomain", "")
    subdomain = normalize_subdomain(raw)
    problem = subdomain_problem(subdomain) if raw else None
    return render(
        request,
        "signup/_subdomain_check.html",
        {
            "subdomain": subdomain,
            "problem": problem,
            "empty": not raw,
            "host": f"{subdomain}.{settings.BASE_DOMAIN}",
        },
    )
