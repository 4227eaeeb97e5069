"""Cache keys that carry the current schema, so tenants never share an entry."""

from django.db import connection


def make_key(key: str, key_prefix: str, version: int) -> str:
    # The schema comes first: "acme:c:1:key". Public-schema code gets "public:...".
    return f"{connection.schema_name}:{key_prefix}:{version}:{key}"
