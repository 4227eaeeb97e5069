from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render

from shared_apps.accounts.services import redeem_login_handoff


def login_handoff(request):
    """Land a user, already logged in, from a one-time token made on another host."""
    user = redeem_login_handoff(token=request.GET.get("token", ""))
    if user is None:
        return render(request, "accounts/handoff_invalid.html", status=400)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    unverified = EmailAddress.objects.filter(user=user, primary=True, verified=False).first()
    if unverified is not None:
        unverified.send_confirmation(request, signup=True)
    messages.success(request, "Welcome! You are logged in.")
    return redirect("home")
