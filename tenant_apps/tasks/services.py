"""Every change of state in the task board. Each service is one transaction, takes keyword
arguments, checks permissions (tenant_apps.tasks.access), writes an Activity row for what
changed and sends live board events and notifications after commit."""

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Sum
from django.utils import timezone

from core.errors import ApplicationError, Conflict, PermissionDenied
from shared_apps.billing import entitlements
from tenant_apps.console.audit import log_action
from tenant_apps.notifications.realtime import publish
from tenant_apps.notifications.services import notify
from tenant_apps.tasks import access, ranks, recurrence
from tenant_apps.tasks.models import (
    Activity,
    Attachment,
    CalendarFeed,
    ChecklistItem,
    Column,
    Comment,
    Label,
    Priority,
    Project,
    ProjectMember,
    RecurrenceSeries,
    SavedFilter,
    Task,
    TaskSettings,
    Team,
)

logger = logging.getLogger(__name__)

SETTINGS_CACHE_KEY = "tasks:settings"
DEFAULT_COLUMNS = [("To do", False), ("In progress", False), ("Done", True)]
MAX_COLUMNS = 20
MAX_LABELS = 50
MAX_ASSIGNEES = 20
MAX_CHECKLIST_ITEMS = 100
MAX_ATTACHMENTS = 20
ATTACHMENT_MAX_BYTES = 10 * 1024**2
ATTACHMENT_KINDS = frozenset({"image", "pdf", "text", "csv", "zip"})
MAX_SAVED_FILTERS = 30


# -- helpers -------------------------------------------------------------------------------


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _log(*, project, task=None, actor, verb: str, text: str, data: dict | None = None) -> None:
    Activity.objects.create(
        project=project,
        task=task,
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        text=text[:300],
        data=data or {},
    )


def _board_changed(project, kind: str, **ids) -> None:
    """Tell open boards of the project to refresh (after commit). Ids only: each page
    re-reads what it shows with its user's permissions."""
    publish(("tasks", "board", project.pk), {"type": f"tasks.{kind}", **ids})


def _clean_text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: ["This field is required."]})
    if len(value) > max_length:
        raise ValidationError({field: [f"Use at most {max_length} characters."]})
    return value


