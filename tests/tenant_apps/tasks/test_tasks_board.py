"""Projects, boards, tasks and card moves through the services and pages."""

import pytest
from django.core.exceptions import ValidationError
from tasks_factories import board_titles, columns, make_project, make_task

from core.errors import PermissionDenied
from tenant_apps.tasks import services
from tenant_apps.tasks.models import Activity, Task
from tenants.context import tenant_context


def test_a_new_project_has_a_board_with_a_done_column(alpha, project):
    names = [(c.name, c.is_done) for c in columns(alpha, project)]
    assert names == [("To do", False), ("In progress", False), ("Done", True)]


def test_cards_move_between_and_within_columns_without_renumbering(alpha, project, worker):
    todo, doing, done = columns(alpha, project)
    a = make_task(alpha, worker, project, title="A")
    b = make_task(alpha, worker, project, title="B")
    c = make_task(alpha, worker, project, title="C")
    with tenant_context(alpha):
        ranks_before = dict(Task.objects.values_list("pk", "rank"))
        services.move_task(user=worker, task=c, column=todo, after_id=a.pk, before_id=b.pk)
        after = dict(Task.objects.values_list("pk", "rank"))
        assert after[a.pk] == ranks_before[a.pk] and after[b.pk] == ranks_before[b.pk]
    assert board_titles(alpha, project)["To do"] == ["A", "C", "B"]
    with tenant_context(alpha):
        services.move_task(user=worker, task=a, column=doing)
        services.move_task(user=worker, task=b, column=done)
        b.refresh_from_db()
        assert b.completed_at is not None
        assert Activity.objects.filter(task=b, verb="task.completed").exists()
    assert board_titles(alpha, project) == {"To do": ["C"], "In progress": ["A"], "Done": ["B"]}


