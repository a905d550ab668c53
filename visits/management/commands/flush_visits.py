from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from visits import buffer


class Command(BaseCommand):
    help = (
        "Move the visit and page view counts buffered in Redis into the database. Run it every "
        'minute (cron or a systemd timer) when VISITS_BUFFER is "redis"; requests also flush when '
        "a minute has passed without a flush."
    )

    def handle(self, *args, **options):
        # Flushes whenever Redis is configured, so that counts buffered before the buffer was
        # switched off still reach the database.
        if not settings.REDIS_URL:
            raise CommandError("REDIS_URL is not set: there is no buffer to flush.")
        applied = buffer.flush()
        if applied is None:
            self.stdout.write("Another process is flushing; nothing to do.")
        else:
            self.stdout.write(f"Flushed {applied} batch(es) of counts into the database.")