def _local(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "none"


def _users(ids: Iterable[int]):
    return list(get_user_model().objects.filter(pk__in=list(ids), is_active=True))


def task_url(task) -> str:
    from django.urls import reverse

    return reverse("tasks:task", args=[task.pk])


# -- settings ------------------------------------------------------------------------------


def get_settings() -> TaskSettings:
    cached = cache.get(SETTINGS_CACHE_KEY)
    if cached is None:
        cached = TaskSettings.objects.filter(pk=1).first() or TaskSettings(pk=1)
        cache.set(SETTINGS_CACHE_KEY, cached, 3600)
    return cached


@transaction.atomic
def update_settings(
    *, acting_user, members_may_create_projects: bool, due_soon_hours: int, summary_hour: int
) -> TaskSettings:
    """Admins change the app's settings; the change is audited."""
    _require(access.is_site_admin(acting_user), "Only admins change task settings.")
    if not 1 <= due_soon_hours <= 336:
        raise ValidationError({"due_soon_hours": ["Choose from 1 to 336 hours."]})
    if not 0 <= summary_hour <= 23:
        raise ValidationError({"summary_hour": ["Choose an hour from 0 to 23."]})
    current, _ = TaskSettings.objects.select_for_update().get_or_create(pk=1)
    before = {
        "members_may_create_projects": current.members_may_create_projects,
        "due_soon_hours": current.due_soon_hours,
        "summary_hour": current.summary_hour,
    }
    current.members_may_create_projects = members_may_create_projects
    current.due_soon_hours = due_soon_hours
    current.summary_hour = summary_hour
    current.save()
    after = {
        "members_may_create_projects": members_may_create_projects,
        "due_soon_hours": due_soon_hours,
        "summary_hour": summary_hour,
    }
    log_action(acting_user=acting_user, action="tasks.settings_changed", before=before, after=after)
    cache.delete(SETTINGS_CACHE_KEY)  # now for this request, and again once committed (a reader
    transaction.on_commit(lambda: cache.delete(SETTINGS_CACHE_KEY))  # may refill it meanwhile)
    return current


# -- teams ---------------------------------------------------------------------------------


@transaction.atomic
def save_team(
    *, acting_user, name: str, description: str = "", member_ids: Iterable[int] = (), team=None
) -> Team:
    """Create or change a team (admins). Members added to a team join its projects; members
    removed from it leave them (and are unassigned from their tasks)."""
    _require(access.is_site_admin(acting_user), "Only admins manage teams.")
    name = _clean_text(name, field="name", max_length=80)
    description = _clean_text(description, field="description", max_length=300, required=False)
    clash = Team.objects.filter(name__iexact=name)
    if team is not None:
        clash = clash.exclude(pk=team.pk)
    if clash.exists():
        raise ValidationError({"name": ["A team with this name exists."]})
    members = _users(member_ids)
    creating = team is None
    if creating:
        team = Team.objects.create(name=name, description=description)
        before_ids: set[int] = set()
    else:
        team = Team.objects.select_for_update().get(pk=team.pk)
        before_ids = set(team.members.values_list("pk", flat=True))
        team.name, team.description = name, description
        team.save()
    try:
        with transaction.atomic():
            team.members.set(members)
    except IntegrityError as error:  # a concurrent save of the same name
        raise ValidationError({"name": ["A team with this name exists."]}) from error
    after_ids = {user.pk for user in members}
    for project in team.projects.filter(deleted_at__isnull=True):
        for user in members:
            if user.pk not in before_ids:
                ProjectMember.objects.get_or_create(project=project, user=user)
        for user_id in before_ids - after_ids:
            if project.owner_id != user_id:
                _remove_member(project=project, user_id=user_id, actor=acting_user)
    log_action(
        acting_user=acting_user,
        action="tasks.team_created" if creating else "tasks.team_changed",
        target=team,
        after={"name": name, "members": sorted(after_ids)},
    )
    return team


@transaction.atomic
def delete_team(*, acting_user, team: Team) -> None:
    _require(access.is_site_admin(acting_user), "Only admins manage teams.")
    if team.projects.exists():
        raise ValidationError(
            {"team": ["This team owns projects; give them another owner or delete them first."]}
        )
    log_action(acting_user=acting_user, action="tasks.team_deleted", target=team)
    team.delete()


# -- projects ------------------------------------------------------------------------------


@transaction.atomic
def create_project(
    *,
    user,
    name: str,
    description: str = "",
    team: Team | None = None,
    is_private: bool = False,
    member_ids: Iterable[int] = (),
) -> Project:
    """Create a project with the default board (To do, In progress, Done). The creator is its
    manager; a team-owned project gets the team's members, a personal one is the creator's."""
    _require(access.can_create_projects(user), "You cannot create projects on this site.")
    name = _clean_text(name, field="name", max_length=100)
    description = _clean_text(description, field="description", max_length=5000, required=False)
    project = Project.objects.create(
        name=name,
        description=description,
        team=team,
        owner=None if team else user,
        is_private=is_private,
        created_by=user,
    )
    for position, (column_name, is_done) in enumerate(DEFAULT_COLUMNS):
        Column.objects.create(project=project, name=column_name, position=position, is_done=is_done)
    ProjectMember.objects.create(project=project, user=user, role=ProjectMember.Role.MANAGER)
    others = {u.pk: u for u in _users(member_ids)}
    if team is not None:
        others.update({u.pk: u for u in team.members.filter(is_active=True)})
    others.pop(user.pk, None)
    ProjectMember.objects.bulk_create(
        [ProjectMember(project=project, user=other) for other in others.values()]
    )
    _log(project=project, actor=user, verb="project.created", text=f"created the project {name}")
    return project


@transaction.atomic
def update_project(
    *,
    user,
    project: Project,
    name: str,
    description: str,
    is_private: bool,
    team: Team | None = None,
    owner=None,
) -> Project:
    _require(access.can_manage(user, project), "Only the project's managers change it.")
    name = _clean_text(name, field="name", max_length=100)
    description = _clean_text(description, field="description", max_length=5000, required=False)
    project = Project.objects.select_for_update().get(pk=project.pk)
    changes = []
    if name != project.name:
        changes.append(f"renamed it to {name}")
    if is_private != project.is_private:
        changes.append("made it private" if is_private else "made it visible to the site")
    project.name, project.description, project.is_private = name, description, is_private
    if team is not None or owner is not None:
        project.team, project.owner = team, (None if team else owner)
        if team is not None:
            for member in team.members.filter(is_active=True):
                ProjectMember.objects.get_or_create(project=project, user=member)
        elif owner is not None:
            ProjectMember.objects.update_or_create(
                project=project, user=owner, defaults={"role": ProjectMember.Role.MANAGER}
            )
        changes.append(f"gave it to {team or owner.display_name}")
    project.save()
    if changes:
        _log(project=project, actor=user, verb="project.changed", text="; ".join(changes))
    _board_changed(project, "project")
    return project


@transaction.atomic
def delete_project(*, user, project: Project) -> Project:
    """Soft delete: the project disappears from every list and can be restored."""
    _require(access.can_manage(user, project), "Only the project's managers delete it.")
    updated = Project.objects.filter(pk=project.pk, deleted_at__isnull=True).update(
        deleted_at=timezone.now()
    )
    if not updated:
        raise Conflict("This project is already deleted.")
    project.refresh_from_db()
    _log(project=project, actor=user, verb="project.deleted", text="deleted the project")
    _board_changed(project, "project")
    return project


@transaction.atomic
def restore_project(*, user, project: Project) -> Project:
    _require(access.can_manage(user, project), "Only the project's managers restore it.")
    Project.objects.filter(pk=project.pk).update(deleted_at=None)
    project.refresh_from_db()
    _log(project=project, actor=user, verb="project.restored", text="restored the project")
    return project


@transaction.atomic
def add_project_member(*, user, project: Project, member, role: str = "member") -> ProjectMember:
    _require(access.can_manage(user, project), "Only the project's managers add members.")
    if role not in ProjectMember.Role.values:
        raise ValidationError({"role": ["Choose manager or member."]})
    if member is None or not member.is_active:
        raise ValidationError({"user": ["Choose an active member of the site."]})
    membership, created = ProjectMember.objects.get_or_create(
        project=project, user=member, defaults={"role": role}
    )
    if not created and membership.role != role:
        if membership.role == "manager" and _last_manager(project, member.pk):
            raise ValidationError({"role": ["A project keeps at least one manager."]})
        membership.role = role
        membership.save(update_fields=["role"])
    _log(
        project=project,
        actor=user,
        verb="member.added" if created else "member.role",
        text=f"{'added' if created else 'changed the role of'} {member.display_name} ({role})",
    )
    return membership


def _last_manager(project, user_id: int) -> bool:
    return not (
        ProjectMember.objects.filter(project=project, role="manager").exclude(user_id=user_id)
    ).exists()


def _remove_member(*, project, user_id: int, actor) -> int:
    """Remove a membership and unassign (and unwatch) the user from the project's tasks."""
    task_ids = list(
        Task.assignees.through.objects.filter(task__project=project, user_id=user_id).values_list(
            "task_id", flat=True
        )
    )
    Task.assignees.through.objects.filter(task__project=project, user_id=user_id).delete()
    Task.watchers.through.objects.filter(task__project=project, user_id=user_id).delete()
    ProjectMember.objects.filter(project=project, user_id=user_id).delete()
    user = get_user_model().objects.filter(pk=user_id).first()
    label = user.display_name if user else f"user {user_id}"
    for task in Task.objects.filter(pk__in=task_ids):
        _log(
            project=project,
            task=task,
            actor=actor,
            verb="task.unassigned",
            text=f"unassigned {label} (removed from the project)",
            data={"user": user_id},
        )
    _log(project=project, actor=actor, verb="member.removed", text=f"removed {label}")
    _board_changed(project, "members")
    return len(task_ids)


@transaction.atomic
def remove_project_member(*, user, project: Project, member) -> int:
    """Remove someone from a project: they are unassigned from its tasks. Returns how many
    tasks they were unassigned from. Members may leave a project themselves."""
    _require(
        access.can_manage(user, project) or user.pk == member.pk,
        "Only the project's managers remove members.",
    )
    membership = ProjectMember.objects.filter(project=project, user=member).first()
    if membership is None:
        raise ValidationError({"user": ["This person is not a member of the project."]})
    if membership.role == "manager" and _last_manager(project, member.pk):
        raise ValidationError({"user": ["A project keeps at least one manager."]})
    return _remove_member(project=project, user_id=member.pk, actor=user)


# -- columns -------------------------------------------------------------------------------


def _lock_project(project) -> Project:
    return Project.objects.select_for_update().get(pk=project.pk)


def _set_done_column(project, column) -> None:
    Column.objects.filter(project=project, is_done=True).exclude(pk=column.pk).update(is_done=False)


@transaction.atomic
def add_column(*, user, project: Project, name: str, is_done: bool = False) -> Column:
    _require(access.can_manage(user, project), "Only the project's managers change the board.")
    name = _clean_text(name, field="name", max_length=50)
    _lock_project(project)
    if project.columns.count() >= MAX_COLUMNS:
        raise ValidationError({"name": [f"A board has at most {MAX_COLUMNS} columns."]})
    if project.columns.filter(name__iexact=name).exists():
        raise ValidationError({"name": ["The board already has a column with this name."]})
    position = (project.columns.aggregate(top=Max("position"))["top"] or 0) + 1
    if is_done:
        Column.objects.filter(project=project, is_done=True).update(is_done=False)
    column = Column.objects.create(project=project, name=name, position=position, is_done=is_done)
    _log(project=project, actor=user, verb="column.added", text=f"added the column {name}")
    _board_changed(project, "columns")
    return column


@transaction.atomic
def update_column(*, user, column: Column, name: str, is_done: bool) -> Column:
    """Rename a column or make it the done column (the previous done column stops being one;
    completion dates follow the tasks' new columns)."""
    project = column.project
    _require(access.can_manage(user, project), "Only the project's managers change the board.")
    name = _clean_text(name, field="name", max_length=50)
    _lock_project(project)
    if project.columns.filter(name__iexact=name).exclude(pk=column.pk).exists():
        raise ValidationError({"name": ["The board already has a column with this name."]})
    was_done = column.is_done
    if is_done and not was_done:
        _set_done_column(project, column)
    column.name, column.is_done = name, is_done
    column.save()
    if is_done != was_done:
        now = timezone.now()
        Task.objects.filter(
            project=project, column__is_done=True, completed_at__isnull=True
        ).update(completed_at=now)
        Task.objects.filter(project=project, column__is_done=False).update(completed_at=None)
    _log(project=project, actor=user, verb="column.changed", text=f"changed the column {name}")
    _board_changed(project, "columns")
    return column


@transaction.atomic
def move_column(*, user, column: Column, offset: int) -> None:
    """Move a column left (-1) or right (+1) on the board."""
    project = column.project
    _require(access.can_manage(user, project), "Only the project's managers change the board.")
    _lock_project(project)
    columns = list(project.columns.order_by("position"))
    index = next(i for i, c in enumerate(columns) if c.pk == column.pk)
    target = index + offset
    if not 0 <= target < len(columns):
        return
    columns[index], columns[target] = columns[target], columns[index]
    for position, item in enumerate(columns):  # a handful of columns: renumber them all
        Column.objects.filter(pk=item.pk).update(position=position)
    _board_changed(project, "columns")


@transaction.atomic
def delete_column(*, user, column: Column, move_to: Column | None) -> int:
    """Delete a column; its tasks go to the end of `move_to` (another column of the board).
    Returns how many tasks moved."""
    project = column.project
    _require(access.can_manage(user, project), "Only the project's managers change the board.")
    _lock_project(project)
    if project.columns.count() <= 1:
        raise ValidationError({"column": ["A board keeps at least one column."]})
    if move_to is None or move_to.project_id != project.pk or move_to.pk == column.pk:
        raise ValidationError({"move_to": ["Choose another column of this board for its tasks."]})
    move_to = Column.objects.select_for_update().get(pk=move_to.pk)
    tasks = list(Task.objects.select_for_update().filter(column=column).order_by("rank"))
    last = Task.objects.filter(column=move_to).order_by("-rank").values_list("rank", flat=True)
    rank = last.first()
    now = timezone.now()
    for task in tasks:
        rank = ranks.between(rank, None)
        task.column, task.rank = move_to, rank
        task.completed_at = (task.completed_at or now) if move_to.is_done else None
        task.save(update_fields=["column", "rank", "completed_at", "updated_at"])
    name = column.name
    column.delete()
    remaining = list(project.columns.order_by("position"))
    for position, item in enumerate(remaining):
        Column.objects.filter(pk=item.pk).update(position=position)
    _log(
        project=project,
        actor=user,
        verb="column.deleted",
        text=f"deleted the column {name}; {len(tasks)} tasks moved to {move_to.name}",
    )
    _board_changed(project, "columns")
    return len(tasks)


# -- labels --------------------------------------------------------------------------------


@transaction.atomic
def save_label(*, user, project: Project, name: str, colour: str, label: Label | None = None):
    _require(access.can_manage(user, project), "Only the project's managers change labels.")
    name = _clean_text(name, field="name", max_length=40)
    if colour not in Label.Colour.values:
        raise ValidationError({"colour": ["Choose one of the colours."]})
    _lock_project(project)
    clash = project.labels.filter(name__iexact=name)
    if label is not None:
        clash = clash.exclude(pk=label.pk)
    if clash.exists():
        raise ValidationError({"name": ["The project already has a label with this name."]})
    if label is None:
        if project.labels.count() >= MAX_LABELS:
            raise ValidationError({"name": [f"A project has at most {MAX_LABELS} labels."]})
        label = Label.objects.create(project=project, name=name, colour=colour)
    else:
        label.name, label.colour = name, colour
        label.save()
    _board_changed(project, "labels")
    return label


@transaction.atomic
def delete_label(*, user, label: Label) -> None:
    _require(access.can_manage(user, label.project), "Only the project's managers change labels.")
    project = label.project
    label.delete()
    _board_changed(project, "labels")


# -- tasks ---------------------------------------------------------------------------------


def _check_assignees(project, user_ids) -> list:
    ids = list(dict.fromkeys(int(i) for i in user_ids))
    if len(ids) > MAX_ASSIGNEES:
        raise ValidationError({"assignees": [f"Assign at most {MAX_ASSIGNEES} people."]})
    members = list(
        get_user_model().objects.filter(
            pk__in=ids, task_memberships__project=project, is_active=True
        )
    )
    if len(members) != len(ids):
        raise ValidationError({"assignees": ["Only members of the project can be assigned."]})
    return members


def _check_labels(project, label_ids) -> list:
    ids = list(dict.fromkeys(int(i) for i in label_ids))
    labels = list(Label.objects.filter(pk__in=ids, project=project))
    if len(labels) != len(ids):
        raise ValidationError({"labels": ["Choose labels of this project."]})
    return labels


def _check_priority(priority) -> int:
    if priority not in Priority.values:
        raise ValidationError({"priority": ["Choose a priority from 0 (none) to 4 (urgent)."]})
    return int(priority)


def _check_due(due_at):
    if due_at is not None and timezone.is_naive(due_at):
        raise ValidationError({"due_at": ["Give the due time with its time zone."]})
    return due_at


def _last_rank(column) -> str | None:
    return (
        Task.objects.filter(column=column).order_by("-rank").values_list("rank", flat=True).first()
    )


def _next_number(project) -> int:
    Project.objects.filter(pk=project.pk).update(task_counter=F("task_counter") + 1)
    return Project.objects.values_list("task_counter", flat=True).get(pk=project.pk)


def _notify_assigned(task, users, actor) -> None:
    if users:
        notify(
            recipients=users,
            kind="tasks.assigned",
            title=f"{actor.display_name} assigned you #{task.number} {task.title}",
            body=f"In {task.project.name}.",
            url=task_url(task),
            actor=actor,
            target=task,
        )


@transaction.atomic
def create_task(
    *,
    user,
    project: Project,
    title: str,
    description: str = "",
    column: Column | None = None,
    priority: int = Priority.NONE,
    due_at: dt.datetime | None = None,
    assignee_ids: Iterable[int] = (),
    label_ids: Iterable[int] = (),
) -> Task:
    """Add a task at the bottom of a column (the first column by default). The creator
    watches it; assignees must be project members and are notified."""
    _require(access.can_work(user, project), "Only members of the project add tasks.")
    title = _clean_text(title, field="title", max_length=200)
    description = _clean_text(description, field="description", max_length=20000, required=False)
    priority = _check_priority(priority)
    due_at = _check_due(due_at)
    assignees = _check_assignees(project, assignee_ids)
    labels = _check_labels(project, label_ids)
    if column is None:
        column = project.columns.order_by("position").first()
    if column is None or column.project_id != project.pk:
        raise ValidationError({"column": ["Choose a column of this project."]})
    column = Column.objects.select_for_update().get(pk=column.pk)
    task = Task.objects.create(
        project=project,
        number=_next_number(project),
        column=column,
        rank=ranks.between(_last_rank(column), None),
        title=title,
        description=description,
        priority=priority,
        due_at=due_at,
        completed_at=timezone.now() if column.is_done else None,
        created_by=user,
    )
    task.assignees.set(assignees)
    task.labels.set(labels)
    task.watchers.add(user)
    _log(
        project=project, task=task, actor=user, verb="task.created", text=f"created #{task.number}"
    )
    _notify_assigned(task, assignees, user)
    _board_changed(project, "created", task=task.pk)
    return task


_TRACKED = ("title", "description", "priority", "due_at")


@transaction.atomic
def update_task(
    *,
    user,
    task: Task,
    version: int | None = None,
    title: str | None = None,
    description: str | None = None,
    priority: int | None = None,
    due_at=...,
    assignee_ids: Iterable[int] | None = None,
    label_ids: Iterable[int] | None = None,
) -> Task:
    """Change a task's fields (None / ... = unchanged). `version` is the version the editor
    started from: if someone saved in between, nothing is written and Conflict is raised, so
    no one silently overwrites another's edit."""
    project = task.project
    _require(access.can_work(user, project), "Only members of the project change its tasks.")
    current = Task.objects.select_for_update().get(pk=task.pk)
    if version is not None and current.version != version:
        raise Conflict(
            "Someone else changed this task while you were editing it. Reload to see their "
            "changes, then edit again.",
            code="edit_conflict",
        )
    new = {}
    if title is not None:
        new["title"] = _clean_text(title, field="title", max_length=200)
    if description is not None:
        new["description"] = _clean_text(
            description, field="description", max_length=20000, required=False
        )
    if priority is not None:
        new["priority"] = _check_priority(priority)
    if due_at is not ...:
        new["due_at"] = _check_due(due_at)
    assignees = _check_assignees(project, assignee_ids) if assignee_ids is not None else None
    labels = _check_labels(project, label_ids) if label_ids is not None else None
    for field, value in new.items():
        old = getattr(current, field)
        if old == value:
            continue
        setattr(current, field, value)
        if field == "due_at":
            text = f"changed the due time from {_local(old)} to {_local(value)}"
        elif field == "priority":
            text = f"changed the priority from {Priority(old).label} to {Priority(value).label}"
        elif field == "title":
            text = f"renamed the task from “{old}” to “{value}”"
        else:
            text = "changed the description"
        _log(
            project=project,
            task=current,
            actor=user,
            verb=f"task.{field}",
            text=text,
            data={"from": str(old), "to": str(value)},
        )
    added = []
    if assignees is not None:
        before = set(current.assignees.values_list("pk", flat=True))
        after = {a.pk for a in assignees}
        added = [a for a in assignees if a.pk not in before]
        removed = before - after
        current.assignees.set(assignees)
        current.watchers.add(*added)
        names = {u.pk: u.display_name for u in _users(before | after)}
        for member in added:
            _log(
                project=project,
                task=current,
                actor=user,
                verb="task.assigned",
                text=f"assigned {member.display_name}",
                data={"user": member.pk},
            )
        for user_id in removed:
            _log(
                project=project,
                task=current,
                actor=user,
                verb="task.unassigned",
                text=f"unassigned {names.get(user_id, user_id)}",
                data={"user": user_id},
            )
    if labels is not None:
        before_labels = set(current.labels.values_list("name", flat=True))
        after_labels = {label.name for label in labels}
        if before_labels != after_labels:
            current.labels.set(labels)
            _log(
                project=project,
                task=current,
                actor=user,
                verb="task.labels",
                text="set the labels to " + (", ".join(sorted(after_labels)) or "none"),
            )
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    _notify_assigned(current, added, user)
    _board_changed(project, "updated", task=current.pk)
    return current


def _neighbour_ranks(column, *, after_id, before_id, moving_id) -> tuple[str | None, str | None]:
    """The ranks to go between: after the card `after_id` (if it is still in the column), else
    before the card `before_id`, else at the end. Read under the column's lock."""
    others = Task.objects.filter(column=column).exclude(pk=moving_id)
    if after_id:
        anchor = others.filter(pk=after_id).values_list("rank", flat=True).first()
        if anchor is not None:
            following = (
                others.filter(rank__gt=anchor).order_by("rank").values_list("rank", flat=True)
            )
            return anchor, following.first()
    if before_id:
        anchor = others.filter(pk=before_id).values_list("rank", flat=True).first()
        if anchor is not None:
            preceding = (
                others.filter(rank__lt=anchor).order_by("-rank").values_list("rank", flat=True)
            )
            return preceding.first(), anchor
    return others.order_by("-rank").values_list("rank", flat=True).first(), None


def _respace(column) -> None:
    """Give a column's cards short evenly spaced keys again: only when keys got very long
    (thousands of moves to the same spot), never on an ordinary move."""
    tasks = list(Task.objects.select_for_update().filter(column=column).order_by("rank"))
    for task, key in zip(tasks, ranks.spread(len(tasks)), strict=True):
        task.rank = "~" + key  # out of the way first: (column, rank) stays unique
        task.save(update_fields=["rank"])
    for task in tasks:
        task.rank = task.rank[1:]
        task.save(update_fields=["rank"])


@transaction.atomic
def move_task(
    *,
    user,
    task: Task,
    column: Column,
    after_id: int | None = None,
    before_id: int | None = None,
) -> Task:
    """Move a card to `column`, after the card `after_id` / before `before_id` (both as the
    mover saw them; the server re-reads them under a lock on the column). Only the moved card
    changes. Moving into the done column completes the task (and makes the next occurrence of a
    repeating one); moving out of it reopens it."""
    project = task.project
    _require(access.can_work(user, project), "Only members of the project move its tasks.")
    if column.project_id != project.pk:
        raise ValidationError({"column": ["Choose a column of this project."]})
    current = Task.objects.select_for_update().get(pk=task.pk)
    column = Column.objects.select_for_update().get(pk=column.pk)
    low, high = _neighbour_ranks(
        column, after_id=after_id, before_id=before_id, moving_id=current.pk
    )
    if (
        current.column_id == column.pk
        and (low is None or low < current.rank)
        and (high is None or current.rank < high)
    ):
        return current  # already there
    rank = ranks.between(low, high)
    if len(rank) > ranks.MAX_LENGTH:
        _respace(column)
        low, high = _neighbour_ranks(
            column, after_id=after_id, before_id=before_id, moving_id=current.pk
        )
        rank = ranks.between(low, high)
    old_column = current.column
    current.column, current.rank = column, rank
    fields = ["column", "rank", "updated_at"]
    became_done = column.is_done and current.completed_at is None
    if became_done:
        current.completed_at = timezone.now()
        fields.append("completed_at")
    elif not column.is_done and current.completed_at is not None:
        current.completed_at = None
        fields.append("completed_at")
    current.save(update_fields=fields)
    if old_column.pk != column.pk:
        _log(
            project=project,
            task=current,
            actor=user,
            verb="task.moved",
            text=f"moved it from {old_column.name} to {column.name}",
            data={"from": old_column.pk, "to": column.pk},
        )
    if became_done:
        _on_completed(current, user)
    _board_changed(project, "moved", task=current.pk)
    return current


def move_task_by(*, user, task: Task, direction: str) -> Task:
    """The keyboard alternative to dragging: one step left, right, up or down."""
    if direction in ("left", "right"):
        columns = list(task.project.columns.order_by("position"))
        index = next(i for i, c in enumerate(columns) if c.pk == task.column_id)
        target = index + (-1 if direction == "left" else 1)
        if not 0 <= target < len(columns):
            return task
        return move_task(user=user, task=task, column=columns[target])
    if direction in ("up", "down"):
        siblings = Task.objects.filter(column_id=task.column_id).exclude(pk=task.pk)
        if direction == "up":
            above = siblings.filter(rank__lt=task.rank).order_by("-rank").first()
            if above is None:
                return task
            return move_task(user=user, task=task, column=task.column, before_id=above.pk)
        below = siblings.filter(rank__gt=task.rank).order_by("rank").first()
        if below is None:
            return task
        return move_task(user=user, task=task, column=task.column, after_id=below.pk)
    raise ValidationError({"direction": ["Choose left, right, up or down."]})


def _on_completed(task, user) -> None:
    _log(project=task.project, task=task, actor=user, verb="task.completed", text="completed it")
    if task.series_id and task.series.is_active:
        create_next_occurrence(series=task.series, after=task)


@transaction.atomic
def complete_task(*, user, task: Task) -> Task:
    """Move the task to the done column (the board must have one)."""
    done = task.project.columns.filter(is_done=True).first()
    if done is None:
        raise ValidationError({"column": ["Mark one column of the board as the done column."]})
    return move_task(user=user, task=task, column=done)


@transaction.atomic
def reopen_task(*, user, task: Task) -> Task:
    first = task.project.columns.filter(is_done=False).order_by("position").first()
    if first is None:
        raise ValidationError({"column": ["The board has no column for open tasks."]})
    return move_task(user=user, task=task, column=first)


@transaction.atomic
def delete_task(*, user, task: Task) -> None:
    project = task.project
    _require(
        access.can_manage(user, project)
        or (access.can_work(user, project) and task.created_by_id == user.pk),
        "Only the task's creator and the project's managers delete it.",
    )
    names = list(Attachment.objects.filter(task=task).values_list("file_name", flat=True))
    _log(
        project=project,
        actor=user,
        verb="task.deleted",
        text=f"deleted #{task.number} {task.title}",
    )
    task.delete()
    _board_changed(project, "deleted", task=task.pk)
    transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names) -> None:
    from tenants.storage import private_storage

    storage = private_storage()
    for name in names:
        try:
            storage.delete(name)
        except Exception:
            logger.exception("Could not delete the attachment file %s", name)


