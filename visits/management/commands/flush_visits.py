from django.core.management.base import BaseCommand

from visits import buffer


class Command(BaseCommand):
    help = (
        "Count the visits and page views of the sightings buffered in Redis or in this server's "
        "spool files (VISITS_BUFFER), into the database. Under gunicorn a process of its own does it "
        "(VISITS_FLUSHER_SECONDS); under another server, run it every minute (cron or a systemd timer). "
        "Requests also flush when a minute has passed without a flush."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="Also take the spool files still being written: only once the servers have stopped.",
        )

    def handle(self, *args, **options):
        applied = buffer.flush(everything=options["all"])
        if applied is None:
            self.stdout.write("Another process is flushing; nothing to do.")
        else:
            self.stdout.write(f"Flushed {applied} batch(es) of sightings into the database.")
