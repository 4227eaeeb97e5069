"""The audit log's one door: every console service, and apps' moderation services, call
`log_action` inside their own transaction so the trace commits (or rolls back) with the change."""

from django.db import models

from tenant_apps.console.models import AuditEntry


def _json_safe(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_json_safe(v) for v in value]
    return str(value)


def log_action(*, acting_user, action: str, target=None, before=None, after=None) -> AuditEntry:
    """Record that `acting_user` did `action` (e.g. "member.role_changed") to `target` (a model
    instance, a string, or None), with JSON-able dicts of the state `before` and `after`."""
    if isinstance(target, models.Model):
        target_type = target._meta.label_lower
        target_id = str(target.pk)
        target_label = str(target)[:200]
    else:
        target_type, target_id, target_label = "", "", ("" if target is None else str(target))[:200]
    user = acting_user if acting_user is not None and acting_user.is_authenticated else None
    return AuditEntry.objects.create(
        acting_user=user,
        actor_email=getattr(user, "email", "") or "",
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        before=_json_safe(before),
        after=_json_safe(after),
    )