@transaction.atomic
def set_watching(*, user, task: Task, watching: bool) -> None:
    _require(access.can_view(user, task.project), "You cannot see this task.")
    if watching:
        task.watchers.add(user)
    else:
        task.watchers.remove(user)


# -- checklist -----------------------------------------------------------------------------


@transaction.atomic
def add_checklist_item(*, user, task: Task, text: str) -> ChecklistItem:
    _require(access.can_work(user, task.project), "Only members of the project edit checklists.")
    text = _clean_text(text, field="text", max_length=300)
    Task.objects.select_for_update().filter(pk=task.pk).first()
    count = task.checklist.count()
    if count >= MAX_CHECKLIST_ITEMS:
        raise ValidationError({"text": [f"A checklist has at most {MAX_CHECKLIST_ITEMS} items."]})
    top = task.checklist.aggregate(top=Max("position"))["top"]
    item = ChecklistItem.objects.create(task=task, text=text, position=(top or 0) + 1)
    _log(
        project=task.project,
        task=task,
        actor=user,
        verb="checklist.added",
        text=f"added “{text}” to the checklist",
    )
    _board_changed(task.project, "updated", task=task.pk)
    return item


@transaction.atomic
def set_checklist_item(*, user, item: ChecklistItem, is_done: bool) -> ChecklistItem:
    task = item.task
    _require(access.can_work(user, task.project), "Only members of the project edit checklists.")
    ChecklistItem.objects.filter(pk=item.pk).update(is_done=is_done)
    item.is_done = is_done
    _log(
        project=task.project,
        task=task,
        actor=user,
        verb="checklist.checked",
        text=f"{'checked' if is_done else 'unchecked'} “{item.text}”",
    )
    _board_changed(task.project, "updated", task=task.pk)
    return item


