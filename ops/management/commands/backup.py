from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ops.backups import BackupError, create_backup


class Command(BaseCommand):
    help = "Write one consistent archive (.tar.gz) of the database content and the media, with a checksummed manifest."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="Where to write the archive (default: portal-<time>.tar.gz).")

    def handle(self, *args, path=None, **options):
        path = path or f"portal-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"
        try:
            manifest = create_backup(path, warn=self.warn)
        except BackupError as error:
            raise CommandError(" ".join(str(error).split())) from error  # one line: a database's may have several
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path}: {len(manifest['members'])} files."))

    def warn(self, message):
        self.stderr.write(message, style_func=self.style.WARNING)
