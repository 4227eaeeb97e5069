"""Schemathesis against the tenant API: every operation, authenticated, with generated input.
No response may be a server error or break the documented schema. A bounded pass runs in the
suite (FUZZ_EXAMPLES, default 15 per operation); `make fuzz` runs a longer one."""

import os

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from tenant_apps.members.services import create_api_token
from tenants.context import tenant_context

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
HOST = "alpha.example.test"


@pytest.fixture
def api(alpha, owner_of):
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    with tenant_context(alpha):
        key = create_api_token(user=owner_of(alpha), name="fuzz").key
    # As Django's test client does: the test's transaction must survive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        app = WSGIHandler()
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", app, headers={"Host": HOST})
        headers = {"Host": HOST, "Authorization": f"Token {key}"}
        yield schema, headers, [not_a_server_error, response_schema_conformance]
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_every_api_operation_survives_generated_input(api):
    schema, headers, checks = api
    tried = {}
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def fuzz(case):
            case.call_and_validate(headers=headers, checks=checks)
            tried[operation.label] = tried.get(operation.label, 0) + 1

        fuzz()
    print(f"fuzzed {len(tried)} operations with {sum(tried.values())} cases")
    assert len(tried) >= 4