@transaction.atomic
def delete_checklist_item(*, user, item: ChecklistItem) -> None:
    task = item.task
    _require(access.can_work(user, task.project), "Only members of the project edit checklists.")
    item.delete()
    _log(
        project=task.project,
        task=task,
        actor=user,
        verb="checklist.removed",
        text=f"removed “{item.text}” from the checklist",
    )
    _board_changed(task.project, "updated", task=task.pk)


# -- comments and attachments --------------------------------------------------------------


@transaction.atomic
def add_comment(*, user, task: Task, body: str) -> Comment:
    """Comment on a task; its watchers and assignees are notified (not the author)."""
    _require(access.can_work(user, task.project), "Only members of the project comment.")
    body = _clean_text(body, field="body", max_length=10000)
    comment = Comment.objects.create(task=task, author=user, body=body)
    task.watchers.add(user)
    _log(project=task.project, task=task, actor=user, verb="comment.added", text="commented")
    recipients = {u.pk: u for u in task.watchers.all()}
    recipients.update({u.pk: u for u in task.assignees.all()})
    notify(
        recipients=recipients.values(),
        kind="tasks.comment",
        title=f"{user.display_name} commented on #{task.number} {task.title}",
        body=body[:300],
        url=task_url(task),
        actor=user,
        target=task,
    )
    _board_changed(task.project, "updated", task=task.pk)
    return comment


