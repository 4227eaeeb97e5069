"""Any change to an organization or a domain invalidates the routing caches, after commit."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tenants.models import Domain, Organization
from tenants.routing import bump_generation


@receiver([post_save, post_delete], sender=Organization)
@receiver([post_save, post_delete], sender=Domain)
def invalidate_routing(**kwargs) -> None:
    transaction.on_commit(bump_generation)
