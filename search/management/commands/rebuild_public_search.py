from django.core.management.base import BaseCommand

from search.index import rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the public search index (the site search at /vi/tim-kiem/) from the live pages, "
        "writing only what differs. Publishing and unpublishing keep it current; run this after "
        "restoring data by other means or changing what is indexed."
    )

    def handle(self, *args, **options):
        added, updated, removed = rebuild()
        self.stdout.write(f"Public search index: {added} added, {updated} updated, {removed} removed.")
