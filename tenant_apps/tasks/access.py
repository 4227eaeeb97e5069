"""Who may do what in the task board (docs/apps/tasks.md, "Who may do what").

- Every signed-in user of the site sees projects that are not private; a private project is
  seen only by its members.
- Project members work in a project (tasks, comments, checklists, attachments, moves).
- Project managers, and admins for projects that are not private, change a project's settings,
  columns, labels and members, delete and restore it.
- Members create projects unless the site setting says only moderators and above may.
- Admins and the owner manage teams and the app's settings.
"""

import zoneinfo

from django.utils import timezone

from tenant_apps.members.models import Role
from tenant_apps.members.selectors import has_role


def is_site_member(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active) and has_role(user, Role.MEMBER)


def is_site_admin(user) -> bool:
    return is_site_member(user) and has_role(user, Role.ADMIN)


def project_role(user, project) -> str | None:
    """The user's role in the project ("manager", "member") or None. Uses a prefetched
    `my_role` when the selector annotated it."""
    if not is_site_member(user):
        return None
    if hasattr(project, "my_role"):
        return project.my_role
    from tenant_apps.tasks.models import ProjectMember

    return (
        ProjectMember.objects.filter(project=project, user=user).values_list("role", flat=True)
    ).first()


def can_view(user, project) -> bool:
    if not is_site_member(user):
        return False
    if project.is_deleted:
        return can_manage(user, project)
    return not project.is_private or project_role(user, project) is not None


def can_work(user, project) -> bool:
    return not project.is_deleted and project_role(user, project) is not None


def can_manage(user, project) -> bool:
    role = project_role(user, project)
    if role == "manager":
        return True
    return not project.is_private and is_site_admin(user)


def can_create_projects(user) -> bool:
    if not is_site_member(user):
        return False
    from tenant_apps.tasks.services import get_settings

    return get_settings().members_may_create_projects or has_role(user, Role.MODERATOR)


def activate_site_timezone() -> None:
    """Background work shows times (emails, occurrences) in the site's time zone too."""
    from tenant_apps.console.selectors import site_timezone

    try:
        timezone.activate(zoneinfo.ZoneInfo(site_timezone()))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        timezone.deactivate()
