"""The schema of each request: set once per change, never redundantly, and (in the transaction
mode used behind PgBouncer) set inside every transaction instead of on the session."""

import threading

from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tenants.context import tenant_context
from tests.conftest import host_of


def search_path_statements(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "search_path" in q["sql"]]


def test_a_second_request_to_the_same_tenant_sets_no_search_path(alpha):
    client = Client(HTTP_HOST=host_of(alpha))
    assert client.get("/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    assert b"Alpha Club" in response.content
    assert search_path_statements(queries) == []


def test_switching_tenant_sets_the_search_path_to_the_new_tenant_only(alpha, beta):
    alpha_client, beta_client = Client(HTTP_HOST=host_of(alpha)), Client(HTTP_HOST=host_of(beta))
    beta_client.get("/")  # warms the route of beta
    alpha_client.get("/")
    with CaptureQueriesContext(connection) as queries:
        response = beta_client.get("/")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            schema = cursor.fetchone()[0]
    assert b"Beta Guild" in response.content and b"Alpha Club" not in response.content
    assert schema == "beta"
    assert search_path_statements(queries) == ['SET search_path = "beta","public"']


def current_search_path() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('search_path')")
        return cursor.fetchone()[0]


def test_transaction_mode_sets_the_path_inside_the_transaction(alpha, beta, settings):
    from shared_apps.accounts.models import User

    settings.TENANT_SEARCH_PATH_MODE = "transaction"
    with tenant_context(alpha):
        alpha_emails = list(User.objects.values_list("email", flat=True))
        alpha_path = current_search_path()
    with tenant_context(beta):
        beta_emails = list(User.objects.values_list("email", flat=True))
        beta_path = current_search_path()
    assert alpha_emails == ["owner@alpha.test"] and alpha_path == "alpha, public"
    assert beta_emails == ["owner@beta.test"] and beta_path == "beta, public"


def test_transaction_mode_wraps_autocommit_statements_in_their_own_transaction(
    alpha, settings, django_db_blocker
):
    settings.TENANT_SEARCH_PATH_MODE = "transaction"
    seen = {}

    def autocommit_reads():
        from shared_apps.accounts.models import User

        with django_db_blocker.unblock():
            try:
                with tenant_context(alpha):
                    seen["emails"] = list(User.objects.values_list("email", flat=True))
                    seen["inside"] = current_search_path()
                # The SET was LOCAL: the session itself never left its default path.
                raw = connection.connection
                with raw.cursor() as cursor:
                    cursor.execute("SELECT current_setting('search_path')")
                    seen["session"] = cursor.fetchone()[0]
            finally:
                connections.close_all()

    thread = threading.Thread(target=autocommit_reads)
    thread.start()
    thread.join(timeout=30)
    assert seen["emails"] == ["owner@alpha.test"]
    assert seen["inside"] == "alpha, public"
    assert "alpha" not in seen["session"]
