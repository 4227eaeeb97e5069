"""The OpenAPI schema documents the error answers of every operation (core.openapi.AutoSchema),
in the one error shape. That the answers really are these is the fuzz pass's job
(test_api_fuzz.py checks every status against the schema); here, what the schema says."""

import pytest
from drf_spectacular.generators import SchemaGenerator

ERROR = {"$ref": "#/components/schemas/ApiError"}


def operations(urlconf: str):
    schema = SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", method, operation, schema


def error_codes(operation) -> set[str]:
    return {
        code
        for code, response in operation["responses"].items()
        if code.startswith("4")
        and response.get("content", {}).get("application/json", {}).get("schema") == ERROR
    }


@pytest.fixture(scope="module")
def tenant_operations():
    return list(operations("config.urls_tenant"))


def test_the_error_body_is_one_component_naming_code_message_and_fields(tenant_operations):
    *_, schema = tenant_operations[0]
    components = schema["components"]["schemas"]
    assert components["ApiError"]["required"] == ["error"]
    body = components["ApiErrorBody"]
    assert set(body["required"]) == {"code", "message", "fields"}
    assert body["properties"]["fields"]["additionalProperties"]["type"] == "array"
    # One error shape, not one per app.
    assert [name for name in components if "error" in name.lower()] == ["ApiError", "ApiErrorBody"]


def test_every_tenant_operation_documents_the_errors_it_can_answer(tenant_operations):
    missing = []
    for label, method, operation, _ in tenant_operations:
        codes = error_codes(operation)
        expected = set()
        if operation.get("security"):
            expected.add("401")  # a revoked token is refused everywhere
        if method in ("post", "put", "patch", "delete"):
            expected |= {"400", "402"}  # bad input; a site read-only until paid
        if "{" in label:
            expected.add("404")
        if "requestBody" in operation:
            expected.add("413")
        if not expected <= codes:
            missing.append((label, sorted(expected - codes)))
    assert not missing, missing
    assert len(tenant_operations) > 50


def test_a_role_checked_operation_documents_403_and_an_open_read_does_not(tenant_operations):
    by_label = {label: operation for label, _, operation, _ in tenant_operations}
    assert "403" in by_label["POST /api/v1/tokens/"]["responses"]  # a session needs CSRF
    assert "403" in by_label["GET /api/v1/store/manage/orders/"]["responses"]  # admins only
    assert "403" not in by_label["GET /api/v1/recipes/tags/"]["responses"]  # anyone reads tags


def test_a_conflict_is_documented_where_the_service_raises_it(tenant_operations):
    by_label = {label: operation for label, _, operation, _ in tenant_operations}
    assert "409" in by_label["PATCH /api/v1/tasks/tasks/{id}/"]["responses"]  # stale version
    assert "409" in by_label["DELETE /api/v1/forum/categories/{id}/"]["responses"]
    assert "409" not in by_label["GET /api/v1/tasks/tasks/{id}/"]["responses"]


def test_a_throttled_operation_documents_429():
    # The test settings switch the default throttles off; the subdomain check has its own.
    [check] = [op for label, _, op, _ in operations("config.urls_public") if "subdomain" in label]
    assert "429" in error_codes(check)