@transaction.atomic
def delete_comment(*, user, comment: Comment) -> None:
    task = comment.task
    _require(
        comment.author_id == user.pk or access.can_manage(user, task.project),
        "Only the author and the project's managers delete a comment.",
    )
    comment.delete()
    _log(
        project=task.project,
        task=task,
        actor=user,
        verb="comment.deleted",
        text="deleted a comment",
    )


def _storage_used() -> int:
    return Attachment.objects.aggregate(total=Sum("size"))["total"] or 0


@transaction.atomic
def add_attachment(*, user, organization, task: Task, upload) -> Attachment:
    """Store an upload (checked by content: images, PDF, text, CSV, zip; at most 10 MB) in
    private storage. Counts against the plan's storage."""
    from core.uploads import validate_upload
    from tenants.storage import private_storage

    _require(access.can_work(user, task.project), "Only members of the project attach files.")
    if upload is None:
        raise ValidationError({"file": ["Choose a file."]})
    Task.objects.select_for_update().filter(pk=task.pk).first()
    if task.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError({"file": [f"A task has at most {MAX_ATTACHMENTS} attachments."]})
    try:
        content = validate_upload(upload, kinds=ATTACHMENT_KINDS, max_bytes=ATTACHMENT_MAX_BYTES)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    entitlements.ensure_can_add(
        organization, "storage_bytes", current=_storage_used(), adding=content.size
    )
    original = (getattr(upload, "name", "") or content.name)[-200:]
    name = private_storage().save(f"tasks/attachments/{task.pk}/{content.name}", content)
    try:
        attachment = Attachment.objects.create(
            task=task, file_name=name, original_name=original, size=content.size, uploaded_by=user
        )
    except Exception:
        _delete_files([name])  # no row, no file
        raise
    _log(
        project=task.project,
        task=task,
        actor=user,
        verb="attachment.added",
        text=f"attached {original}",
    )
    _board_changed(task.project, "updated", task=task.pk)
    return attachment


