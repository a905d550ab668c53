from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import Page

from editorial.roles import ROLES, grant_tree, sync_groups


class Command(BaseCommand):
    help = (
        "Bring the editorial groups up to date with editorial/roles.py: their permissions on models, "
        "media and pages, and the approval workflow on the default language's page trees. "
        "The agencies' own staff (give_own_staff) get the same on their agency's trees. Idempotent; it only "
        "adds, and leaves alone a page tree on which the roles have no permission left. Run it after "
        "`migrate` on every deployment."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        missing = sync_groups(apps)
        if missing:
            raise CommandError(f"Unknown permissions in editorial/roles.py: {', '.join(sorted(missing))}")
        # A tree an administrator took from the roles by hand stays as they left it.
        for top in Page.objects.filter(depth=2):
            grant_tree(top)
        if options["verbosity"]:
            self.stdout.write(f"Roles up to date: {', '.join(role.group for role in ROLES)}.")
