"""Notification emails: a text and an HTML part, and RFC 8058 one-click unsubscribe headers."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from tenant_apps.notifications import registry
from tenant_apps.notifications.tokens import make_unsubscribe_token
from tenants.context import current_organization, organization_url


def _absolute(organization, url: str) -> str:
    if not url:
        return organization_url(organization, reverse("notifications:index"))
    if url.startswith(("http://", "https://")):
        return url
    return organization_url(organization, url if url.startswith("/") else f"/{url}")


def _message(*, user, kind_key: str, subject: str, template: str, context: dict):
    organization = current_organization()
    token = make_unsubscribe_token(user_id=user.pk, kind=kind_key)
    unsubscribe_url = organization_url(
        organization, reverse("notifications:unsubscribe", args=[token])
    )
    context = {
        **context,
        "organization": organization,
        "site_name": organization.name,
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": organization_url(organization, reverse("notifications:preferences")),
    }
    message = EmailMultiAlternatives(
        subject=f"[{organization.name}] {subject}",
        body=render_to_string(f"notifications/email/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(
        render_to_string(f"notifications/email/{template}.html", context), "text/html"
    )
    return message


def send_notification_email(notification) -> None:
    organization = current_organization()
    kind = registry.get_kind(notification.kind)
    _message(
        user=notification.recipient,
        kind_key=notification.kind,
        subject=notification.title,
        template="notification",
        context={
            "notification": notification,
            "kind_label": kind.label if kind else notification.kind,
            "link": _absolute(organization, notification.url),
        },
    ).send()


def send_digest_email(*, user, notifications) -> None:
    organization = current_organization()
    items = [
        {"notification": item, "link": _absolute(organization, item.url)} for item in notifications
    ]
    count = len(items)
    _message(
        user=user,
        kind_key="digest",
        subject=f"Your daily digest: {count} notification{'' if count == 1 else 's'}",
        template="digest",
        context={"items": items},
    ).send()
