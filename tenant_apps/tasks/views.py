"""Pages of the task board. Views parse input, call one service or selector and render.
Projects a user may not see answer 404, as if they did not exist."""

import datetime as dt
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.errors import ApplicationError, Conflict
from core.errors import PermissionDenied as AppPermissionDenied
from tenant_apps.members.models import Role
from tenant_apps.members.permissions import member_required, role_required
from tenant_apps.tasks import access, ical, recurrence, selectors, services
from tenant_apps.tasks.forms import (
    AttachmentForm,
    ChecklistItemForm,
    ColumnForm,
    CommentForm,
    DeleteColumnForm,
    FilterForm,
    LabelForm,
    MemberForm,
    ProjectForm,
    RecurrenceForm,
    SaveFilterForm,
    SettingsForm,
    TaskForm,
    TeamForm,
)
from tenant_apps.tasks.models import (
    Attachment,
    ChecklistItem,
    Column,
    Comment,
    Label,
    SavedFilter,
    Team,
)
from tenants.context import current_organization

PAGE_SIZE = 50


def _form_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def app_errors(view):
    """Refusals from services become a 403; other application errors a message and a
    redirect back (or the form shows them, when the view catches them itself)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except AppPermissionDenied as error:
            raise PermissionDenied(error.message) from error
        except ApplicationError as error:
            if (
                request.headers.get("HX-Request")
                or request.headers.get("Accept") == "application/json"
            ):
                return JsonResponse({"error": error.message}, status=error.status_code)
            messages.error(request, error.message)
            return redirect(request.META.get("HTTP_REFERER") or reverse("tasks:index"))
        except ValidationError as error:
            if request.headers.get("Accept") == "application/json":
                return JsonResponse({"error": " ".join(error.messages)}, status=400)
            messages.error(request, " ".join(error.messages))
            return redirect(request.META.get("HTTP_REFERER") or reverse("tasks:index"))

    return wrapped


def _project(request, project_id, *, deleted_ok=False):
    project = selectors.project_for(user=request.user, project_id=project_id, deleted_ok=deleted_ok)
    if project is None:
        raise Http404("No such project.")
    return project


def _task(request, task_id):
    task = selectors.task_for(user=request.user, task_id=task_id)
    if task is None:
        raise Http404("No such task.")
    return task


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else default


def _project_context(request, project, tab: str) -> dict:
    return {
        "project": project,
        "tab": tab,
        "can_work": access.can_work(request.user, project),
        "can_manage": access.can_manage(request.user, project),
        "now": timezone.now(),
    }


# -- projects ------------------------------------------------------------------------------


@member_required
def index(request):
    projects = list(selectors.visible_projects(user=request.user))
    mine = [p for p in projects if p.my_role]
    others = [p for p in projects if not p.my_role]
    return render(
        request,
        "tasks/index.html",
        {
            "mine": mine,
            "others": others,
            "can_create": access.can_create_projects(request.user),
            "is_admin": access.is_site_admin(request.user),
        },
    )


@member_required
@app_errors
def project_create(request):
    if not access.can_create_projects(request.user):
        raise PermissionDenied("Only moderators and admins create projects on this site.")
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.create_project(
                user=request.user,
                name=data["name"],
                description=data["description"],
                team=data["team"],
                is_private=data["is_private"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Project {project.name} created.")
            return redirect("tasks:board", project_id=project.pk)
    return render(request, "tasks/form.html", {"form": form, "title": "New project"})


@member_required
def board(request, project_id):
    project = _project(request, project_id)
    context = _project_context(request, project, "board")
    context["columns"] = selectors.board(project=project)
    context["has_tasks"] = any(column.cards for column in context["columns"])
    template = "tasks/_board.html" if request.GET.get("fragment") else "tasks/board.html"
    return render(request, template, context)


def _filter_form(request, project=None, label_names=()):
    form = FilterForm(request.GET or None, project=project, label_names=label_names)
    if form.is_bound and form.is_valid():
        return form, form.filters()
    return form, selectors.TaskFilters()


def _clean_query(request) -> str:
    params = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        if key != "page" and any(values):
            params.setlist(key, [v for v in values if v])
    return params.urlencode()


@member_required
def task_list(request, project_id):
    project = _project(request, project_id)
    form, filters = _filter_form(request, project)
    page = Paginator(
        selectors.project_tasks(project=project, user=request.user, filters=filters), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = _project_context(request, project, "list")
    query = _clean_query(request)
    context.update(
        {
            "form": form,
            "page": page,
            "query": query,
            "filtered": bool(query),
            "saved": selectors.saved_filters(user=request.user, project=project),
            "save_form": SaveFilterForm(initial={"query": query}),
        }
    )
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "tasks/list.html", context, status=status)


def _month(request) -> tuple[int, int]:
    text = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in text.split("-"))
        dt.date(year, month, 1)
    except ValueError:
        today = timezone.localdate()
        return today.year, today.month
    return year, month


@member_required
def task_calendar(request, project_id):
    project = _project(request, project_id)
    form, filters = _filter_form(request, project)
    year, month = _month(request)
    start, end = selectors.month_range(year, month)
    filters.due_from, filters.due_to = start, end
    tasks = selectors.project_tasks(project=project, user=request.user, filters=filters)
    first = dt.date(year, month, 1)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    context = _project_context(request, project, "calendar")
    context.update(
        {
            "form": form,
            "weeks": selectors.month_grid(tasks=tasks, year=year, month=month),
            "month": first,
            "previous": previous.strftime("%Y-%m"),
            "following": following.strftime("%Y-%m"),
            "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
        }
    )
    return render(request, "tasks/calendar.html", context)


@member_required
@app_errors
def project_settings(request, project_id):
    project = _project(request, project_id)
    if not access.can_manage(request.user, project):
        raise PermissionDenied("Only the project's managers change its settings.")
    form = ProjectForm(
        request.POST or None,
        initial={
            "name": project.name,
            "description": project.description,
            "team": project.team_id,
            "is_private": project.is_private,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            owner = None
            if data["team"] is None and project.team_id is not None:
                owner = request.user
            services.update_project(
                user=request.user,
                project=project,
                name=data["name"],
                description=data["description"],
                is_private=data["is_private"],
                team=data["team"] if data["team"] and data["team"].pk != project.team_id else None,
                owner=owner,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Project saved.")
            return redirect("tasks:project_settings", project_id=project.pk)
    context = _project_context(request, project, "settings")
    context.update(
        {
            "form": form,
            "members": selectors.members_of(project=project),
            "member_form": MemberForm(project=project),
            "columns": project.columns.order_by("position"),
            "column_form": ColumnForm(),
            "labels": selectors.labels_of(project=project),
            "label_form": LabelForm(),
            "activity": selectors.project_activity(project=project),
        }
    )
    return render(request, "tasks/settings_project.html", context)


def _managed(request, project_id):
    project = _project(request, project_id)
    if not access.can_manage(request.user, project):
        raise PermissionDenied("Only the project's managers change its settings.")
    return project


def _back_to_settings(project):
    return redirect("tasks:project_settings", project_id=project.pk)


@member_required
@require_POST
@app_errors
def member_add(request, project_id):
    project = _managed(request, project_id)
    form = MemberForm(request.POST, project=project)
    if form.is_valid():
        from django.contrib.auth import get_user_model

        member = get_user_model().objects.filter(pk=form.cleaned_data["user"]).first()
        services.add_project_member(
            user=request.user, project=project, member=member, role=form.cleaned_data["role"]
        )
        messages.success(request, f"{member.display_name} added.")
    else:
        messages.error(request, "Choose a person of the site who is not yet a member.")
    return _back_to_settings(project)


@member_required
@require_POST
@app_errors
def member_remove(request, project_id, user_id):
    project = _project(request, project_id)
    from django.contrib.auth import get_user_model

    member = get_object_or_404(get_user_model(), pk=user_id)
    count = services.remove_project_member(user=request.user, project=project, member=member)
    messages.success(
        request,
        f"{member.display_name} removed from the project and unassigned from {count} tasks.",
    )
    if member.pk == request.user.pk and not access.can_manage(request.user, project):
        return redirect("tasks:index")
    return _back_to_settings(project)


@member_required
@require_POST
@app_errors
def column_add(request, project_id):
    project = _managed(request, project_id)
    form = ColumnForm(request.POST)
    if form.is_valid():
        services.add_column(
            user=request.user,
            project=project,
            name=form.cleaned_data["name"],
            is_done=form.cleaned_data["is_done"],
        )
        messages.success(request, "Column added.")
    else:
        messages.error(request, "Give the column a name of up to 50 characters.")
    return _back_to_settings(project)


def _column(request, project_id, column_id):
    project = _managed(request, project_id)
    return project, get_object_or_404(Column, pk=column_id, project=project)


@member_required
@require_POST
@app_errors
def column_edit(request, project_id, column_id):
    project, column = _column(request, project_id, column_id)
    form = ColumnForm(request.POST)
    if form.is_valid():
        services.update_column(
            user=request.user,
            column=column,
            name=form.cleaned_data["name"],
            is_done=form.cleaned_data["is_done"],
        )
        messages.success(request, "Column saved.")
    else:
        messages.error(request, "Give the column a name of up to 50 characters.")
    return _back_to_settings(project)


@member_required
@require_POST
@app_errors
def column_move(request, project_id, column_id):
    project, column = _column(request, project_id, column_id)
    offset = -1 if request.POST.get("direction") == "left" else 1
    services.move_column(user=request.user, column=column, offset=offset)
    return _back_to_settings(project)


@member_required
@app_errors
def column_delete(request, project_id, column_id):
    project, column = _column(request, project_id, column_id)
    form = DeleteColumnForm(request.POST or None, column=column)
    if request.method == "POST" and form.is_valid():
        move_to = Column.objects.filter(pk=form.cleaned_data["move_to"], project=project).first()
        try:
            moved = services.delete_column(user=request.user, column=column, move_to=move_to)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Column {column.name} deleted; {moved} tasks moved.")
            return _back_to_settings(project)
    return render(
        request,
        "tasks/column_delete.html",
        {
            **_project_context(request, project, "settings"),
            "form": form,
            "column": column,
            "task_count": column.tasks.count(),
        },
    )


@member_required
@require_POST
@app_errors
def label_add(request, project_id):
    project = _managed(request, project_id)
    form = LabelForm(request.POST)
    if form.is_valid():
        services.save_label(
            user=request.user,
            project=project,
            name=form.cleaned_data["name"],
            colour=form.cleaned_data["colour"],
        )
        messages.success(request, "Label added.")
    else:
        messages.error(request, "Give the label a name and a colour.")
    return _back_to_settings(project)


@member_required
@require_POST
@app_errors
def label_delete(request, project_id, label_id):
    project = _managed(request, project_id)
    label = get_object_or_404(Label, pk=label_id, project=project)
    services.delete_label(user=request.user, label=label)
    messages.success(request, f"Label {label.name} deleted.")
    return _back_to_settings(project)


@member_required
@require_POST
@app_errors
def project_delete(request, project_id):
    project = _project(request, project_id)
    services.delete_project(user=request.user, project=project)
    messages.success(
        request, f"Project {project.name} deleted. You can restore it from Deleted projects."
    )
    return redirect("tasks:index")


@member_required
@require_POST
@app_errors
def project_restore(request, project_id):
    project = _project(request, project_id, deleted_ok=True)
    services.restore_project(user=request.user, project=project)
    messages.success(request, f"Project {project.name} restored.")
    return redirect("tasks:board", project_id=project.pk)


@member_required
def trash(request):
    return render(
        request,
        "tasks/trash.html",
        {"projects": selectors.visible_projects(user=request.user, deleted=True)},
    )


# -- tasks ---------------------------------------------------------------------------------


def _task_args(data) -> dict:
    return {
        "title": data["title"],
        "description": data["description"],
        "priority": data["priority"],
        "due_at": data["due_at"],
        "assignee_ids": data["assignees"],
        "label_ids": data.get("labels", []),
    }


@member_required
@app_errors
def task_create(request, project_id):
    project = _project(request, project_id)
    if not access.can_work(request.user, project):
        raise PermissionDenied("Only members of the project add tasks.")
    initial = {
        "column": request.GET.get("column") or project.columns.order_by("position").first().pk
    }
    form = TaskForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        column = Column.objects.filter(pk=data["column"], project=project).first()
        try:
            task = services.create_task(
                user=request.user, project=project, column=column, **_task_args(data)
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Task #{task.number} created.")
            if request.POST.get("another"):
                return redirect(
                    f"{reverse('tasks:task_create', args=[project.pk])}?column={column.pk}"
                )
            return redirect("tasks:board", project_id=project.pk)
    return render(
        request,
        "tasks/task_form.html",
        {**_project_context(request, project, "board"), "form": form, "title": "New task"},
    )


def _task_context(request, task):
    task = selectors.task_detail(task=task)
    project = selectors.project_for(user=request.user, project_id=task.project_id)
    task.project = project
    checklist = list(task.checklist.all())
    done = sum(1 for item in checklist if item.is_done)
    return {
        **_project_context(request, project, "board"),
        "task": task,
        "checklist": checklist,
        "checklist_done": done,
        "checklist_percent": round(100 * done / len(checklist)) if checklist else 0,
        "is_watching": any(w.pk == request.user.pk for w in task.watchers.all()),
        "can_delete": access.can_manage(request.user, project)
        or (access.can_work(request.user, project) and task.created_by_id == request.user.pk),
        "comment_form": CommentForm(),
        "checklist_form": ChecklistItemForm(),
        "attachment_form": AttachmentForm(),
        "recurrence_form": RecurrenceForm(
            initial={"kind": task.series.kind if task.series else "weekly"}
        ),
        "recurrence_text": recurrence.describe(task.series.rule)
        if task.series and task.series.is_active
        else "",
        "columns": project.columns.order_by("position"),
    }


@member_required
def task_detail(request, task_id):
    task = _task(request, task_id)
    return render(request, "tasks/task.html", _task_context(request, task))


@member_required
@app_errors
def task_edit(request, task_id):
    task = _task(request, task_id)
    project = task.project
    if not access.can_work(request.user, project):
        raise PermissionDenied("Only members of the project change its tasks.")
    initial = {
        "title": task.title,
        "description": task.description,
        "column": task.column_id,
        "priority": task.priority,
        "due_at": timezone.localtime(task.due_at) if task.due_at else None,
        "assignees": list(task.assignees.values_list("pk", flat=True)),
        "labels": list(task.labels.values_list("pk", flat=True)),
        "version": task.version,
    }
    form = TaskForm(request.POST or None, project=project, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_task(
                user=request.user, task=task, version=data["version"], **_task_args(data)
            )
            if data["column"] != task.column_id:
                column = Column.objects.filter(pk=data["column"], project=project).first()
                services.move_task(user=request.user, task=task, column=column)
        except ValidationError as error:
            _form_errors(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
            status = 409
        else:
            messages.success(request, "Task saved.")
            return redirect("tasks:task", task_id=task.pk)
    return render(
        request,
        "tasks/task_form.html",
        {
            **_project_context(request, project, "board"),
            "form": form,
            "task": task,
            "title": f"Edit #{task.number}",
        },
        status=status,
    )


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _after_move(request, task):
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"ok": True, "task": task.pk, "column": task.column_id})
    if request.headers.get("HX-Request"):
        return board(_as_get(request), task.project_id)
    return redirect(_safe_next(request, reverse("tasks:board", args=[task.project_id])))


def _as_get(request):
    request.method = "GET"
    request.GET = QueryDict("fragment=1")
    return request


@member_required
@require_POST
@app_errors
def task_move(request, task_id):
    """Drag and drop: POST column, after (the card above) and before (the card below)."""
    task = _task(request, task_id)
    column = Column.objects.filter(
        pk=_int_or_none(request.POST.get("column")), project=task.project
    ).first()
    if column is None:
        if request.headers.get("Accept") == "application/json":
            return JsonResponse({"error": "Choose a column of this project."}, status=400)
        raise ValidationError({"column": ["Choose a column of this project."]})
    task = services.move_task(
        user=request.user,
        task=task,
        column=column,
        after_id=_int_or_none(request.POST.get("after")),
        before_id=_int_or_none(request.POST.get("before")),
    )
    return _after_move(request, task)


@member_required
@require_POST
@app_errors
def task_step(request, task_id):
    """The keyboard alternative: move one step left, right, up or down."""
    task = _task(request, task_id)
    task = services.move_task_by(
        user=request.user, task=task, direction=request.POST.get("direction", "")
    )
    return _after_move(request, task)


@member_required
@require_POST
@app_errors
def task_complete(request, task_id):
    task = _task(request, task_id)
    if request.POST.get("reopen"):
        services.reopen_task(user=request.user, task=task)
    else:
        services.complete_task(user=request.user, task=task)
    return redirect(_safe_next(request, reverse("tasks:task", args=[task.pk])))


@member_required
@require_POST
@app_errors
def task_delete(request, task_id):
    task = _task(request, task_id)
    services.delete_task(user=request.user, task=task)
    messages.success(request, f"Task #{task.number} deleted.")
    return redirect("tasks:board", project_id=task.project_id)


@member_required
@require_POST
@app_errors
def task_watch(request, task_id):
    task = _task(request, task_id)
    services.set_watching(user=request.user, task=task, watching=request.POST.get("watch") == "1")
    return redirect("tasks:task", task_id=task.pk)


def _checklist_response(request, task):
    if request.headers.get("HX-Request"):
        return render(request, "tasks/_checklist.html", _task_context(request, task))
    return redirect("tasks:task", task_id=task.pk)


@member_required
@require_POST
@app_errors
def checklist_add(request, task_id):
    task = _task(request, task_id)
    form = ChecklistItemForm(request.POST)
    if not form.is_valid():
        raise ValidationError({"text": ["Write the item (up to 300 characters)."]})
    services.add_checklist_item(user=request.user, task=task, text=form.cleaned_data["text"])
    return _checklist_response(request, task)


@member_required
@require_POST
@app_errors
def checklist_toggle(request, task_id, item_id):
    task = _task(request, task_id)
    item = get_object_or_404(ChecklistItem, pk=item_id, task=task)
    services.set_checklist_item(
        user=request.user, item=item, is_done=request.POST.get("done") == "1"
    )
    return _checklist_response(request, task)


@member_required
@require_POST
@app_errors
def checklist_delete(request, task_id, item_id):
    task = _task(request, task_id)
    item = get_object_or_404(ChecklistItem, pk=item_id, task=task)
    services.delete_checklist_item(user=request.user, item=item)
    return _checklist_response(request, task)


@member_required
@require_POST
@app_errors
def comment_add(request, task_id):
    task = _task(request, task_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        raise ValidationError({"body": ["Write a comment (up to 10000 characters)."]})
    services.add_comment(user=request.user, task=task, body=form.cleaned_data["body"])
    return redirect(reverse("tasks:task", args=[task.pk]) + "#comments")


@member_required
@require_POST
@app_errors
def comment_delete(request, task_id, comment_id):
    task = _task(request, task_id)
    comment = get_object_or_404(Comment, pk=comment_id, task=task)
    services.delete_comment(user=request.user, comment=comment)
    return redirect(reverse("tasks:task", args=[task.pk]) + "#comments")


@member_required
@require_POST
@app_errors
def attachment_add(request, task_id):
    task = _task(request, task_id)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        raise ValidationError({"file": ["Choose a file."]})
    attachment = services.add_attachment(
        user=request.user,
        organization=current_organization(),
        task=task,
        upload=form.cleaned_data["file"],
    )
    messages.success(request, f"{attachment.original_name} attached.")
    return redirect(reverse("tasks:task", args=[task.pk]) + "#attachments")


@member_required
def attachment_download(request, task_id, attachment_id):
    from tenants.storage import private_url

    task = _task(request, task_id)
    attachment = get_object_or_404(Attachment, pk=attachment_id, task=task)
    return redirect(private_url(attachment.file_name, expires=300))


@member_required
@require_POST
@app_errors
def attachment_delete(request, task_id, attachment_id):
    task = _task(request, task_id)
    attachment = get_object_or_404(Attachment, pk=attachment_id, task=task)
    services.delete_attachment(user=request.user, attachment=attachment)
    return redirect(reverse("tasks:task", args=[task.pk]) + "#attachments")


@member_required
@require_POST
@app_errors
def recurrence_set(request, task_id):
    task = _task(request, task_id)
    if request.POST.get("stop"):
        services.stop_recurrence(user=request.user, task=task)
        messages.success(request, "The task no longer repeats.")
        return redirect("tasks:task", task_id=task.pk)
    form = RecurrenceForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.set_recurrence(
                user=request.user,
                task=task,
                kind=data["kind"],
                weekdays=data["weekdays"],
                rule=data["rule"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "The task repeats.")
            return redirect("tasks:task", task_id=task.pk)
    context = _task_context(request, task)
    context["recurrence_form"] = form
    return render(request, "tasks/task.html", context, status=400)


# -- my tasks, saved filters ---------------------------------------------------------------


@member_required
def my_tasks(request):
    label_names = sorted(
        {
            name
            for name in Label.objects.filter(tasks__assignees=request.user)
            .values_list("name", flat=True)
            .distinct()
        }
    )
    form = FilterForm(request.GET or None, label_names=label_names)
    filters = form.filters() if form.is_bound and form.is_valid() else selectors.TaskFilters()
    if not form.is_bound:
        filters.status = "open"
    if filters.sort == "status":
        filters.sort = "due"
    page = Paginator(selectors.my_tasks(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = _clean_query(request)
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "tasks/my_tasks.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "saved": selectors.saved_filters(user=request.user),
            "save_form": SaveFilterForm(initial={"query": query}),
            "now": timezone.now(),
        },
        status=status,
    )


@member_required
@require_POST
@app_errors
def filter_save(request):
    form = SaveFilterForm(request.POST)
    project = None
    if request.POST.get("project"):
        project = _project(request, _int_or_none(request.POST["project"]) or 0)
    if not form.is_valid():
        raise ValidationError({"name": ["Give the filter a name (up to 60 characters)."]})
    saved = services.save_filter(
        user=request.user,
        name=form.cleaned_data["name"],
        query=form.cleaned_data["query"],
        project=project,
    )
    messages.success(request, f"Filter “{saved.name}” saved.")
    return redirect(_saved_url(saved))


def _saved_url(saved: SavedFilter) -> str:
    base = (
        reverse("tasks:list", args=[saved.project_id])
        if saved.project_id
        else reverse("tasks:my_tasks")
    )
    return f"{base}?{saved.query}" if saved.query else base


@member_required
def filter_open(request, filter_id):
    saved = get_object_or_404(SavedFilter, pk=filter_id, user=request.user)
    return redirect(_saved_url(saved))


@member_required
@require_POST
@app_errors
def filter_delete(request, filter_id):
    saved = get_object_or_404(SavedFilter, pk=filter_id, user=request.user)
    services.delete_filter(user=request.user, saved=saved)
    messages.success(request, f"Filter “{saved.name}” deleted.")
    return redirect(_safe_next(request, reverse("tasks:my_tasks")))


# -- teams ---------------------------------------------------------------------------------


@member_required
def teams(request):
    return render(
        request,
        "tasks/teams.html",
        {"teams": selectors.teams(), "is_admin": access.is_site_admin(request.user)},
    )


@role_required(Role.ADMIN)
@app_errors
def team_edit(request, team_id=None):
    team = get_object_or_404(Team, pk=team_id) if team_id else None
    initial = {}
    if team is not None:
        initial = {
            "name": team.name,
            "description": team.description,
            "members": [str(pk) for pk in team.members.values_list("pk", flat=True)],
        }
    form = TeamForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            team = services.save_team(
                acting_user=request.user,
                name=data["name"],
                description=data["description"],
                member_ids=[int(pk) for pk in data["members"]],
                team=team,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Team {team.name} saved.")
            return redirect("tasks:teams")
    return render(
        request,
        "tasks/form.html",
        {"form": form, "title": f"Team {team.name}" if team else "New team", "team": team},
    )


@role_required(Role.ADMIN)
@require_POST
@app_errors
def team_delete(request, team_id):
    team = get_object_or_404(Team, pk=team_id)
    services.delete_team(acting_user=request.user, team=team)
    messages.success(request, f"Team {team.name} deleted.")
    return redirect("tasks:teams")


# -- calendar feed -------------------------------------------------------------------------


@member_required
def feed(request):
    token = None
    if request.method == "POST":
        if request.POST.get("revoke"):
            services.revoke_calendar_feed(user=request.user)
            messages.success(
                request, "Your calendar feed is switched off; the old address no longer works."
            )
            return redirect("tasks:feed")
        token = services.reset_calendar_feed(user=request.user)
    from tenant_apps.tasks.models import CalendarFeed

    feed_url = request.build_absolute_uri(reverse("tasks:feed_ics", args=[token])) if token else ""
    return render(
        request,
        "tasks/feed.html",
        {"feed_url": feed_url, "has_feed": CalendarFeed.objects.filter(user=request.user).exists()},
    )


def feed_ics(request, token):
    """The private iCalendar feed: no login, the token is the key. Unknown tokens are 404."""
    user = selectors.feed_user(token=token)
    if user is None:
        raise Http404("No such calendar.")
    body = ical.calendar_for(
        user=user,
        tasks=selectors.feed_tasks(user=user),
        host=request.get_host(),
        base_url=request.build_absolute_uri("/")[:-1],
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="tasks.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


# -- settings ------------------------------------------------------------------------------


@role_required(Role.ADMIN)
@app_errors
def settings_page(request):
    current = services.get_settings()
    form = SettingsForm(
        request.POST or None,
        initial={
            "members_may_create_projects": current.members_may_create_projects,
            "due_soon_hours": current.due_soon_hours,
            "summary_hour": current.summary_hour,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Task settings saved.")
            return redirect("tasks:settings")
    projects = selectors.visible_projects(user=request.user)
    return render(
        request,
        "tasks/settings.html",
        {"form": form, "projects": [p for p in projects if not p.is_private or p.my_role]},
    )


def _querystring(**params) -> str:
    return urlencode({k: v for k, v in params.items() if v})
