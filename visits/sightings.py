"""Sightings: a visitor seen on a page at a moment, and the rule that turns them into counts.

A request only records a sighting (counting.record); `apply` decides what it counts, in the
database, where it remembers the last sighting of each visitor on each site and on each page
(Sighting rows). Through a buffer (buffer.py) the sightings are applied in batches, off the
request path, in the order they happened.

Applying a sighting twice counts it once: the second finds the first's row, at the same moment,
within the window. So a sighting that reached Redis and was also applied in the database when
Redis did not answer needs no reconciling.
"""

from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Site

from .models import DailyCount, Sighting

WINDOW = timedelta(minutes=30)
# Keys per query: few enough parameters for any SQLite.
CHUNK = 500
# Serialises `apply` on PostgreSQL (SQLite's IMMEDIATE transactions already do): two requests of
# one visitor applied at once must not both find no sighting.
LOCK_ID = 0x76697369  # "visi"


class Seen(NamedTuple):
    at: datetime
    site_id: int
    day: date  # the agency's local day, the day of the salt the visitor was hashed with
    visitor: str
    page_key: str

    def line(self):
        """One line of text (without the newline) that `parse` reads back."""
        return f"{self.at.timestamp():.6f}\t{self.site_id}\t{self.day.isoformat()}\t{self.visitor}\t{self.page_key}"

    @classmethod
    def parse(cls, line):
        """The sighting of `line`; ValueError when the line is not a whole one."""
        at, site_id, day, visitor, page_key = line.split("\t")
        if not (visitor and page_key):
            raise ValueError(f"an incomplete line: {line!r}")
        return cls(datetime.fromtimestamp(float(at), tz=UTC), int(site_id), date.fromisoformat(day), visitor, page_key)

    def windows(self):
        """The Sighting keys and the counters of this sighting: the visit's, then the view's."""
        return [
            (f"{self.site_id}:{self.visitor}", DailyCount.Kind.VISIT, ""),
            (f"{self.site_id}:{self.page_key}:{self.visitor}", DailyCount.Kind.VIEW, self.page_key),
        ]


def apply(sightings):
    """Count the visits and page views of `sightings`, in one transaction: a visit, or a view of
    a page, counts when the visitor was not seen (on the site, or on the page in any language)
    within WINDOW of it. Sightings of sites deleted since are dropped."""
    sites = set(Site.objects.filter(pk__in={seen.site_id for seen in sightings}).values_list("pk", flat=True))
    sightings = sorted(seen for seen in sightings if seen.site_id in sites)
    if not sightings:
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_ID])
        keys = list({key for seen in sightings for key, _kind, _counter in seen.windows()})
        last = {}
        for chunk in _chunks(keys, CHUNK):
            last.update(Sighting.objects.filter(key__in=chunk).values_list("key", "seen_at"))
        counts, changed = {}, {}
        for seen in sightings:
            for key, kind, counter in seen.windows():
                previous = last.get(key)
                if previous is None or abs(seen.at - previous) >= WINDOW:
                    counter_key = (seen.site_id, seen.day, kind, counter)
                    counts[counter_key] = counts.get(counter_key, 0) + 1
                if previous is None or seen.at > previous:
                    last[key] = changed[key] = seen.at
        _save(changed)
        # Rows older than the window can count nothing any more, unless a late batch brings older
        # sightings: keep what those still need.
        _forget(before=min(timezone.now(), sightings[0].at) - WINDOW)
        for (site_id, day, kind, counter), by in counts.items():
            DailyCount.objects.increment(site_id, day, kind, counter, by)


# Sighting rows are written in SQL: bulk_create prepares each value through its field, and a
# QuerySet.delete() loads every row to send post_delete (which ops.signals listens to for all
# models); either costs several times the statement itself.


def _save(last_seen):
    """Insert or update Sighting rows, {key: seen_at}, CHUNK // 2 rows to a statement: a statement
    a row cost PostgreSQL twice the processor time for a flush (and SQLite a third more)."""
    table, key, seen_at = _names()
    # A sighting's two rows share its moment: adapt each moment once.
    values = {at: connection.ops.adapt_datetimefield_value(at) for at in set(last_seen.values())}
    with connection.cursor() as cursor:
        for chunk in _chunks(list(last_seen.items()), CHUNK // 2):
            cursor.execute(
                f"INSERT INTO {table} ({key}, {seen_at}) VALUES {', '.join(['(%s, %s)'] * len(chunk))} "
                f"ON CONFLICT ({key}) DO UPDATE SET {seen_at} = excluded.{seen_at}",
                [value for row_key, at in chunk for value in (row_key, values[at])],
            )


def _chunks(items, size):
    return (items[start : start + size] for start in range(0, len(items), size))


def _forget(before):
    table, _key, seen_at = _names()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {seen_at} < %s", [connection.ops.adapt_datetimefield_value(before)])


def _names():
    return [connection.ops.quote_name(name) for name in (Sighting._meta.db_table, "key", "seen_at")]