@transaction.atomic
def delete_attachment(*, user, attachment: Attachment) -> None:
    task = attachment.task
    _require(
        attachment.uploaded_by_id == user.pk or access.can_manage(user, task.project),
        "Only the uploader and the project's managers delete an attachment.",
    )
    name = attachment.file_name
    attachment.delete()
    _log(
        project=task.project,
        task=task,
        actor=user,
        verb="attachment.deleted",
        text=f"removed the attachment {attachment.original_name}",
    )
    transaction.on_commit(lambda: _delete_files([name]))


# -- recurrence ----------------------------------------------------------------------------


@transaction.atomic
def set_recurrence(
    *, user, task: Task, kind: str, weekdays: list[str] | None = None, rule: str = ""
) -> RecurrenceSeries:
    """Make a task repeat. The task's due time is the first occurrence; each next one is made
    when the previous is completed or when its date comes."""
    _require(access.can_work(user, task.project), "Only members of the project change tasks.")
    built = recurrence.build_rule(kind=kind, weekdays=weekdays, custom=rule)
    current = Task.objects.select_for_update().get(pk=task.pk)
    if current.due_at is None:
        raise ValidationError({"kind": ["Give the task a due date first: it starts the series."]})
    if recurrence.next_after(rule=built, starts_at=current.due_at, after=current.due_at) is None:
        raise ValidationError({"rule": ["This rule has no occurrence after the task's due date."]})
    if current.series_id:
        series = RecurrenceSeries.objects.select_for_update().get(pk=current.series_id)
        series.kind, series.rule, series.is_active = kind, built, True
        series.save()
    else:
        series = RecurrenceSeries.objects.create(
            project=current.project,
            kind=kind,
            rule=built,
            starts_at=current.due_at,
            created_by=user,
        )
        current.series = series
        current.occurrence_date = recurrence.local_date(current.due_at)
        current.save(update_fields=["series", "occurrence_date"])
    _log(
        project=current.project,
        task=current,
        actor=user,
        verb="task.recurrence",
        text=f"set it to repeat: {recurrence.describe(built)}",
    )
    return series


