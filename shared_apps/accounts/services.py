"""Changes to accounts, in whichever schema the connection points at."""

import hashlib
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from shared_apps.accounts.models import LoginHandoff, User

HANDOFF_SALT = "accounts.login-handoff"


def create_account(
    *,
    email: str,
    password: str | None = None,
    password_hash: str | None = None,
    name: str = "",
    verified: bool = False,
    **extra,
) -> User:
    """A user in the current schema with a primary EmailAddress (allauth), in one transaction."""
    with transaction.atomic():
        user = User.objects.create_user(email=email, password=password, name=name, **extra)
        if password_hash is not None:
            user.password = password_hash
            user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
    return user


def find_account(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_login_handoff(*, user: User) -> str:
    """A signed one-time token for `user` in the current schema, valid LOGIN_HANDOFF_MAX_AGE s."""
    raw = secrets.token_urlsafe(32)
    LoginHandoff.objects.create(
        user=user,
        token_hash=_hash(raw),
        expires_at=timezone.now() + timedelta(seconds=settings.LOGIN_HANDOFF_MAX_AGE),
    )
    return signing.TimestampSigner(salt=HANDOFF_SALT).sign(raw)


def redeem_login_handoff(*, token: str) -> User | None:
    """The user the token was made for, if it is genuine, unexpired and not used yet; it can be
    redeemed once (a conditional update, so two racing redemptions cannot both succeed)."""
    try:
        raw = signing.TimestampSigner(salt=HANDOFF_SALT).unsign(
            token, max_age=settings.LOGIN_HANDOFF_MAX_AGE
        )
    except signing.BadSignature:
        return None
    now = timezone.now()
    handoffs = LoginHandoff.objects.filter(
        token_hash=_hash(raw), used_at__isnull=True, expires_at__gt=now
    )
    with transaction.atomic():
        handoff = handoffs.select_for_update().select_related("user").first()
        if handoff is None or not handoffs.filter(pk=handoff.pk).update(used_at=now):
            return None
    return handoff.user if handoff.user.is_active else None


def purge_expired_login_handoffs() -> int:
    deleted, _ = LoginHandoff.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
