"""Platform staff (and beat, through tenant_apps.console.tasks.purge_expired_deletions)."""

from django.core.management.base import BaseCommand

from tenants import lifecycle


class Command(BaseCommand):
    help = "Remove for good the deleted organizations whose grace period has ended."

    def handle(self, *args, **options):
        removed = lifecycle.purge_expired_deletions()
        self.stdout.write(f"Removed {len(removed)}: {', '.join(removed) or 'none'}")
