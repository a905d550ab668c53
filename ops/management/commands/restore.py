from django.core.management.base import BaseCommand, CommandError

from ops.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Rebuild a site from an archive written by `backup`: checks every checksum, then replaces "
        "the database content and the media. Run `migrate` first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--no-input", action="store_false", dest="interactive")

    def handle(self, *args, path, interactive=True, **options):
        if interactive:
            try:
                answer = input("This replaces all content of this site. Type 'yes' to go on: ")
            except EOFError:  # no terminal: from a script or cron
                raise CommandError("Restore cancelled: nobody confirmed it. Use --no-input in a script.") from None
            if answer != "yes":
                raise CommandError("Restore cancelled.")
        try:
            count = restore_backup(path, warn=self.warn)
        except (BackupError, OSError) as error:
            raise CommandError(" ".join(str(error).split())) from error  # one line: a database's may have several
        self.stdout.write(self.style.SUCCESS(f"Restored {count} files from {path}."))

    def warn(self, message):
        self.stderr.write(message, style_func=self.style.WARNING)