@transaction.atomic
def stop_recurrence(*, user, task: Task) -> None:
    _require(access.can_work(user, task.project), "Only members of the project change tasks.")
    if task.series_id:
        RecurrenceSeries.objects.filter(pk=task.series_id).update(is_active=False)
        _log(
            project=task.project,
            task=task,
            actor=user,
            verb="task.recurrence",
            text="stopped the repetition",
        )


def create_next_occurrence(*, series: RecurrenceSeries, after: Task) -> Task | None:
    """The occurrence after `after`, made at most once: (series, occurrence_date) is unique,
    so a second call (the completion and the scheduler at once, a retry) returns the existing
    one. Copies title, description, priority, labels, assignees still in the project, watchers
    and the checklist (unchecked). None when the rule has ended."""
    return _next_occurrence(series=series, after=after)[0]


def _next_occurrence(*, series: RecurrenceSeries, after: Task) -> tuple[Task | None, bool]:
    """create_next_occurrence, and whether this call made it (False when it existed already,
    also when another process made it at the same moment)."""
    base = after.due_at or series.starts_at
    due = recurrence.next_after(rule=series.rule, starts_at=series.starts_at, after=base)
    if due is None:
        return None, False
    date = recurrence.local_date(due)
    existing = Task.objects.filter(series=series, occurrence_date=date).first()
    if existing is not None:
        return existing, False
    project = series.project
    column = project.columns.filter(is_done=False).order_by("position").first()
    if column is None:
        return None, False
    try:
        with transaction.atomic():
            column = Column.objects.select_for_update().get(pk=column.pk)
            task = Task.objects.create(
                project=project,
                number=_next_number(project),
                column=column,
                rank=ranks.between(_last_rank(column), None),
                title=after.title,
                description=after.description,
                priority=after.priority,
                due_at=due,
                series=series,
                occurrence_date=date,
                created_by=after.created_by,
            )
    except IntegrityError:
        # Another process made it between the check above and this insert.
        return Task.objects.filter(series=series, occurrence_date=date).first(), False
    members = set(project.memberships.values_list("user_id", flat=True))
    task.assignees.set([u for u in after.assignees.all() if u.pk in members])
    task.watchers.set([u for u in after.watchers.all() if u.pk in members])
    task.labels.set(after.labels.all())
    ChecklistItem.objects.bulk_create(
        [ChecklistItem(task=task, text=i.text, position=i.position) for i in after.checklist.all()]
    )
    _log(
        project=project,
        task=task,
        actor=None,
        verb="task.created",
        text=f"created #{task.number}, the next occurrence of #{after.number}",
    )
    _board_changed(project, "created", task=task.pk)
    return task, True


