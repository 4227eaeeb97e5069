"""Filters, saved filters, calendar, teams, settings, the live topic and the REST API."""

import datetime as dt

from django.utils import timezone
from tasks_factories import columns, make_project, make_task

from tenant_apps.notifications.registry import find_topic
from tenant_apps.tasks.models import SavedFilter, TaskSettings, Team
from tenants.context import tenant_context


def test_list_filters_and_sorting(alpha, project, worker, colleague, as_user):
    now = timezone.now()
    make_task(
        alpha,
        worker,
        project,
        title="Alpha bug",
        priority=4,
        assignee_ids=[colleague.pk],
        due_at=now + dt.timedelta(days=1),
    )
    make_task(
        alpha, worker, project, title="Beta feature", priority=1, due_at=now + dt.timedelta(days=10)
    )
    make_task(alpha, worker, project, title="Gamma chore", priority=2)
    client = as_user(worker)

    def titles(query):
        response = client.get(f"/tasks/p/{project.pk}/list/?{query}")
        assert response.status_code == 200, query
        return [task.title for task in response.context["page"]]

    assert titles("sort=priority") == ["Alpha bug", "Gamma chore", "Beta feature"]
    assert titles("sort=due") == ["Alpha bug", "Beta feature", "Gamma chore"]
    assert titles(f"assignee={colleague.pk}") == ["Alpha bug"]
    assert titles("assignee=none&sort=title") == ["Beta feature", "Gamma chore"]
    assert titles("q=feature") == ["Beta feature"]
    assert titles("priority=2") == ["Gamma chore"]
    day = (now + dt.timedelta(days=1)).date()
    assert titles(f"due_from={day}&due_to={day}") == ["Alpha bug"]
    assert titles(f"column={columns(alpha, project)[0].pk}&sort=title") == [
        "Alpha bug",
        "Beta feature",
        "Gamma chore",
    ]
    bad = client.get(f"/tasks/p/{project.pk}/list/?due_from=2026-05-02&due_to=2026-05-01")
    assert bad.status_code == 400 and bad.context["form"].errors["due_to"]


def test_saved_filters_are_personal(alpha, project, worker, colleague, as_user):
    client = as_user(worker)
    response = client.post(
        "/tasks/filters/save/", {"name": "Urgent", "query": "priority=4", "project": project.pk}
    )
    assert response.status_code == 302 and response["Location"].endswith("?priority=4")
    with tenant_context(alpha):
        saved = SavedFilter.objects.get(user=worker)
    assert as_user(colleague).get(f"/tasks/filters/{saved.pk}/").status_code == 404
    assert client.get(f"/tasks/filters/{saved.pk}/").status_code == 302
    assert client.post("/tasks/filters/save/", {"name": ""}).status_code == 302
    with tenant_context(alpha):
        assert SavedFilter.objects.count() == 1


def test_my_tasks_across_projects_and_calendar(alpha, project, worker, colleague, as_user):
    other = make_project(alpha, colleague, name="Other", members=[worker])
    due = timezone.now() + dt.timedelta(hours=2)
    make_task(alpha, worker, project, title="Mine here", assignee_ids=[worker.pk], due_at=due)
    make_task(alpha, colleague, other, title="Mine there", assignee_ids=[worker.pk])
    make_task(alpha, colleague, other, title="Not mine", assignee_ids=[colleague.pk])
    client = as_user(worker)
    titles = [t.title for t in client.get("/tasks/my/").context["page"]]
    assert sorted(titles) == ["Mine here", "Mine there"]
    month = timezone.localtime(due).strftime("%Y-%m")
    page = client.get(f"/tasks/p/{project.pk}/calendar/?month={month}")
    assert page.status_code == 200 and b"Mine here" in page.content
    assert client.get(f"/tasks/p/{project.pk}/calendar/?month=garbage").status_code == 200


def test_admins_manage_teams_and_team_members_join_projects(
    alpha, worker, colleague, site_admin, as_user
):
    assert as_user(worker).get("/tasks/teams/new/").status_code == 403
    client = as_user(site_admin)
    response = client.post(
        "/tasks/teams/new/", {"name": "Design", "members": [worker.pk, colleague.pk]}
    )
    assert response.status_code == 302
    with tenant_context(alpha):
        team = Team.objects.get(name="Design")
    project = make_project(alpha, worker, name="Team board", team=team)
    with tenant_context(alpha):
        assert set(project.members.values_list("pk", flat=True)) == {worker.pk, colleague.pk}
    duplicate = client.post("/tasks/teams/new/", {"name": "design"})
    assert duplicate.status_code == 200 and duplicate.context["form"].errors["name"]
    task = make_task(alpha, worker, project, title="x", assignee_ids=[colleague.pk])
    client.post(f"/tasks/teams/{team.pk}/", {"name": "Design", "members": [worker.pk]})
    with tenant_context(alpha):
        assert not project.members.filter(pk=colleague.pk).exists()
        assert task.assignees.count() == 0


