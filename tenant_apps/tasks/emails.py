"""The daily summary email: a text and an HTML part, with a one-click unsubscribe link."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from tenant_apps.notifications.tokens import make_unsubscribe_token
from tenants.context import current_organization, organization_url

SUMMARY_KIND = "tasks.daily_summary"


def send_summary_email(*, user, summary: dict) -> None:
    organization = current_organization()
    token = make_unsubscribe_token(user_id=user.pk, kind=SUMMARY_KIND)
    unsubscribe_url = organization_url(
        organization, reverse("notifications:unsubscribe", args=[token])
    )

    def link(task):
        return organization_url(organization, reverse("tasks:task", args=[task.pk]))

    sections = [
        (title, [{"task": task, "link": link(task)} for task in summary[key]])
        for key, title in (("overdue", "Overdue"), ("today", "Due today"), ("soon", "Next 7 days"))
        if summary[key]
    ]
    count = sum(len(items) for _, items in sections)
    context = {
        "user": user,
        "site_name": organization.name,
        "sections": sections,
        "my_tasks_url": organization_url(organization, reverse("tasks:my_tasks")),
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": organization_url(organization, reverse("notifications:preferences")),
    }
    message = EmailMultiAlternatives(
        subject=f"[{organization.name}] Your tasks today: {count} open",
        body=render_to_string("tasks/email/summary.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(render_to_string("tasks/email/summary.html", context), "text/html")
    message.send()
