"""How the app plugs into the platform: the feature switch, live board events, the project
list's counts."""

from tasks_factories import columns, make_task

from tenant_apps.tasks import services
from tenants.context import tenant_context


def test_switching_the_app_off_hides_pages_and_api(alpha, project, worker, as_user):
    alpha.features = [f for f in alpha.features if f != "tasks"]
    alpha.save(update_fields=["features"])
    from shared_apps.billing import entitlements

    entitlements.invalidate(alpha)
    client = as_user(worker)
    assert client.get("/tasks/").status_code == 404
    assert client.get("/api/v1/tasks/projects/").status_code == 404


def test_moves_publish_a_live_board_event_after_commit(
    alpha, beta, project, worker, live_events, django_capture_on_commit_callbacks
):
    board = live_events(f"tenant.alpha.tasks.board.{project.pk}")
    same_number_in_beta = live_events(f"tenant.beta.tasks.board.{project.pk}")
    task = make_task(alpha, worker, project, title="Live")
    doing = columns(alpha, project)[1]
    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.move_task(user=worker, task=task, column=doing)
        assert board(timeout=0.2) == []  # nothing goes out before the commit
    for callback in callbacks:
        callback()
    assert board() == [
        {
            "type": "live.event",
            "topic": f"tasks.board.{project.pk}",
            "event": {"type": "tasks.moved", "task": task.pk},
        }
    ]
    assert same_number_in_beta(timeout=0.2) == []


def test_project_list_shows_counts_and_roles(alpha, project, worker, colleague, as_user):
    make_task(alpha, worker, project, title="open one")
    done = make_task(alpha, worker, project, title="done one")
    with tenant_context(alpha):
        services.complete_task(user=worker, task=done)
    response = as_user(colleague).get("/tasks/")
    [listed] = response.context["mine"]
    assert listed.open_tasks == 1 and listed.member_count == 2 and listed.my_role == "member"
