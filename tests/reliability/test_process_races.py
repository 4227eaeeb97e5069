"""Races between OS processes (not threads: no shared interpreter, connection pool or lock) on
the committed test database, as between web servers and Celery workers in production: buyers in
several processes for the store's last units and an event's last seats, several workers running
the recurrence task of the task board at once, and clicks buffered and flushed by several
processes at once. Each process is tests/reliability/race_worker.py; all start their
work together, once every one of them is set up."""

import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import pytest

from tenants.context import tenant_context
from tests.reliability.processes import ROOT, committed_database_url, process_env

pytestmark = pytest.mark.slow

PROCESSES = 3  # each pays Django's start-up (about 7 s of CPU)


def race(own_redis, *argument_lists: list[str]) -> list[dict]:
    """Starts one worker per argument list, gives the start signal once all are ready, and
    returns what each printed."""
    gate = Path(tempfile.mkdtemp(prefix="races-"))
    env = process_env(database_url=committed_database_url(), redis_url=own_redis.url)
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.race_worker", str(gate), str(n), *arguments],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for n, arguments in enumerate(argument_lists)
    ]
    try:
        deadline = time.monotonic() + 120
        while len(list(gate.glob("ready-*"))) < len(workers):
            exited = [w for w in workers if w.poll() is not None]
            if exited or time.monotonic() > deadline:
                output = exited[0].communicate()[0] if exited else "timed out"
                raise AssertionError(f"a worker did not get ready: {output}")
            time.sleep(0.05)
        (gate / "go").touch()
        results = []
        for worker in workers:
            output, _ = worker.communicate(timeout=120)
            lines = [line for line in output.splitlines() if line.startswith("RESULT ")]
            assert worker.returncode == 0 and lines, output
            results.append(json.loads(lines[-1].removeprefix("RESULT ")))
        return results
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.communicate()


@pytest.fixture
def alpha_and_owner(django_db_setup, committed):
    from shared_apps.accounts.models import User
    from tenants.models import Organization

    alpha = Organization.objects.get(schema_name="alpha")
    with tenant_context(alpha):
        owner = User.objects.get(email="owner@alpha.test")
    return alpha, owner


@pytest.fixture
def last_units(alpha_and_owner):
    """A published product with 10 units in alpha, committed; removed afterwards."""
    from tenant_apps.store import services
    from tenant_apps.store.models import Order, Product

    alpha, owner = alpha_and_owner
    with tenant_context(alpha):
        product = services.create_product(
            acting_user=owner,
            organization=alpha,
            title="Last ten",
            price=Decimal("9.99"),
            status="published",
            stock=10,
        )
        variant = product.variants.get()
    yield alpha, variant
    with tenant_context(alpha):
        from tenant_apps.notifications.models import Notification

        Order.objects.filter(lines__variant=variant).delete()
        Product.objects.filter(pk=product.pk).delete()
        Notification.objects.filter(kind__startswith="store.").delete()


def test_buyers_in_several_processes_get_exactly_the_last_ten_units(last_units, own_redis):
    from django.db.models import Sum

    from tenant_apps.store.models import Order, OrderLine, Variant

    alpha, variant = last_units
    attempts = 8  # 24 orders of one unit for 10 units
    results = race(own_redis, *[["buy", str(variant.pk), str(attempts)]] * PROCESSES)

    placed = [pk for result in results for pk in result["placed"]]
    refused = [message for result in results for message in result["refused"]]
    assert len(placed) == 10, results
    assert len(refused) == PROCESSES * attempts - 10
    assert all("sold out" in message for message in refused), refused[:3]
    with tenant_context(alpha):
        assert Variant.objects.get(pk=variant.pk).stock == 0
        lines = OrderLine.objects.filter(variant=variant)
        assert lines.aggregate(n=Sum("quantity"))["n"] == 10
        orders = Order.objects.filter(lines__variant=variant)
        assert sorted(orders.values_list("pk", flat=True)) == sorted(placed)
        numbers = list(orders.values_list("number", flat=True))
        assert len(set(numbers)) == 10


@pytest.fixture
def repeating_tasks(alpha_and_owner):
    """Three daily tasks whose series started five days ago at noon (site time), committed: the
    occurrences of the four days since and of today are due. Removed afterwards."""
    from django.utils import timezone

    from tenant_apps.tasks import access, services
    from tenant_apps.tasks.models import Project

    alpha, owner = alpha_and_owner
    with tenant_context(alpha):
        access.activate_site_timezone()
        today = timezone.localdate()
        start = dt.datetime.combine(
            today - dt.timedelta(days=5), dt.time(12), tzinfo=timezone.get_current_timezone()
        )
        project = services.create_project(user=owner, name="Repeating work")
        series = []
        for title in ("Stand-up", "Water the plants", "Back up the laptop"):
            task = services.create_task(user=owner, project=project, title=title, due_at=start)
            series.append(services.set_recurrence(user=owner, task=task, kind="daily"))
        timezone.deactivate()
    yield alpha, project, series, [today - dt.timedelta(days=n) for n in range(5, -1, -1)]
    with tenant_context(alpha):
        Project.objects.filter(pk=project.pk).delete()


