from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from tenant_apps.members import selectors, services
from tenant_apps.members.forms import ApiTokenForm
from tenant_apps.members.permissions import member_required


@member_required
def api_tokens(request):
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.create_api_token(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            new_key = issued.key
            form = ApiTokenForm()
    return render(
        request,
        "members/api_tokens.html",
        {"form": form, "tokens": selectors.tokens_of(request.user), "new_key": new_key},
    )


@member_required
@require_POST
def revoke_api_token(request, token_id: int):
    try:
        token = services.revoke_api_token(user=request.user, token_id=token_id)
    except ValidationError:
        messages.error(request, "That token does not exist.")
    else:
        messages.success(request, f"Token “{token.name}” revoked. It no longer works.")
    return redirect("members:api_tokens")


def accept_invitation(request, token: str):
    """The link from an invitation email. Visitors are sent to sign up (the invitation opens
    signup for them even on an invitation-only site); signed-in users confirm."""
    from tenant_apps.members.join import SESSION_KEY

    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "members/invitation_invalid.html", status=400)
    if not request.user.is_authenticated:
        request.session[SESSION_KEY] = token
        return redirect("account_signup")
    if request.method == "POST":
        try:
            services.accept_invitation(user=request.user, token=token)
        except ValidationError as error:
            return render(
                request,
                "members/invitation_invalid.html",
                {"errors": error.messages},
                status=400,
            )
        except ApplicationError as error:  # the plan's member limit is reached
            return render(
                request,
                "members/invitation_invalid.html",
                {"errors": [error.message]},
                status=error.status_code,
            )
        messages.success(request, "Invitation accepted. Welcome!")
        return redirect("home")
    return render(request, "members/invitation_accept.html", {"invitation": invitation})
