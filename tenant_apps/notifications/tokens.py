"""Signed one-click unsubscribe tokens. A token names the user, the kind and the tenant schema
it was issued in, so it only works on the site that sent the email."""

from django.core import signing
from django.db import connection

SALT = "notifications.unsubscribe"
MAX_AGE = 60 * 60 * 24 * 365  # a year: old emails keep working for a while


def make_unsubscribe_token(*, user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind, "s": connection.schema_name}, salt=SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user_id, kind) if the token is genuine, unexpired and was issued on this tenant."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("s") != connection.schema_name:
        return None
    user_id, kind = data.get("u"), data.get("k")
    if not isinstance(user_id, int) or not isinstance(kind, str):
        return None
    return user_id, kind
