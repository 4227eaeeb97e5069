"""The database backend of the platform: django-tenants' PostgreSQL backend, made cheaper and
safe behind a transaction-pooling connection pooler.

Two modes, chosen by settings.TENANT_SEARCH_PATH_MODE:

- "session" (default, for direct connections and session pooling): `SET search_path` once when
  the connection's schema changes, as django-tenants does with TENANT_LIMIT_SET_CALLS, but
  pointing the connection at the schema it is already on costs nothing: no new SET, and the
  ContentType cache is kept.
- "transaction" (for PgBouncer in transaction pooling mode, where consecutive transactions of
  one Django connection may run on different server connections, so no session state can be
  trusted): the first statement of every transaction is preceded by `SET LOCAL search_path`,
  and a statement run in autocommit mode is wrapped in its own transaction that sets it. The
  schema therefore holds inside every transaction and ends with it.
"""

from django.conf import settings
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from django_tenants.utils import quote_schema_name
from psycopg.pq import TransactionStatus

TRANSACTION_MODE = "transaction"


def search_path_mode() -> str:
    return getattr(settings, "TENANT_SEARCH_PATH_MODE", "session")


class DatabaseWrapper(TenantDatabaseWrapper):
    # The SET LOCAL issued in the current transaction (transaction mode only).
    _transaction_search_path: str | None = None

    def set_tenant(self, tenant, include_public=True):
        unchanged = (
            self.schema_name == tenant.schema_name and self.include_public_schema == include_public
        )
        if not unchanged:
            super().set_tenant(tenant, include_public)
            return
        # Same search path: keep the one already issued and the ContentType cache filled for
        # this schema; only the tenant object (its fields may be fresher) is replaced.
        self.tenant = tenant
        self.set_settings_schema(self.schema_name)

    def _handle_search_path(self, cursor=None):
        if search_path_mode() == TRANSACTION_MODE:
            return  # set per transaction by the cursor (TransactionSearchPathCursor)
        super()._handle_search_path(cursor)

    def create_cursor(self, name=None):
        cursor = super().create_cursor(name)
        if search_path_mode() == TRANSACTION_MODE:
            return TransactionSearchPathCursor(self, cursor)
        return cursor

    def search_path_statement(self) -> str:
        paths = self._get_cursor_search_paths()  # validated there
        return "SET LOCAL search_path = " + ",".join(quote_schema_name(p) for p in paths)


class TransactionSearchPathCursor:
    """A psycopg cursor whose every statement runs in a transaction that set the search path."""

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
