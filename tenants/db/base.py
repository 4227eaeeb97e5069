"""The database backend of the platform: django-tenants' PostgreSQL backend, made cheaper and
safe behind a transaction-pooling connection pooler.

Two modes, chosen by settings.TENANT_SEARCH_PATH_MODE:

- "session" (default, for direct connections and session pooling): `SET search_path` once when
  the connection's schema changes, as django-tenants does with TENANT_LIMIT_SET_CALLS, but
  pointing the connection at the schema it is already on costs nothing: no new SET, and the
  ContentType cache is kept. The SET does not cost a round trip of its own either: it is sent
  in front of the next statement, in the same query (`SET search_path = ...; SELECT ...`).
  On a busy machine every round trip waits for a CPU twice (client and server), so a request
  that changes tenant paid nearly double for its one query before.
- "transaction" (for PgBouncer in transaction pooling mode, where consecutive transactions of
  one Django connection may run on different server connections, so no session state can be
  trusted): the first statement of every transaction is preceded by `SET LOCAL search_path`,
  and a statement run in autocommit mode is wrapped in its own transaction that sets it. The
  schema therefore holds inside every transaction and ends with it.
"""

import psycopg
from django.conf import settings
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from django_tenants.utils import get_limit_set_calls, quote_schema_name
from psycopg.pq import TransactionStatus

TRANSACTION_MODE = "transaction"
# Statements that may share a query with the SET in front of them. Others (DDL, VACUUM, CREATE
# INDEX CONCURRENTLY: some refuse to run in a multi-statement query) get the SET on its own.
_SHAREABLE = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")


def search_path_mode() -> str:
    return getattr(settings, "TENANT_SEARCH_PATH_MODE", "session")


class DatabaseWrapper(TenantDatabaseWrapper):
    # The SET LOCAL issued in the current transaction (transaction mode only).
    _transaction_search_path: str | None = None
    # Session mode: the `SET search_path` not sent yet; it goes in front of the next statement.
    _pending_search_path: str | None = None

    def set_tenant(self, tenant, include_public=True):
        unchanged = (
            self.schema_name == tenant.schema_name and self.include_public_schema == include_public
        )
        if not unchanged:
            self._pending_search_path = None
            super().set_tenant(tenant, include_public)
            return
        # Same search path: keep the one already issued and the ContentType cache filled for
        # this schema; only the tenant object (its fields may be fresher) is replaced.
        self.tenant = tenant
        self.set_settings_schema(self.schema_name)

    def close(self):
        self._pending_search_path = None
        super().close()

    def rollback(self):
        self._pending_search_path = None  # recomputed by the next cursor
        super().rollback()

    def savepoint_rollback(self, sid):
        self._pending_search_path = None
        super().savepoint_rollback(sid)

    def _handle_search_path(self, cursor=None):
        """Called for every new cursor. In session mode an unnamed cursor gets the SET to send
        in front of its first statement (PendingSearchPathCursor); a named (server-side)
        cursor, whose one statement cannot carry it, gets it sent first on its own."""
        if search_path_mode() == TRANSACTION_MODE:
            return  # set per transaction by the cursor (TransactionSearchPathCursor)
        if cursor is None or not self._can_send_search_path_with_statement():
            self.send_pending_search_path()
            super()._handle_search_path(cursor)
            return
        if self._pending_search_path is None:
            already_set = get_limit_set_calls() and self.search_path_set_schemas
            if self._setting_search_path or already_set:
                return  # already set on the session
            if not self.schema_name:
                super()._handle_search_path(cursor)  # raises ImproperlyConfigured
                return
            paths = self._get_cursor_search_paths()  # validated there
            self._pending_search_path = "SET search_path = " + ",".join(
                quote_schema_name(p) for p in paths
            )
            self.search_path_set_schemas = paths  # as good as set: every cursor sends it first
        # `cursor` is Django's CursorWrapper; its driver cursor gets the SET in front.
        cursor.cursor = PendingSearchPathCursor(self, cursor.cursor)

    def _can_send_search_path_with_statement(self) -> bool:
        # Several statements in one query need client-side binding (Django's default), which
        # sends the parameters inside the query text.
        return self.settings_dict["OPTIONS"].get("server_side_binding") is not True

    def send_pending_search_path(self) -> None:
        """Send the waiting SET (if any) on its own, for a statement that cannot carry it."""
        statement, self._pending_search_path = self._pending_search_path, None
        if statement is None:
            return
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(statement)
        except psycopg.Error:
            # A failed transaction (the statement after it fails too, then rolls back): as
            # django-tenants does, forget the path so that it is set again afterwards.
            self.search_path_set_schemas = None

    def take_pending_search_path(self) -> str | None:
        statement, self._pending_search_path = self._pending_search_path, None
        return statement

    def create_cursor(self, name=None):
        cursor = super().create_cursor(name)
        if search_path_mode() == TRANSACTION_MODE:
            return TransactionSearchPathCursor(self, cursor)
        return cursor

    def search_path_statement(self) -> str:
        paths = self._get_cursor_search_paths()  # validated there
        return "SET LOCAL search_path = " + ",".join(quote_schema_name(p) for p in paths)