def test_settings_page_is_for_admins(alpha, worker, site_admin, as_user):
    assert as_user(worker).get("/tasks/settings/").status_code == 403
    client = as_user(site_admin)
    ok = client.post("/tasks/settings/", {"due_soon_hours": 48, "summary_hour": 7})
    assert ok.status_code == 302
    with tenant_context(alpha):
        assert TaskSettings.objects.get().due_soon_hours == 48
    assert as_user(worker).get("/tasks/new/").status_code == 403  # members may not create now
    bad = client.post("/tasks/settings/", {"due_soon_hours": 0, "summary_hour": 30})
    assert bad.status_code == 200 and set(bad.context["form"].errors) == {
        "due_soon_hours",
        "summary_hour",
    }


def test_live_board_topic_follows_project_visibility(alpha, worker, outsider, beta, owner_of):
    secret = make_project(alpha, worker, name="Secret", is_private=True)
    topic, args = find_topic(f"tasks.board.{secret.pk}")
    with tenant_context(alpha):
        assert topic.can_subscribe(worker, *args) is True
        assert topic.can_subscribe(outsider, *args) is False
        assert topic.can_subscribe(worker, "x") is False
    with tenant_context(beta):
        assert topic.can_subscribe(owner_of(beta), *args) is False


def test_api_creates_moves_and_filters_tasks(alpha, project, worker, colleague, outsider, as_user):
    client = as_user(worker)
    _todo, _doing, done = columns(alpha, project)
    created = client.post(
        "/api/v1/tasks/tasks/",
        {
            "project": project.pk,
            "title": "Via API",
            "priority": 3,
            "assignees": [colleague.pk],
            "due_at": "2026-12-24T10:00:00+01:00",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["assigned"] == [{"id": colleague.pk, "name": colleague.display_name}]
    moved = client.post(
        f"/api/v1/tasks/tasks/{body['id']}/move/",
        {"column": done.pk},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["completed_at"]
    listing = client.get(f"/api/v1/tasks/tasks/?project={project.pk}&status=done").json()
    assert [item["title"] for item in listing["results"]] == ["Via API"]
    bad = client.post(
        "/api/v1/tasks/tasks/",
        {"project": project.pk, "title": "", "priority": 7},
        content_type="application/json",
    )
    assert bad.status_code == 400 and {"title", "priority"} <= set(bad.json()["error"]["fields"])
    assert client.get("/api/v1/tasks/tasks/?due_from=nope").status_code == 400
    stale = client.patch(
        f"/api/v1/tasks/tasks/{body['id']}/",
        {"title": "x", "version": 0},
        content_type="application/json",
    )
    assert stale.status_code == 409
    refused = as_user(outsider).patch(
        f"/api/v1/tasks/tasks/{body['id']}/", {"title": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403
    comment = as_user(colleague).post(
        f"/api/v1/tasks/tasks/{body['id']}/comments/",
        {"body": "done!"},
        content_type="application/json",
    )
    assert comment.status_code == 201


def test_api_projects_members_and_soft_delete(alpha, project, worker, colleague, outsider, as_user):
    client = as_user(worker)
    created = client.post(
        "/api/v1/tasks/projects/",
        {"name": "API project", "is_private": True},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["my_role"] == "manager"
    assert len(created.json()["columns"]) == 3
    pid = created.json()["id"]
    assert as_user(outsider).get(f"/api/v1/tasks/projects/{pid}/").status_code == 404
    added = client.post(
        f"/api/v1/tasks/projects/{pid}/members/",
        {"user": outsider.pk},
        content_type="application/json",
    )
    assert added.status_code == 200 and len(added.json()) == 2
    assert as_user(outsider).get(f"/api/v1/tasks/projects/{pid}/").status_code == 200
    assert as_user(outsider).delete(f"/api/v1/tasks/projects/{pid}/").status_code == 403
    assert client.delete(f"/api/v1/tasks/projects/{pid}/members/{outsider.pk}/").status_code == 204
    assert client.delete(f"/api/v1/tasks/projects/{pid}/").status_code == 204
    assert client.get(f"/api/v1/tasks/projects/{pid}/").status_code == 404
    assert client.post(f"/api/v1/tasks/projects/{pid}/restore/").status_code == 200
    assert (
        client.post(
            "/api/v1/tasks/projects/", {"name": ""}, content_type="application/json"
        ).status_code
        == 400
    )
    assert (
        as_user(worker)
        .post("/api/v1/tasks/teams/", {"name": "T"}, content_type="application/json")
        .status_code
        == 403
    )