def test_keyboard_steps_move_a_card(alpha, project, worker, as_user):
    a = make_task(alpha, worker, project, title="A")
    make_task(alpha, worker, project, title="B")
    client = as_user(worker)
    assert client.post(f"/tasks/t/{a.pk}/step/", {"direction": "down"}).status_code == 302
    assert board_titles(alpha, project)["To do"] == ["B", "A"]
    response = client.post(f"/tasks/t/{a.pk}/step/", {"direction": "right"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"In progress" in response.content
    assert board_titles(alpha, project)["In progress"] == ["A"]
    assert client.post(f"/tasks/t/{a.pk}/step/", {"direction": "sideways"}).status_code == 302


def test_drag_and_drop_endpoint_answers_json(alpha, project, worker, as_user):
    a = make_task(alpha, worker, project, title="A")
    doing = columns(alpha, project)[1]
    client = as_user(worker)
    response = client.post(
        f"/tasks/t/{a.pk}/move/", {"column": doing.pk}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200 and response.json()["column"] == doing.pk
    bad = client.post(f"/tasks/t/{a.pk}/move/", {"column": "x"}, HTTP_ACCEPT="application/json")
    assert bad.status_code == 400


def test_only_project_members_create_and_move_tasks(alpha, project, worker, outsider, as_user):
    task = make_task(alpha, worker, project, title="A")
    with tenant_context(alpha), pytest.raises(PermissionDenied):
        services.create_task(user=outsider, project=project, title="nope")
    client = as_user(outsider)
    assert client.get(f"/tasks/p/{project.pk}/").status_code == 200  # not private: visible
    assert client.get(f"/tasks/p/{project.pk}/tasks/new/").status_code == 403
    assert client.post(f"/tasks/t/{task.pk}/step/", {"direction": "right"}).status_code == 403


def test_assignees_must_be_project_members(alpha, project, worker, colleague, outsider):
    with tenant_context(alpha):
        with pytest.raises(ValidationError) as error:
            services.create_task(
                user=worker, project=project, title="x", assignee_ids=[outsider.pk]
            )
        assert "assignees" in error.value.message_dict
        task = services.create_task(
            user=worker, project=project, title="ok", assignee_ids=[colleague.pk]
        )
        assert list(task.assignees.all()) == [colleague]


def test_bad_task_input_gives_field_errors(alpha, project, worker, as_user):
    client = as_user(worker)
    response = client.post(
        f"/tasks/p/{project.pk}/tasks/new/",
        {"title": "", "priority": 9, "column": columns(alpha, project)[0].pk},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "title" in errors and "priority" in errors


def test_concurrent_edit_is_refused_not_lost(alpha, project, worker, colleague, as_user):
    task = make_task(alpha, worker, project, title="Original")
    first = as_user(worker)
    second = as_user(colleague)
    form = {
        "title": "",
        "description": "",
        "priority": 0,
        "column": task.column_id,
        "version": task.version,
    }
    ok = first.post(f"/tasks/t/{task.pk}/edit/", {**form, "title": "First"})
    assert ok.status_code == 302
    late = second.post(f"/tasks/t/{task.pk}/edit/", {**form, "title": "Second"})
    assert late.status_code == 409
    with tenant_context(alpha):
        task.refresh_from_db()
        assert task.title == "First"


def test_private_project_is_invisible_to_others(alpha, worker, outsider, site_admin, as_user):
    secret = make_project(alpha, worker, name="Secret", is_private=True)
    make_task(alpha, worker, secret, title="hidden")
    for user in (outsider, site_admin):
        client = as_user(user)
        assert client.get(f"/tasks/p/{secret.pk}/").status_code == 404
        assert b"Secret" not in client.get("/tasks/").content
        assert client.get(f"/api/v1/tasks/projects/{secret.pk}/").status_code == 404


def test_admins_manage_settings_of_projects_that_are_not_private(
    alpha, project, site_admin, outsider, as_user
):
    assert as_user(site_admin).get(f"/tasks/p/{project.pk}/settings/").status_code == 200
    assert as_user(outsider).get(f"/tasks/p/{project.pk}/settings/").status_code == 403


def test_removing_a_member_unassigns_them(alpha, project, worker, colleague, as_user):
    task = make_task(alpha, worker, project, title="A", assignee_ids=[colleague.pk])
    response = as_user(worker).post(f"/tasks/p/{project.pk}/members/{colleague.pk}/remove/")
    assert response.status_code == 302
    with tenant_context(alpha):
        assert task.assignees.count() == 0
        assert Activity.objects.filter(task=task, verb="task.unassigned").exists()


def test_deleting_a_column_moves_its_tasks_where_asked(alpha, project, worker, as_user):
    _todo, doing, done = columns(alpha, project)
    make_task(alpha, worker, project, title="A", column=doing)
    make_task(alpha, worker, project, title="B", column=doing)
    make_task(alpha, worker, project, title="C", column=done)
    client = as_user(worker)
    page = client.get(f"/tasks/p/{project.pk}/columns/{doing.pk}/delete/")
    assert page.status_code == 200 and b"Move its tasks to" in page.content
    bad = client.post(f"/tasks/p/{project.pk}/columns/{doing.pk}/delete/", {"move_to": doing.pk})
    assert bad.status_code == 200 and bad.context["form"].errors["move_to"]
    ok = client.post(f"/tasks/p/{project.pk}/columns/{doing.pk}/delete/", {"move_to": done.pk})
    assert ok.status_code == 302
    assert board_titles(alpha, project) == {"To do": [], "Done": ["C", "A", "B"]}
    with tenant_context(alpha):
        assert Task.objects.filter(project=project, completed_at__isnull=False).count() == 3


def test_deleting_a_project_is_soft_and_restorable(alpha, project, worker, colleague, as_user):
    client = as_user(worker)
    assert client.post(f"/tasks/p/{project.pk}/delete/").status_code == 302
    assert client.get(f"/tasks/p/{project.pk}/").status_code == 404
    assert as_user(colleague).get("/tasks/deleted/").status_code == 200
    assert b"Website" in client.get("/tasks/deleted/").content
    assert as_user(colleague).post(f"/tasks/p/{project.pk}/restore/").status_code == 404
    assert client.post(f"/tasks/p/{project.pk}/restore/").status_code == 302
    assert client.get(f"/tasks/p/{project.pk}/").status_code == 200


def test_checklist_shows_progress_and_comments_notify_watchers(
    alpha, project, worker, colleague, as_user
):
    from tenant_apps.notifications.models import Notification

    task = make_task(alpha, worker, project, title="A")
    client = as_user(worker)
    client.post(f"/tasks/t/{task.pk}/checklist/", {"text": "one"})
    response = client.post(f"/tasks/t/{task.pk}/checklist/", {"text": "two"}, HTTP_HX_REQUEST="1")
    assert response.status_code == 200
    with tenant_context(alpha):
        item = task.checklist.first()
    response = client.post(
        f"/tasks/t/{task.pk}/checklist/{item.pk}/", {"done": "1"}, HTTP_HX_REQUEST="1"
    )
    assert b"1 of 2 done" in response.content and b'value="50"' in response.content
    assert client.post(f"/tasks/t/{task.pk}/checklist/", {"text": "x" * 301}).status_code == 302
    as_user(colleague).post(f"/tasks/t/{task.pk}/comments/", {"body": "**Looks** good"})
    page = client.get(f"/tasks/t/{task.pk}/")
    assert b"<strong>Looks</strong>" in page.content
    with tenant_context(alpha):
        assert Notification.objects.filter(recipient=worker, kind="tasks.comment").count() == 1


def test_attachments_are_private_and_checked(alpha, project, worker, outsider, as_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    task = make_task(alpha, worker, project, title="A")
    client = as_user(worker)
    upload = SimpleUploadedFile("notes.txt", b"hello world\n", content_type="text/plain")
    assert client.post(f"/tasks/t/{task.pk}/attachments/", {"file": upload}).status_code == 302
    with tenant_context(alpha):
        attachment = task.attachments.get()
    response = client.get(f"/tasks/t/{task.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 302 and "/private-media/" in response["Location"]
    bad = SimpleUploadedFile("evil.pdf", b"\x00\x01binary", content_type="application/pdf")
    client.post(f"/tasks/t/{task.pk}/attachments/", {"file": bad})
    with tenant_context(alpha):
        assert task.attachments.count() == 1
    upload = SimpleUploadedFile("x.txt", b"hi\n", content_type="text/plain")
    assert (
        as_user(outsider).post(f"/tasks/t/{task.pk}/attachments/", {"file": upload}).status_code
        == 403
    )


def test_board_page_query_count_does_not_grow_with_cards(
    alpha, project, worker, colleague, as_user, django_assert_max_num_queries
):
    for index in range(12):
        make_task(alpha, worker, project, title=f"T{index}", assignee_ids=[colleague.pk])
    client = as_user(worker)
    client.get(f"/tasks/p/{project.pk}/")
    with django_assert_max_num_queries(25):
        response = client.get(f"/tasks/p/{project.pk}/")
    assert response.status_code == 200 and b"T11" in response.content


def test_list_and_my_tasks_query_counts(
    alpha, project, worker, colleague, as_user, django_assert_max_num_queries
):
    for index in range(12):
        make_task(alpha, worker, project, title=f"T{index}", assignee_ids=[worker.pk])
    client = as_user(worker)
    with django_assert_max_num_queries(25):
        assert client.get(f"/tasks/p/{project.pk}/list/?sort=priority").status_code == 200
    with django_assert_max_num_queries(25):
        response = client.get("/tasks/my/")
    assert response.status_code == 200 and b"T5" in response.content


def test_beta_sees_nothing_of_alpha(alpha, beta, project, worker, owner_of, as_user):
    task = make_task(alpha, worker, project, title="Alpha secret")
    client = as_user(owner_of(beta), beta)
    assert client.get(f"/tasks/p/{project.pk}/").status_code == 404
    assert client.get(f"/tasks/t/{task.pk}/").status_code == 404
    assert client.get("/api/v1/tasks/tasks/").json()["count"] == 0
    assert client.get(f"/api/v1/tasks/tasks/{task.pk}/").status_code == 404
    assert b"Alpha secret" not in client.get("/tasks/my/").content


def test_anonymous_visitor_sees_nothing(alpha, project, client_for):
    anon = client_for(alpha)
    for url in ("/tasks/", f"/tasks/p/{project.pk}/", "/tasks/my/"):
        response = anon.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert anon.get("/api/v1/tasks/projects/").status_code in (401, 403)


def test_demo_data_shows_every_feature(alpha, owner_of):
    from tenant_apps.tasks import demo
    from tenant_apps.tasks.models import Attachment, Comment, Project, RecurrenceSeries, SavedFilter
    from tenants.context import tenant_context

    owner = owner_of(alpha)
    with tenant_context(alpha):
        demo.seed(organization=alpha, owner=owner)
        demo.seed(organization=alpha, owner=owner)  # once only
        assert Project.objects.count() == 2
        assert Project.objects.filter(is_private=True).count() == 1
        assert Comment.objects.exists() and Attachment.objects.exists()
        assert RecurrenceSeries.objects.exists() and SavedFilter.objects.count() == 2


def test_new_site_sees_an_empty_state_that_says_what_to_do(alpha, worker, as_user):
    response = as_user(worker).get("/tasks/")
    assert response.status_code == 200 and b"No projects yet" in response.content
    assert b"Create your first project" in response.content
    assert b"Nothing assigned to you" in as_user(worker).get("/tasks/my/").content


def test_a_project_changes_hands_between_a_person_and_a_team(
    alpha, project, worker, colleague, site_admin, as_user
):
    from tenant_apps.tasks.models import Project, Team

    with tenant_context(alpha):
        team = services.save_team(acting_user=site_admin, name="Ops", member_ids=[site_admin.pk])
    client = as_user(worker)
    form = {"name": "Website", "description": "", "team": team.pk}
    assert client.post(f"/tasks/p/{project.pk}/settings/", form).status_code == 302
    with tenant_context(alpha):
        moved = Project.objects.get(pk=project.pk)
        assert moved.team == team and moved.owner is None
        assert moved.members.filter(pk=site_admin.pk).exists()  # the team's members join
    form["team"] = ""
    assert client.post(f"/tasks/p/{project.pk}/settings/", form).status_code == 302
    with tenant_context(alpha):
        back = Project.objects.get(pk=project.pk)
        assert back.team is None and back.owner == worker
        assert Team.objects.filter(pk=team.pk).exists()
    with tenant_context(alpha), pytest.raises(ValidationError):
        services.update_project(
            user=worker, project=back, name="", description="", is_private=False
        )


def test_deleting_an_already_deleted_project_is_a_clear_message(alpha, project, worker):
    from core.errors import Conflict

    with tenant_context(alpha):
        services.delete_project(user=worker, project=project)
        with pytest.raises(Conflict):
            services.delete_project(user=worker, project=project)


def test_a_project_keeps_a_manager(alpha, project, worker, as_user):
    response = as_user(worker).post(f"/tasks/p/{project.pk}/members/{worker.pk}/remove/")
    assert response.status_code == 302
    with tenant_context(alpha):
        assert project.memberships.filter(user=worker, role="manager").exists()