def test_recurrence_workers_in_several_processes_make_one_occurrence_per_date(
    repeating_tasks, own_redis
):
    from tenant_apps.tasks.models import Task

    alpha, project, series, dates = repeating_tasks
    # Each worker runs the task as often as there are due dates: alone, one would make them all.
    rounds = len(dates) - 1
    results = race(own_redis, *[["recur", str(rounds)]] * PROCESSES)

    with tenant_context(alpha):
        for one in series:
            made = list(
                Task.objects.filter(series=one)
                .order_by("occurrence_date")
                .values_list("occurrence_date", flat=True)
            )
            assert made == dates, (one, made)
        numbers = list(Task.objects.filter(project=project).values_list("number", flat=True))
        assert len(numbers) == len(set(numbers)) == len(series) * len(dates)
    # The task reports what it made: together, the workers made each occurrence once.
    assert sum(sum(result["made"]) for result in results) == len(series) * rounds, results


@pytest.fixture
def last_seats(alpha_and_owner):
    """A free, published event with 10 seats in alpha, committed; removed afterwards."""
    from django.utils import timezone

    from tenant_apps.events.models import Event, TicketType

    alpha, _owner = alpha_and_owner
    with tenant_context(alpha):
        starts = timezone.now() + dt.timedelta(days=7)
        event = Event.objects.create(
            title="Ten seats",
            venue_name="Town Hall",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            timezone="Europe/Berlin",
            status="published",
            capacity=10,
            currency="EUR",
        )
        ticket_type = TicketType.objects.create(
            event=event, name="Free seat", price=Decimal("0"), quantity=10
        )
    yield alpha, event, ticket_type
    with tenant_context(alpha):
        from tenant_apps.events.models import Order, Ticket
        from tenant_apps.notifications.models import Notification

        Ticket.objects.filter(order__event=event).delete()
        Order.objects.filter(event=event).delete()
        TicketType.objects.filter(event=event).delete()
        Event.objects.filter(pk=event.pk).delete()
        Notification.objects.filter(kind__startswith="events.").delete()


def test_guests_in_several_processes_get_exactly_the_last_ten_seats(last_seats, own_redis):
    from tenant_apps.events.models import Event, Order, Ticket

    alpha, event, ticket_type = last_seats
    attempts = 8  # 24 registrations of one seat for 10 seats
    arguments = ["register", str(event.pk), str(ticket_type.pk), str(attempts)]
    results = race(own_redis, *[arguments] * PROCESSES)

    placed = [pk for result in results for pk in result["placed"]]
    refused = [message for result in results for message in result["refused"]]
    assert len(placed) == 10, results
    assert len(refused) == PROCESSES * attempts - 10
    # Refused by the ticket type's or the event's seats, whichever ran out first for that guest.
    assert all(message.endswith(" left.") for message in refused), refused[:3]
    with tenant_context(alpha):
        assert Event.objects.get(pk=event.pk).seats_left == 0
        assert sorted(Order.objects.filter(event=event).values_list("pk", flat=True)) == sorted(
            placed
        )
        codes = list(Ticket.objects.filter(order__event=event).values_list("code", flat=True))
        assert len(codes) == len(set(codes)) == 10


@pytest.fixture
def counted_link(alpha_and_owner):
    """A short link in alpha, committed; removed afterwards."""
    from tenant_apps.links.models import ShortLink

    alpha, owner = alpha_and_owner
    with tenant_context(alpha):
        link = ShortLink.objects.create(
            code="racing", target_url="https://example.org/", created_by=owner
        )
    yield alpha, link
    with tenant_context(alpha):
        ShortLink.objects.filter(pk=link.pk).delete()


def test_clicks_buffered_and_flushed_by_several_processes_are_all_counted_once(
    counted_link, own_redis
):
    from tenant_apps.links.models import Click, ShortLink

    alpha, link = counted_link
    clicks = 60
    results = race(own_redis, *[["click", str(link.pk), str(clicks)]] * PROCESSES)

    with tenant_context(alpha):
        stored = ShortLink.objects.get(pk=link.pk)
        assert stored.click_count == PROCESSES * clicks
        assert Click.objects.filter(link=link).count() == PROCESSES * clicks
    # Each click was written by exactly one of the flushing processes.
    assert sum(result["flushed"] for result in results) == PROCESSES * clicks, results