class _CursorProxy:
    """A psycopg cursor seen through: everything but what a subclass overrides goes to it."""

    def __init__(self, wrapper: DatabaseWrapper, cursor) -> None:
        self._wrapper = wrapper
        self._cursor = cursor

    def __getattr__(self, name):
        return getattr(self._cursor, name)

    def __iter__(self):
        return iter(self._cursor)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._cursor.close()


class PendingSearchPathCursor(_CursorProxy):
    """A psycopg cursor that sends its connection's waiting `SET search_path` in the same query
    as the next statement, then moves to that statement's result, so that the caller sees only
    its own statement's result (rows, rowcount, description)."""

    def execute(self, query, params=None, *args, **kwargs):
        if self._wrapper._pending_search_path is None:  # sent already, by this or another cursor
            return self._cursor.execute(query, params, *args, **kwargs)
        if not (isinstance(query, str) and query.lstrip()[:6].upper().startswith(_SHAREABLE)):
            self._wrapper.send_pending_search_path()
            return self._cursor.execute(query, params, *args, **kwargs)
        statement = self._wrapper.take_pending_search_path()
        try:
            self._cursor.execute(f"{statement}; {query}", params, *args, **kwargs)
        except Exception:
            # The SET ran in the same transaction as the failed statement (the implicit one of
            # the query in autocommit mode, or the caller's): it is rolled back with it.
            self._wrapper.search_path_set_schemas = None
            raise
        self._cursor.nextset()  # from the SET's result to the statement's
        return self

    def executemany(self, *args, **kwargs):
        self._wrapper.send_pending_search_path()
        return self._cursor.executemany(*args, **kwargs)


class TransactionSearchPathCursor(_CursorProxy):
    """A psycopg cursor whose every statement runs in a transaction that set the search path."""

    def _run(self, method, args, kwargs):
        raw = self._wrapper.connection
        statement = self._wrapper.search_path_statement()
        if raw.autocommit:
            with raw.transaction():
                self._cursor.execute(statement)
                return method(*args, **kwargs)
        status = raw.info.transaction_status
        if status == TransactionStatus.IDLE or self._wrapper._transaction_search_path != statement:
            # First statement of this transaction (it opens it), or the schema changed inside
            # it: set the path for the rest of the transaction.
            self._cursor.execute(statement)
            self._wrapper._transaction_search_path = statement
        return method(*args, **kwargs)

    def execute(self, *args, **kwargs):
        return self._run(self._cursor.execute, args, kwargs)

    def executemany(self, *args, **kwargs):
        return self._run(self._cursor.executemany, args, kwargs)
