"""Changes to members and their API tokens (in the current tenant schema)."""

import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.template.loader import render_to_string
from django.utils import timezone

from core.errors import ApplicationError, Conflict
from shared_apps.accounts import services as accounts
from shared_apps.accounts.models import User
from shared_apps.billing import entitlements
from tenant_apps.console.audit import log_action
from tenant_apps.members.models import ROLE_RANK, ApiToken, Invitation, JoinPolicy, Member, Role
from tenants.context import current_organization, organization_url

MAX_ACTIVE_TOKENS = 20


def ensure_member(*, user, role: str = Role.MEMBER) -> Member:
    member, _ = Member.objects.get_or_create(user=user, defaults={"role": role})
    return member


def create_owner(*, email: str, password_hash: str, name: str = ""):
    """The first owner of a new site: a user of this schema with the owner role."""
    with transaction.atomic():
        user = accounts.create_account(
            email=email, password_hash=password_hash, name=name, is_staff=True, is_superuser=True
        )
        Member.objects.create(user=user, role=Role.OWNER)
    return user


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # shown to the user once, never stored


def create_api_token(*, user, name: str) -> IssuedToken:
    """A new personal token for `user`. Returns the key, which cannot be recovered later."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ["Name the token, e.g. after the script that uses it."]})
    if len(name) > 100:
        raise ValidationError({"name": ["Use at most 100 characters."]})
    with transaction.atomic():
        active = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
        if active.count() >= MAX_ACTIVE_TOKENS:
            raise ValidationError(
                {"name": [f"You have {MAX_ACTIVE_TOKENS} active tokens; revoke one first."]}
            )
        key = secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=user, name=name, prefix=key[:8], key_hash=hash_key(key)
        )
    return IssuedToken(token=token, key=key)


def revoke_api_token(*, user, token_id: int) -> ApiToken:
    """Revoke one of `user`'s own tokens. Idempotent."""
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise ValidationError({"token": ["No such token."]})
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


# --- The plan's member limit ------------------------------------------------------------------


def active_member_count() -> int:
    """Members who can log in: the number the plan's "members" limit counts."""
    return User.objects.filter(is_active=True, member__isnull=False).count()


def ensure_room_for_member(*, counting_invitations: bool = False) -> None:
    """Refuse (PaymentRequired, 402) one more member over the plan's limit. Invitations still
    pending count when a new one is sent, so that the invitations out cannot exceed the room
    left. Members already over the limit after a downgrade stay; only new ones are refused."""
    organization = current_organization()
    if organization is None:
        return
    current = active_member_count()
    if counting_invitations:
        current += Invitation.objects.filter(
            accepted_at__isnull=True, revoked_at__isnull=True
        ).count()
    entitlements.ensure_can_add(organization, "members", current=current)


# --- Members, roles and the last-owner rule --------------------------------------------------

LAST_OWNER = "A site must keep at least one active owner. Make someone else owner first."


