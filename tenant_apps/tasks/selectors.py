"""Reads of the task board, with their joins built in one place (no query per row)."""

import calendar
import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from tenant_apps.tasks import access
from tenant_apps.tasks.models import (
    Activity,
    CalendarFeed,
    Column,
    Label,
    Project,
    ProjectMember,
    SavedFilter,
    Task,
    Team,
)

SORTS = {
    "due": ("due_at", "id"),
    "-due": ("-due_at", "-id"),
    "priority": ("-priority", "due_at", "id"),
    "-priority": ("priority", "due_at", "id"),
    "title": ("title", "id"),
    "created": ("-created_at", "-id"),
    "updated": ("-updated_at", "-id"),
    "status": ("column__position", "rank"),
}
SORT_CHOICES = [
    ("status", "Board order"),
    ("due", "Due date, soonest first"),
    ("-due", "Due date, latest first"),
    ("priority", "Priority, highest first"),
    ("-priority", "Priority, lowest first"),
    ("title", "Title"),
    ("created", "Newest"),
    ("updated", "Recently changed"),
]


def _with_my_role(queryset, user):
    role = ProjectMember.objects.filter(project=OuterRef("pk"), user=user).values("role")[:1]
    return queryset.annotate(my_role=Subquery(role))


def visible_projects(*, user, deleted: bool = False):
    """Projects the user may see (private ones only as a member), with the user's role and
    open task counts."""
    if not access.is_site_member(user):
        return Project.objects.none()
    queryset = _with_my_role(Project.objects.select_related("team", "owner"), user).annotate(
        open_tasks=Count("tasks", filter=Q(tasks__completed_at__isnull=True), distinct=True),
        member_count=Count("memberships", distinct=True),
    )
    queryset = queryset.filter(Q(is_private=False) | Q(memberships__user=user)).distinct()
    if deleted:
        queryset = queryset.filter(deleted_at__isnull=False)
        if not access.is_site_admin(user):
            queryset = queryset.filter(memberships__user=user, memberships__role="manager")
        else:
            queryset = queryset.filter(
                Q(is_private=False) | Q(memberships__user=user, memberships__role="manager")
            )
        return queryset.order_by("-deleted_at")
    return queryset.filter(deleted_at__isnull=True).order_by("name", "id")


def project_for(*, user, project_id: int, deleted_ok: bool = False) -> Project | None:
    """The project if the user may see it (None otherwise: the caller answers 404)."""
    project = (
        _with_my_role(Project.objects.select_related("team", "owner"), user)
        .filter(pk=project_id)
        .first()
        if access.is_site_member(user)
        else None
    )
    if project is None or not access.can_view(user, project):
        return None
    if project.is_deleted and not deleted_ok:
        return None
    return project


def task_for(*, user, task_id: int) -> Task | None:
    task = (
        Task.objects.select_related("project", "column", "series", "created_by")
        .filter(pk=task_id, project__deleted_at__isnull=True)
        .first()
    )
    if task is None:
        return None
    project = project_for(user=user, project_id=task.project_id)
    if project is None:
        return None
    task.project = project  # carries my_role
    return task


def _card_queryset():
    return (
        Task.objects.select_related("column")
        .prefetch_related("assignees", "labels")
        .annotate(
            checklist_total=Count("checklist", distinct=True),
            checklist_done=Count("checklist", filter=Q(checklist__is_done=True), distinct=True),
            comment_count=Count("comments", distinct=True),
        )
    )


def board(*, project: Project) -> list[Column]:
    """The board's columns in order, each with `cards` (its tasks in rank order)."""
    columns = list(
        project.columns.order_by("position").prefetch_related(
            Prefetch("tasks", queryset=_card_queryset().order_by("rank"), to_attr="cards")
        )
    )
    return columns


def members_of(*, project: Project):
    return (
        ProjectMember.objects.filter(project=project)
        .select_related("user")
        .order_by("user__name", "user__email")
    )


def member_users(*, project: Project):
    return (
        get_user_model()
        .objects.filter(task_memberships__project=project, is_active=True)
        .order_by("name", "email")
    )


def site_users():
    return get_user_model().objects.filter(is_active=True).order_by("name", "email")


def labels_of(*, project: Project):
    return Label.objects.filter(project=project).order_by("name")


