"""Every log record names the tenant whose request or task produced it."""

import logging

from django.db import connection


class TenantContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.tenant = connection.schema_name or "-"
        except Exception:  # logging must never fail, even before the database is configured
            record.tenant = "-"
        return True
