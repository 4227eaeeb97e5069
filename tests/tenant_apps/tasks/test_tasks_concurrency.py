"""Concurrent moves on real connections: no card is lost or duplicated, ranks stay unique,
and a repeating task's next occurrence is made once."""

import pytest

from tenant_apps.tasks import services
from tenant_apps.tasks.models import Project, Task
from tenants.context import tenant_context
from tests.conftest import run_in_threads


@pytest.fixture
def committed_board(django_db_setup, committed):
    from shared_apps.accounts.models import User
    from tenants.models import Organization

    alpha = Organization.objects.get(schema_name="alpha")
    with tenant_context(alpha):
        owner = User.objects.get(email="owner@alpha.test")
        project = services.create_project(user=owner, name="Race board")
    yield alpha, owner, project
    with tenant_context(alpha):
        Project.objects.filter(pk=project.pk).delete()


def test_many_concurrent_moves_keep_every_card_once(committed_board):
    alpha, owner, project = committed_board
    with tenant_context(alpha):
        todo, doing, _done = list(project.columns.order_by("position"))
        cards = [services.create_task(user=owner, project=project, title=f"C{i}") for i in range(8)]
        anchor = cards[0]

    def mover(card, column, after_id):
        def run():
            with tenant_context(alpha):
                return services.move_task(
                    user=owner, task=Task.objects.get(pk=card.pk), column=column, after_id=after_id
                ).rank

        return run

    # Everybody drops a card right after the same anchor at once, in two columns.
    functions = [mover(card, todo, anchor.pk) for card in cards[1:5]]
    functions += [mover(card, doing, None) for card in cards[5:]]
    results = run_in_threads(functions)
    assert all(kind == "ok" for kind, _ in results), results
    with tenant_context(alpha):
        rows = list(Task.objects.filter(project=project).values_list("pk", "column_id", "rank"))
        assert sorted(pk for pk, _, _ in rows) == sorted(card.pk for card in cards)
        keys = [(column, rank) for _, column, rank in rows]
        assert len(keys) == len(set(keys))
        order = list(Task.objects.filter(column=todo).order_by("rank").values_list("pk", flat=True))
        assert order[0] == anchor.pk and sorted(order[1:]) == sorted(c.pk for c in cards[1:5])
        assert Task.objects.filter(column=doing).count() == 3


def test_two_people_moving_one_card_at_once_leave_it_in_one_place(committed_board):
    alpha, owner, project = committed_board
    with tenant_context(alpha):
        _todo, doing, done = list(project.columns.order_by("position"))
        card = services.create_task(user=owner, project=project, title="contested")

    def move_to(column):
        def run():
            with tenant_context(alpha):
                return services.move_task(
                    user=owner, task=Task.objects.get(pk=card.pk), column=column
                ).column_id

        return run

    results = run_in_threads([move_to(doing), move_to(done)])
    assert all(kind == "ok" for kind, _ in results), results
    with tenant_context(alpha):
        assert Task.objects.filter(pk=card.pk).count() == 1
        assert Task.objects.get(pk=card.pk).column_id in (doing.pk, done.pk)


def test_a_repeating_task_completed_twice_at_once_makes_one_next_occurrence(committed_board):
    import datetime as dt

    from django.utils import timezone

    alpha, owner, project = committed_board
    with tenant_context(alpha):
        task = services.create_task(
            user=owner,
            project=project,
            title="Standup",
            due_at=timezone.now() + dt.timedelta(hours=1),
        )
        series = services.set_recurrence(user=owner, task=task, kind="daily")

    def next_one():
        with tenant_context(alpha):
            return services.create_next_occurrence(
                series=series, after=Task.objects.get(pk=task.pk)
            ).pk

    results = run_in_threads([next_one, next_one, next_one])
    assert all(kind == "ok" for kind, _ in results), results
    assert len({value for _, value in results}) == 1
    with tenant_context(alpha):
        assert Task.objects.filter(series=series).count() == 2