@dataclass
class TaskFilters:
    q: str = ""
    assignee: str = ""  # "", "me", "none" or a user id
    column: int | None = None
    status: str = ""  # "", "open", "done"
    priority: int | None = None
    label: str = ""  # a label id (in a project) or a name (across projects)
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    sort: str = "status"


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def filter_tasks(queryset, *, user, filters: TaskFilters):
    f = filters
    if f.q:
        queryset = queryset.filter(Q(title__icontains=f.q) | Q(description__icontains=f.q))
    if f.assignee == "me":
        queryset = queryset.filter(assignees=user)
    elif f.assignee == "none":
        queryset = queryset.filter(assignees__isnull=True)
    elif f.assignee:
        queryset = queryset.filter(assignees__pk=int(f.assignee))
    if f.column:
        queryset = queryset.filter(column_id=f.column)
    if f.status == "open":
        queryset = queryset.filter(completed_at__isnull=True)
    elif f.status == "done":
        queryset = queryset.filter(completed_at__isnull=False)
    if f.priority is not None:
        queryset = queryset.filter(priority=f.priority)
    if f.label:
        if f.label.isdigit():
            queryset = queryset.filter(labels__pk=int(f.label))
        else:
            queryset = queryset.filter(labels__name__iexact=f.label)
    if f.due_from:
        queryset = queryset.filter(due_at__gte=_day_start(f.due_from))
    if f.due_to:
        queryset = queryset.filter(due_at__lt=_day_start(f.due_to + dt.timedelta(days=1)))
    order = SORTS.get(f.sort, SORTS["status"])
    if f.sort in ("due", "-due"):
        from django.db.models import F

        field = (
            F("due_at").asc(nulls_last=True)
            if f.sort == "due"
            else F("due_at").desc(nulls_last=True)
        )
        return queryset.distinct().order_by(field, *order[1:])
    return queryset.distinct().order_by(*order)


def project_tasks(*, project: Project, user, filters: TaskFilters):
    queryset = _card_queryset().filter(project=project).select_related("project")
    return filter_tasks(queryset, user=user, filters=filters)


def my_tasks(*, user, filters: TaskFilters):
    """Tasks assigned to the user in every project they can still see."""
    visible = visible_projects(user=user).values("pk")
    queryset = (
        _card_queryset().select_related("project").filter(assignees=user, project__in=visible)
    )
    return filter_tasks(queryset, user=user, filters=filters)


def task_detail(*, task: Task) -> Task:
    return (
        Task.objects.select_related("project", "column", "series", "created_by")
        .prefetch_related(
            "assignees",
            "labels",
            "watchers",
            "checklist",
            "comments__author",
            "attachments__uploaded_by",
            Prefetch(
                "activity",
                queryset=Activity.objects.select_related("actor")[:200],
                to_attr="history",
            ),
        )
        .get(pk=task.pk)
    )


def activity_of(*, task: Task):
    return Activity.objects.filter(task=task).select_related("actor").order_by("-created_at", "-id")


def project_activity(*, project: Project, limit: int = 50):
    return (
        Activity.objects.filter(project=project)
        .select_related("actor", "task")
        .order_by("-created_at", "-id")[:limit]
    )


def month_grid(*, tasks, year: int, month: int) -> list[list[dict]]:
    """Weeks (Monday first) of days {date, in_month, tasks} for a month, tasks by local due
    date."""
    by_day: dict[dt.date, list] = {}
    for task in tasks:
        if task.due_at is not None:
            by_day.setdefault(timezone.localtime(task.due_at).date(), []).append(task)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append(
            [
                {"date": day, "in_month": day.month == month, "tasks": by_day.get(day, [])}
                for day in week
            ]
        )
    return weeks


def month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return weeks[0][0], weeks[-1][-1]


def saved_filters(*, user, project: Project | None = None):
    queryset = SavedFilter.objects.filter(user=user)
    if project is not None:
        queryset = queryset.filter(project=project)
    else:
        queryset = queryset.filter(project__isnull=True)
    return queryset.order_by("name")


def teams():
    return Team.objects.prefetch_related("members").annotate(
        project_count=Count("projects", filter=Q(projects__deleted_at__isnull=True))
    )


def feed_user(*, token: str):
    from tenant_apps.tasks.services import hash_feed_token

    if not token or len(token) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=hash_feed_token(token), user__is_active=True)
        .first()
    )
    return feed.user if feed else None


def feed_tasks(*, user):
    """The user's open assigned tasks with a due time, in projects they can still see."""
    visible = visible_projects(user=user).values("pk")
    return (
        Task.objects.filter(
            assignees=user, project__in=visible, due_at__isnull=False, completed_at__isnull=True
        )
        .select_related("project", "column")
        .order_by("due_at")[:1000]
    )


def summary_for(*, user, now: dt.datetime | None = None) -> dict:
    """The user's open assigned tasks for the daily summary: overdue, due today, due in the
    next 7 days."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    tomorrow = _day_start(today + dt.timedelta(days=1))
    week = _day_start(today + dt.timedelta(days=8))
    tasks = list(
        Task.objects.filter(
            assignees=user,
            completed_at__isnull=True,
            project__deleted_at__isnull=True,
            due_at__isnull=False,
            due_at__lt=week,
        )
        .filter(Q(project__is_private=False) | Q(project__memberships__user=user))
        .select_related("project")
        .distinct()
        .order_by("due_at")
    )
    return {
        "overdue": [t for t in tasks if t.due_at < now],
        "today": [t for t in tasks if now <= t.due_at < tomorrow],
        "soon": [t for t in tasks if tomorrow <= t.due_at],
    }
