"""Pages of notifications: the list, the bell fragment, preferences and one-click unsubscribe."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from tenant_apps.notifications import selectors, services
from tenant_apps.notifications.forms import PreferencesForm
from tenant_apps.notifications.tokens import read_unsubscribe_token

PAGE_SIZE = 20


@login_required
def index(request):
    unread_only = request.GET.get("filter") == "unread"
    paginator = Paginator(
        selectors.notifications_for(user=request.user, unread_only=unread_only), PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/index.html",
        {"page": page, "unread_only": unread_only},
    )


@login_required
def bell(request):
    return render(
        request,
        "notifications/_bell.html",
        {"unread_notifications": selectors.unread_count(user=request.user)},
    )


def _back(request):
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("notifications:index")


@login_required
def open_notification(request, notification_id: int):
    """Follow a notification's link and mark it read on the way (the list links here)."""
    notification = selectors.notifications_for(user=request.user).filter(pk=notification_id).first()
    if notification is None:
        raise Http404("No such notification.")
    services.mark_read(user=request.user, notification_id=notification.pk)
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.url)
    return redirect("notifications:index")


@login_required
@require_POST
def mark_read(request, notification_id: int):
    try:
        services.mark_read(user=request.user, notification_id=notification_id)
    except ValidationError:
        messages.error(request, "That notification does not exist.")
    return _back(request)


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_all_read(user=request.user)
    messages.success(request, f"Marked {count} notification{'' if count == 1 else 's'} read.")
    return _back(request)


@login_required
def preferences(request):
    current = selectors.preferences_of(user=request.user)
    form = PreferencesForm(request.POST or None, preferences=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_preferences(user=request.user, deliveries=form.deliveries())
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Your notification preferences are saved.")
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form, "kinds": current})


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" without a session
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET shows a confirmation (link scanners must not unsubscribe anyone); POST unsubscribes,
    whether from that page or from a mail client's one-click button."""
    if request.method == "GET":
        valid = read_unsubscribe_token(token) is not None
        return render(
            request,
            "notifications/unsubscribe.html",
            {"valid": valid, "done": False},
            status=200 if valid else 400,
        )
    try:
        _user, labels = services.unsubscribe(token=token)
    except ValidationError:
        return render(
            request, "notifications/unsubscribe.html", {"valid": False, "done": False}, status=400
        )
    if request.POST.get("List-Unsubscribe") == "One-Click":
        return HttpResponse("Unsubscribed.", content_type="text/plain")
    return render(
        request, "notifications/unsubscribe.html", {"valid": True, "done": True, "labels": labels}
    )