def create_due_occurrences(*, now: dt.datetime | None = None) -> int:
    """For the scheduler: for each active series whose next occurrence's date has come, make
    it (each in its own transaction). Idempotent. Returns how many were made."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    made = 0
    for series in RecurrenceSeries.objects.filter(
        is_active=True, project__deleted_at__isnull=True
    ).select_related("project"):
        latest = series.tasks.order_by("-occurrence_date").first()
        if latest is None or latest.due_at is None:
            continue
        due = recurrence.next_after(
            rule=series.rule, starts_at=series.starts_at, after=latest.due_at
        )
        if due is None or recurrence.local_date(due) > today:
            continue
        if series.tasks.filter(occurrence_date=recurrence.local_date(due)).exists():
            continue
        with transaction.atomic():
            _task, created = _next_occurrence(series=series, after=latest)
        # Several workers may run this at once: count only what this one made.
        made += created
    return made


# -- saved filters and calendar feed -------------------------------------------------------


@transaction.atomic
def save_filter(*, user, name: str, query: str, project: Project | None = None) -> SavedFilter:
    """Save (or overwrite, by name) a filter of the list or "My tasks"."""
    name = _clean_text(name, field="name", max_length=60)
    if len(query) > 1000:
        raise ValidationError({"query": ["This filter is too long to save."]})
    existing = SavedFilter.objects.filter(user=user, name__iexact=name).first()
    if existing is None and SavedFilter.objects.filter(user=user).count() >= MAX_SAVED_FILTERS:
        raise ValidationError({"name": [f"You can save at most {MAX_SAVED_FILTERS} filters."]})
    if existing is not None:
        existing.query, existing.project = query, project
        existing.save()
        return existing
    return SavedFilter.objects.create(user=user, name=name, query=query, project=project)


@transaction.atomic
def delete_filter(*, user, saved: SavedFilter) -> None:
    _require(saved.user_id == user.pk, "This is not your filter.")
    saved.delete()


def hash_feed_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def reset_calendar_feed(*, user) -> str:
    """Make a new private feed token for the user (the old URL stops working). Returns the
    token; only its hash is stored."""
    _require(access.is_site_member(user), "Log in first.")
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        user=user, defaults={"token_hash": hash_feed_token(token)}
    )
    return token


@transaction.atomic
def revoke_calendar_feed(*, user) -> None:
    CalendarFeed.objects.filter(user=user).delete()


# -- reminders -----------------------------------------------------------------------------


def send_reminders(*, now: dt.datetime | None = None) -> int:
    """Notify assignees of open tasks due within the site's "due soon" window, and of tasks
    that became overdue. Each reminder is recorded (task, kind, due time) before it is sent,
    in one transaction per task, so no reminder goes out twice; a changed due time gets a new
    reminder. Returns how many reminders were sent."""
    from tenant_apps.tasks.models import Reminder

    now = now or timezone.now()
    window = dt.timedelta(hours=get_settings().due_soon_hours)
    open_tasks = (
        Task.objects.filter(
            completed_at__isnull=True,
            project__deleted_at__isnull=True,
            due_at__isnull=False,
            assignees__isnull=False,
        )
        .select_related("project")
        .distinct()
    )
    sent = 0
    batches = [
        ("due_soon", open_tasks.filter(due_at__gt=now, due_at__lte=now + window)),
        ("overdue", open_tasks.filter(due_at__lte=now, due_at__gte=now - dt.timedelta(days=7))),
    ]
    for kind, queryset in batches:
        for task in queryset:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        Reminder.objects.create(task=task, kind=kind, due_at=task.due_at)
                except IntegrityError:
                    continue
                when = timezone.localtime(task.due_at).strftime("%a %d %b %H:%M")
                title = (
                    f"Due soon ({when}): #{task.number} {task.title}"
                    if kind == "due_soon"
                    else f"Overdue since {when}: #{task.number} {task.title}"
                )
                notify(
                    recipients=task.assignees.all(),
                    kind=f"tasks.{kind}",
                    title=title,
                    body=f"In {task.project.name}.",
                    url=task_url(task),
                    target=task,
                )
                sent += 1
    return sent


def send_daily_summaries(*, now: dt.datetime | None = None) -> int:
    """Email each user with open assigned tasks a summary once per local day, after the
    site's summary hour, unless they switched the "Daily summary" kind off. A DailySummary row
    is written first in the same transaction, so a second run sends nothing twice."""
    from tenant_apps.notifications import registry
    from tenant_apps.notifications.selectors import deliveries_for
    from tenant_apps.tasks import emails, selectors
    from tenant_apps.tasks.models import DailySummary

    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < get_settings().summary_hour:
        return 0
    user_ids = set(
        Task.assignees.through.objects.filter(
            task__completed_at__isnull=True, task__project__deleted_at__isnull=True
        ).values_list("user_id", flat=True)
    )
    already = set(
        DailySummary.objects.filter(date=local.date(), user_id__in=user_ids).values_list(
            "user_id", flat=True
        )
    )
    user_ids -= already
    if not user_ids:
        return 0
    kind = registry.get_kind("tasks.daily_summary")
    deliveries = deliveries_for(user_ids=user_ids, kind=kind)
    sent = 0
    for user in get_user_model().objects.filter(pk__in=user_ids, is_active=True):
        if deliveries[user.pk] in ("off", "muted") or not user.email:
            continue
        summary = selectors.summary_for(user=user, now=now)
        if not (summary["overdue"] or summary["today"] or summary["soon"]):
            continue
        with transaction.atomic():
            try:
                with transaction.atomic():
                    DailySummary.objects.create(user=user, date=local.date())
            except IntegrityError:
                continue
            transaction.on_commit(
                lambda user=user, summary=summary: emails.send_summary_email(
                    user=user, summary=summary
                )
            )
        sent += 1
    return sent


def ensure_tenant() -> None:
    from tenants.context import current_organization

    if current_organization() is None:
        raise ApplicationError("Task work runs inside a tenant.")
