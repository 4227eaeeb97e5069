"""Demo data for the `make run` demo sites: a team, a shared and a private project whose
board, tasks, labels, checklists, comments, a repeating task, a saved filter and the activity
history show every feature of the app."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.demo import demo_data
from tenant_apps.tasks import services
from tenant_apps.tasks.models import Project


@demo_data
def seed(*, organization, owner):
    if Project.objects.exists():
        return
    others = list(get_user_model().objects.filter(is_active=True).exclude(pk=owner.pk)[:3])
    team = services.save_team(
        acting_user=owner,
        name="Website crew",
        description="Keeps the site running.",
        member_ids=[owner.pk, *(u.pk for u in others)],
    )
    project = services.create_project(
        user=owner,
        name="Website relaunch",
        team=team,
        description="Everything for the new site, from copy to launch day.",
    )
    todo, doing, _done = list(project.columns.order_by("position"))
    review = services.add_column(user=owner, project=project, name="Review")
    services.move_column(user=owner, column=review, offset=-1)
    labels = {
        name: services.save_label(user=owner, project=project, name=name, colour=colour)
        for name, colour in [("design", "purple"), ("bug", "red"), ("content", "green")]
    }
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    people = [owner, *others]

    def add(title, column, *, days=None, priority=0, label=(), who=(), description=""):
        return services.create_task(
            user=owner,
            project=project,
            title=title,
            column=column,
            priority=priority,
            due_at=now + dt.timedelta(days=days) if days is not None else None,
            label_ids=[labels[name].pk for name in label],
            assignee_ids=[people[i % len(people)].pk for i in who],
            description=description,
        )

    hero = add(
        "Design the home page hero",
        doing,
        days=2,
        priority=3,
        label=["design"],
        who=[0],
        description="Three options, **mobile first**.\n\n- bold photo\n- illustration\n- video",
    )
    for text in ("Sketch options", "Pick photos", "Review with the team"):
        item = services.add_checklist_item(user=owner, task=hero, text=text)
    services.set_checklist_item(user=owner, item=hero.checklist.first(), is_done=True)
    services.add_comment(user=owner, task=hero, body="First sketches are in the shared folder.")
    services.add_attachment(
        user=owner,
        organization=organization,
        task=hero,
        upload=SimpleUploadedFile("brief.txt", b"Hero: bold, friendly, fast.\n"),
    )
    add("Fix the broken contact form", todo, days=-1, priority=4, label=["bug"], who=[1])
    add("Write the About page", todo, days=5, label=["content"], who=[2])
    add("Collect team photos", todo, label=["content"])
    add("Choose the colour palette", review, days=1, label=["design"], who=[0])
    shipped = add("Register the new domain", todo, days=-3, who=[0])
    services.complete_task(user=owner, task=shipped)
    weekly = add(
        "Weekly analytics check",
        todo,
        days=1,
        priority=1,
        who=[0],
        description="Look at visits and the top pages; note anything odd.",
    )
    services.set_recurrence(
        user=owner,
        task=weekly,
        kind="weekly",
        weekdays=[["MO", "TU", "WE", "TH", "FR", "SA", "SU"][weekly.due_at.weekday()]],
    )
    del item
    private = services.create_project(
        user=owner,
        name="Owner's notes",
        is_private=True,
        description="A private project: only its members see it.",
    )
    services.create_task(
        user=owner,
        project=private,
        title="Renew the insurance",
        due_at=now + dt.timedelta(days=20),
        assignee_ids=[owner.pk],
    )
    services.save_filter(
        user=owner, name="Urgent on the relaunch", query="priority=4", project=project
    )
    services.save_filter(user=owner, name="Due this week", query="status=open&sort=due")
