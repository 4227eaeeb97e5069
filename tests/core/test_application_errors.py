"""A refusal that escapes a page view is a clear page with its status, never a 500."""

import json

from django.test import RequestFactory

from core.errors import Conflict, PaymentRequired
from core.middleware import ApplicationErrorMiddleware

middleware = ApplicationErrorMiddleware(lambda request: None)


def limit_reached():
    return PaymentRequired(
        "Your plan allows 10 products; you have 10.",
        extra={"resource": "products", "limit": 10, "upgrade_url": "/billing/"},
    )


def test_a_plan_limit_on_a_page_is_a_402_page_with_the_upgrade_link(db):
    response = middleware.process_exception(RequestFactory().get("/store/new/"), limit_reached())
    assert response.status_code == 402
    page = response.content.decode()
    assert "Your plan allows 10 products; you have 10." in page
    assert 'href="/billing/"' in page


def test_a_plan_limit_on_the_api_is_the_json_error_shape(db):
    response = middleware.process_exception(RequestFactory().get("/api/v1/x/"), limit_reached())
    assert response.status_code == 402
    body = json.loads(response.content)
    assert body["error"]["code"] == "plan_limit"
    assert body["error"]["upgrade_url"] == "/billing/"


def test_a_conflict_is_a_409_page_without_an_upgrade_link(db):
    response = middleware.process_exception(
        RequestFactory().post("/tasks/1/move/"), Conflict("The card moved meanwhile.")
    )
    assert response.status_code == 409
    assert "/billing/" not in response.content.decode()


def test_other_exceptions_are_left_to_django(db):
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("bug")) is None
