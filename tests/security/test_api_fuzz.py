"""Schemathesis against the tenant API: every operation in /api/v1/schema/, authenticated as the
owner of a tenant filled with every app's demo data, with generated input. No response may be a
server error, answer a status the schema does not document, or break the schema of its status.

Operations come from the schema, so an app's API is fuzzed the day it is merged. Generated ids
rarely name a row, so half of the cases of an operation with an `{id}` get the id of a real row,
read from the list operation beside it: detail, update and delete then run against demo data.

A bounded pass runs in the suite (FUZZ_EXAMPLES, default 15 cases per operation); `make fuzz`
runs a longer one (300). The test prints the operations and cases tried (docs/security.md).
"""

import os
import re

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.demo import run_demo_data
from tenant_apps.members.services import create_api_token
from tenants.context import tenant_context

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
HOST = "alpha.example.test"


def known_ids(client, path: str) -> list[int]:
    """Ids of rows the list operation next to `path` returns ("/x/{id}/y/" -> GET "/x/")."""
    collection = re.split(r"\{[^}]+\}", path, maxsplit=1)[0]
    response = client.get(collection)
    if response.status_code != 200:
        return []
    body = response.json()
    rows = body.get("results", body) if isinstance(body, dict) else body
    return [row["id"] for row in rows if isinstance(row, dict) and isinstance(row.get("id"), int)]


@pytest.fixture
def api(alpha, owner_of):
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        response_schema_conformance,
        status_code_conformance,
    )

    owner = owner_of(alpha)
    with tenant_context(alpha):
        run_demo_data(organization=alpha, owner=owner)
        key = create_api_token(user=owner, name="fuzz").key
    # Read before the signals are disconnected: the test client reconnects them after a request.
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator(urlconf="config.urls_tenant").get_schema(request=None, public=True)
    reader = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Token {key}")
    ids = {path: known_ids(reader, path) for path in paths["paths"] if "{id}" in path}
    # As Django's test client does: the test's transaction must survive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        app = WSGIHandler()
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", app, headers={"Host": HOST})
        headers = {"Host": HOST, "Authorization": f"Token {key}"}
        # No 5xx; every status answered is one the schema documents (core.openapi adds the
        # errors), and every body matches the schema of its status.
        checks = [not_a_server_error, status_code_conformance, response_schema_conformance]
        yield schema, headers, ids, checks
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_every_api_operation_survives_generated_input(api):
    schema, headers, known, checks = api
    tried: dict[str, int] = {}
    failures: dict[str, str] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        ids = known.get(operation.path, [])
        real_id = st.sampled_from(ids) if ids else st.nothing()

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            # The same cases on every run of the suite (CI reruns what passed here); `make fuzz`
            # sets FUZZ_RANDOM=1 to explore new ones.
            derandomize=os.environ.get("FUZZ_RANDOM") != "1",
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), row=st.one_of(st.none(), real_id))
        def fuzz(case, row):
            if row is not None:
                case.path_parameters = {**(case.path_parameters or {}), "id": row}
            case.call_and_validate(headers=headers, checks=checks)
            tried[operation.label] = tried.get(operation.label, 0) + 1

        # Every operation runs, so that one report lists every operation that fails.
        try:
            fuzz()
        except Exception as error:  # hypothesis re-raises schemathesis' failure groups
            failures[operation.label] = str(error)
    print(f"\nfuzzed {len(tried)} operations with {sum(tried.values())} cases")
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
    assert len(tried) >= 4
