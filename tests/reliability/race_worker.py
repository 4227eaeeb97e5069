"""One racing process of test_process_races.py: Django set up on the committed test database,
it says it is ready, waits for the test's start signal (so that every process races from the
same moment, Django's start-up cost paid), does its part and prints `RESULT <json>`.

    python -m tests.reliability.race_worker GATE_FOLDER NAME buy VARIANT_ID ATTEMPTS
    python -m tests.reliability.race_worker GATE_FOLDER NAME recur ROUNDS
    python -m tests.reliability.race_worker GATE_FOLDER NAME register EVENT_ID TYPE_ID ATTEMPTS
    python -m tests.reliability.race_worker GATE_FOLDER NAME click LINK_ID CLICKS
"""

import json
import os
import sys
import time
from pathlib import Path

import django


def wait_for_start(gate: Path, name: str) -> None:
    (gate / f"ready-{name}").touch()
    deadline = time.monotonic() + 120
    while not (gate / "go").exists():
        if time.monotonic() > deadline:
            raise SystemExit("the test never gave the start signal")
        time.sleep(0.005)


def buy(variant_id: int, attempts: int, name: str) -> dict:
    """Orders of one unit each, as the checkout places them (store.views.checkout)."""
    from django.core.exceptions import ValidationError

    from tenant_apps.store import services

    placed, refused = [], []
    for attempt in range(attempts):
        try:
            order = services.place_order(
                user=None,
                quantities={variant_id: 1},
                address={
                    "email": f"{name}-{attempt}@example.com",
                    "full_name": "Racing Buyer",
                    "phone": "",
                    "address_line1": "1 Main Street",
                    "address_line2": "",
                    "city": "Berlin",
                    "postal_code": "10115",
                    "country": "DE",
                    "note": "",
                },
                shipping_method_id=None,
                payment_method="offline",
            )
        except ValidationError as error:
            refused.append(" ".join(error.messages))
        else:
            placed.append(order.pk)
    return {"placed": placed, "refused": refused}


def recur(rounds: int) -> dict:
    """The scheduler's recurrence task, run as Beat runs it in each tenant, `rounds` times."""
    from tenant_apps.tasks import tasks

    return {"made": [tasks.create_due_occurrences() for _ in range(rounds)]}


def register(event_id: int, type_id: int, attempts: int, name: str) -> dict:
    """Registrations of one seat each, as the event page places them (free tickets)."""
    from django.core.exceptions import ValidationError
    from django.db import connection

    from tenant_apps.events import services
    from tenant_apps.events.models import Event
    from tenants.models import Organization

    organization = Organization.objects.get(schema_name=connection.schema_name)
    event = Event.objects.get(pk=event_id)
    placed, refused = [], []
    for attempt in range(attempts):
        try:
            result = services.place_order(
                organization=organization,
                event=event,
                items={type_id: 1},
                email=f"{name}-{attempt}@example.com",
                name="Racing Guest",
            )
        except ValidationError as error:
            refused.append(" ".join(error.messages))
        else:
            placed.append(result.order.pk)
    return {"placed": placed, "refused": refused}


def click(link_id: int, clicks: int) -> dict:
    """Redirects' clicks into the buffer, then the flush task, as web and worker processes do;
    every process flushes while the others still click."""
    from tenant_apps.links import services

    flushed = 0
    for n in range(clicks):
        services.buffer_click(
            link_id=link_id, ip=f"10.0.{n % 250}.{os.getpid() % 250}", user_agent="", referrer=""
        )
        if n % 10 == 9:
            flushed += services.flush_click_buffer()
    flushed += services.flush_click_buffer()
    return {"flushed": flushed}


def main() -> None:
    gate, name, mode, *args = sys.argv[1:]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.reliability.settings_faults")
    django.setup()
    from tenants.context import tenant_context
    from tenants.models import Organization

    alpha = Organization.objects.get(schema_name="alpha")
    with tenant_context(alpha):
        # Connected and warm before the start: the race is between the work, not the imports.
        from tenant_apps.events import services as events_services  # noqa: F401
        from tenant_apps.links import services as links_services  # noqa: F401
        from tenant_apps.store import services  # noqa: F401
        from tenant_apps.tasks import tasks  # noqa: F401

        wait_for_start(Path(gate), name)
        if mode == "buy":
            result = buy(int(args[0]), int(args[1]), name)
        elif mode == "recur":
            result = recur(int(args[0]))
        elif mode == "register":
            result = register(int(args[0]), int(args[1]), int(args[2]), name)
        elif mode == "click":
            result = click(int(args[0]), int(args[1]))
        else:
            raise SystemExit(f"unknown mode {mode!r}")
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
