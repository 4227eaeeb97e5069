"""The schema of each request: set once per change, never redundantly, and (in the transaction
mode used behind PgBouncer) set inside every transaction instead of on the session."""

import threading

import pytest
from django.db import DataError, connection, connections, transaction
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


def test_switching_tenant_sends_the_new_search_path_with_the_next_statement(alpha, beta):
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
    # No round trip of its own: the SET went in the same query as the first statement.
    assert search_path_statements(queries) == [
        'SET search_path = "beta","public"; SELECT current_schema()'
    ]


def current_schema() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return cursor.fetchone()[0]


def test_a_failed_statement_takes_its_search_path_with_it_and_the_next_sets_it_again(alpha, beta):
    with tenant_context(alpha):
        assert current_schema() == "alpha"
        with tenant_context(beta):
            with pytest.raises(DataError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT 1 / 0")  # carries the SET; both rolled back
            assert current_schema() == "beta"
        assert current_schema() == "alpha"


def test_a_statement_that_cannot_share_a_query_gets_the_search_path_first(alpha, beta):
    assert current_schema() == "public"
    with tenant_context(beta), connection.cursor() as cursor:
        cursor.execute("CREATE TABLE search_path_probe (id int)")  # DDL: sent on its own
    with connection.cursor() as cursor:
        cursor.execute("SELECT schemaname FROM pg_tables WHERE tablename = 'search_path_probe'")
        assert [row[0] for row in cursor.fetchall()] == ["beta"]


def test_a_server_side_cursor_after_a_switch_reads_the_new_tenant(alpha, beta):
    from shared_apps.accounts.models import User

    with tenant_context(alpha):
        assert current_schema() == "alpha"
    with transaction.atomic(), tenant_context(beta):
        # .iterator() inside a transaction: a named cursor, which cannot carry the SET.
        emails = [user.email for user in User.objects.iterator(chunk_size=10)]
    assert emails == ["owner@beta.test"]


def test_a_cursor_opened_before_the_statement_of_another_still_sends_the_path(alpha, beta):
    with tenant_context(beta):
        first, second = connection.cursor(), connection.cursor()
        first.close()  # opened while the SET was waiting, never used
        second.execute("SELECT current_schema()")
        assert second.fetchone()[0] == "beta"
        second.close()


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


def test_in_autocommit_a_failed_statement_does_not_leave_the_path_believed_set(
    alpha, beta, django_db_blocker
):
    seen = {}

    def autocommit_statements():
        with django_db_blocker.unblock():
            try:
                with tenant_context(alpha):
                    seen["before"] = current_schema()
                with tenant_context(beta):
                    try:
                        with connection.cursor() as cursor:
                            # Its own implicit transaction with the SET in front: both undone.
                            cursor.execute("SELECT 1 / 0")
                    except DataError:
                        seen["failed"] = True
                    seen["after"] = current_schema()
            finally:
                connections.close_all()

    thread = threading.Thread(target=autocommit_statements)
    thread.start()
    thread.join(timeout=30)
    assert seen == {"before": "alpha", "failed": True, "after": "beta"}