def _lock_active_owners() -> list[int]:
    """Lock every active owner's member row (in pk order, so concurrent callers queue instead of
    deadlocking) and return their user ids. Two owners demoting each other at once: the second
    waits for the first to commit, then sees one owner left and is refused."""
    return list(
        Member.objects.select_for_update(of=("self",))
        .filter(role=Role.OWNER, user__is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _member_for_update(user_id: int) -> Member:
    member = Member.objects.select_for_update(of=("self",)).select_related("user")
    member = member.filter(pk=user_id).first()
    if member is None:
        raise ValidationError({"member": ["No such member."]})
    return member


def _ensure_may_manage(acting_user, member: Member) -> None:
    """Admins manage members up to admin; only owners touch owners."""
    acting = Member.objects.filter(pk=acting_user.pk).values_list("role", flat=True).first()
    if acting is None or ROLE_RANK[Role(acting)] < ROLE_RANK[Role.ADMIN]:
        raise ApplicationError("Only owners and admins manage members.", status_code=403)
    if member.role == Role.OWNER and acting != Role.OWNER:
        raise ApplicationError("Only an owner can change another owner.", status_code=403)


def change_member_role(*, acting_user, user_id: int, role: str) -> Member:
    """Give a member another role. Only owners grant or take away the owner role; the last
    active owner cannot be demoted."""
    if role not in Role.values:
        raise ValidationError({"role": [f"Choose one of: {', '.join(Role.values)}."]})
    with transaction.atomic():
        owners = _lock_active_owners()
        member = _member_for_update(user_id)
        _ensure_may_manage(acting_user, member)
        if role == Role.OWNER and not has_owner_role(acting_user):
            raise ApplicationError("Only an owner can make someone owner.", status_code=403)
        if member.role == role:
            return member
        if member.pk in owners and role != Role.OWNER and len(owners) <= 1:
            raise Conflict(LAST_OWNER)
        before = member.role
        member.role = role
        member.save(update_fields=["role"])
        log_action(
            acting_user=acting_user,
            action="member.role_changed",
            target=member.user,
            before={"role": before},
            after={"role": role},
        )
    return member


def has_owner_role(user) -> bool:
    return Member.objects.filter(pk=user.pk, role=Role.OWNER).exists()


def set_member_active(*, acting_user, user_id: int, is_active: bool) -> Member:
    """Deactivate (cannot log in, keeps their content) or reactivate a member."""
    with transaction.atomic():
        owners = _lock_active_owners()
        member = _member_for_update(user_id)
        _ensure_may_manage(acting_user, member)
        user = member.user
        if user.is_active == is_active:
            return member
        if not is_active and member.pk in owners and len(owners) <= 1:
            raise Conflict(LAST_OWNER)
        if not is_active and user.pk == acting_user.pk:
            raise ValidationError({"member": ["You cannot deactivate yourself."]})
        if is_active:
            ensure_room_for_member()  # the owners are locked above
        User.objects.filter(pk=user.pk).update(is_active=is_active)
        user.is_active = is_active
        log_action(
            acting_user=acting_user,
            action="member.activated" if is_active else "member.deactivated",
            target=user,
            before={"is_active": not is_active},
            after={"is_active": is_active},
        )
    return member


def remove_member(*, acting_user, user_id: int) -> None:
    """Remove a member and their account from this site for good."""
    with transaction.atomic():
        owners = _lock_active_owners()
        member = _member_for_update(user_id)
        _ensure_may_manage(acting_user, member)
        if member.pk in owners and len(owners) <= 1:
            raise Conflict(LAST_OWNER)
        if member.pk == acting_user.pk:
            raise ValidationError({"member": ["You cannot remove yourself."]})
        user = member.user
        log_action(
            acting_user=acting_user,
            action="member.removed",
            target=user,
            before={"email": user.email, "role": member.role},
            after=None,
        )
        try:
            with transaction.atomic():
                user.delete()
        except (ProtectedError, IntegrityError):
            raise Conflict(
                "This member's content cannot be removed with them; deactivate them instead."
            ) from None


# --- Invitations -------------------------------------------------------------------------------

INVITATION_SALT = "members.invitation"


def invitation_max_age() -> int:
    return int(getattr(settings, "MEMBER_INVITATION_MAX_AGE_DAYS", 7)) * 24 * 3600


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=INVITATION_SALT)


def invitation_for_token(token: str) -> Invitation | None:
    """The pending invitation this link is for, or None if the link is forged, expired,
    superseded by a resend, revoked or already used."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=invitation_max_age())
    except signing.BadSignature:
        return None
    invitation = Invitation.objects.filter(
        pk=data.get("i"), nonce=data.get("n"), accepted_at__isnull=True, revoked_at__isnull=True
    ).first()
    return invitation


def _send_invitation(invitation: Invitation) -> None:
    organization = current_organization()
    token = invitation_token(invitation)
    url = organization_url(organization, f"/members/invitations/{token}/")
    context = {"organization": organization, "invitation": invitation, "url": url}
    message = EmailMultiAlternatives(
        subject=f"You are invited to {organization.name}",
        body=render_to_string("members/email/invitation.txt", context),
        to=[invitation.email],
    )
    message.attach_alternative(
        render_to_string("members/email/invitation.html", context), "text/html"
    )
    transaction.on_commit(message.send)


def invite_member(*, acting_user, email: str, role: str = Role.MEMBER) -> Invitation:
    """Invite someone by email with a signed link that expires. Only owners invite owners."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": ["Enter a valid email address."]}) from None
    if role not in Role.values:
        raise ValidationError({"role": [f"Choose one of: {', '.join(Role.values)}."]})
    if role == Role.OWNER and not has_owner_role(acting_user):
        raise ValidationError({"role": ["Only an owner can invite an owner."]})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": ["That person is already a member of this site."]})
    with transaction.atomic():
        # Every site has an owner row: locking it makes two invitations at once queue, so they
        # cannot both take the last place.
        _lock_active_owners()
        ensure_room_for_member(counting_invitations=True)
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    email=email,
                    role=role,
                    nonce=secrets.token_hex(16),
                    invited_by=acting_user,
                    sent_at=timezone.now(),
                )
        except IntegrityError:
            raise ValidationError(
                {"email": ["That address already has a pending invitation; resend it instead."]}
            ) from None
        log_action(
            acting_user=acting_user,
            action="invitation.created",
            target=invitation,
            after={"email": email, "role": role},
        )
        _send_invitation(invitation)
    return invitation


