from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import GroupPagePermission, Page

from editorial.roles import ROLES, grant_tree, sync_groups


class Command(BaseCommand):
    help = (
        "Bring the editorial groups up to date with editorial/roles.py: their permissions on models, "
        "media and pages, and the approval workflow on the default language's page trees. "
        "Idempotent; it only adds, and leaves alone a page tree on which the roles have no permission "
        "left. Run it after `migrate` on every deployment."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        missing = sync_groups(apps)
        if missing:
            raise CommandError(f"Unknown permissions in editorial/roles.py: {', '.join(sorted(missing))}")
        role_groups = [role.group for role in ROLES]
        for top in Page.objects.filter(depth=2):
            # A tree an administrator took from the roles (another agency's site, given to its own
            # groups) stays as they left it.
            granted = GroupPagePermission.objects.filter(page=top)
            if not granted.exists() or granted.filter(group__name__in=role_groups).exists():
                grant_tree(top)
        if options["verbosity"]:
            self.stdout.write(f"Roles up to date: {', '.join(role.group for role in ROLES)}.")
