"""The events app's emails: each with a text and an HTML part, rendered from
templates/events/email/<name>.txt|.html, sent by tasks or on commit (never inside a
transaction that could still roll back)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from tenants.context import current_organization, organization_url


def absolute(path: str) -> str:
    return organization_url(current_organization(), path)


def send(
    *, to: str, subject: str, template: str, context: dict, attachments: list | None = None
) -> None:
    organization = current_organization()
    context = {**context, "site_name": organization.name, "site_url": absolute("/")}
    message = EmailMultiAlternatives(
        subject=f"[{organization.name}] {subject}",
        body=render_to_string(f"events/email/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(
        render_to_string(f"events/email/{template}.html", context), "text/html"
    )
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    message.send()