def _pending_invitation_for_update(invitation_id: int) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update()
        .filter(pk=invitation_id, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if invitation is None:
        raise ValidationError({"invitation": ["No pending invitation with that id."]})
    return invitation


def resend_invitation(*, acting_user, invitation_id: int) -> Invitation:
    """Send a fresh link with a new expiry; earlier links stop working."""
    with transaction.atomic():
        invitation = _pending_invitation_for_update(invitation_id)
        invitation.nonce = secrets.token_hex(16)
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["nonce", "sent_at"])
        log_action(acting_user=acting_user, action="invitation.resent", target=invitation)
        _send_invitation(invitation)
    return invitation


def revoke_invitation(*, acting_user, invitation_id: int) -> Invitation:
    with transaction.atomic():
        invitation = _pending_invitation_for_update(invitation_id)
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        log_action(
            acting_user=acting_user,
            action="invitation.revoked",
            target=invitation,
            before={"status": "pending"},
            after={"status": "revoked"},
        )
    return invitation


def accept_invitation(*, user, token: str) -> Member:
    """The signed-in `user` (whose email matches) takes up the invitation and its role."""
    with transaction.atomic():
        invitation = invitation_for_token(token)
        if invitation is None:
            raise ValidationError({"token": ["This invitation link is invalid or has expired."]})
        invitation = _pending_invitation_for_update(invitation.pk)
        if invitation.email.lower() != user.email.lower():
            raise ValidationError(
                {
                    "token": [
                        f"This invitation is for {invitation.email}; sign in with that address."
                    ]
                }
            )
        if not Member.objects.filter(user=user).exists():
            _lock_active_owners()
            ensure_room_for_member()
        member, created = Member.objects.select_for_update().get_or_create(
            user=user, defaults={"role": invitation.role}
        )
        if not created and ROLE_RANK[Role(invitation.role)] > ROLE_RANK[Role(member.role)]:
            member.role = invitation.role
            member.save(update_fields=["role"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        log_action(
            acting_user=user,
            action="invitation.accepted",
            target=invitation,
            after={"role": member.role},
        )
    return member


# --- Join policy -------------------------------------------------------------------------------


def join_policy() -> JoinPolicy:
    return JoinPolicy.objects.filter(pk=1).first() or JoinPolicy(pk=1)


def _clean_domain(value: str) -> str:
    domain = value.strip().lower().lstrip("@")
    labels = domain.split(".")
    if len(labels) < 2 or not all(
        label and len(label) <= 63 and label.replace("-", "").isalnum() for label in labels
    ):
        raise ValidationError({"allowed_domains": [f"“{value.strip()}” is not a domain name."]})
    return domain


def set_join_policy(*, acting_user, mode: str, allowed_domains: list[str]) -> JoinPolicy:
    """Open signup, invitation only, or signup limited to email domains (at least one)."""
    if mode not in JoinPolicy.Mode.values:
        raise ValidationError({"mode": [f"Choose one of: {', '.join(JoinPolicy.Mode.values)}."]})
    domains = sorted({_clean_domain(d) for d in allowed_domains if d.strip()})
    if mode == JoinPolicy.Mode.DOMAINS and not domains:
        raise ValidationError({"allowed_domains": ["List at least one email domain."]})
    with transaction.atomic():
        policy = JoinPolicy.objects.select_for_update().filter(pk=1).first() or JoinPolicy(pk=1)
        before = {"mode": policy.mode, "allowed_domains": policy.allowed_domains}
        policy.mode = mode
        policy.allowed_domains = domains
        policy.save()
        log_action(
            acting_user=acting_user,
            action="join_policy.changed",
            target="join policy",
            before=before,
            after={"mode": mode, "allowed_domains": domains},
        )
    return policy
