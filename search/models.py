from datetime import datetime, time, timedelta
from functools import reduce
from operator import add, or_

from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from home.text import fold

from .terms import padded

# What a query word is worth where it occurs; typed with the page's own accents, as much again.
TITLE_WEIGHT = 8
LEAD_WEIGHT = 3
BODY_WEIGHT = 1


def visible_pages(home):
    """The live, public, unexpired pages of the site whose home page (in one language) is
    `home`. Read from the page tree at query time, so that a page that a view restriction makes
    private, or whose expiry passes, drops out at once."""
    return (
        Page.objects.live()
        .public()
        .descendant_of(home, inclusive=True)
        .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=timezone.now()))
    )


WORDS = ("title_words", "lead_words", "body_words")
FOLDED = ("title_folded", "lead_folded", "body_folded")


def _anywhere(padded_words, fields):
    return reduce(or_, (Q(**{f"{field}__contains": padded_words}) for field in fields))


class SearchEntryQuerySet(models.QuerySet):
    def visible_in(self, home):
        return self.filter(page__in=visible_pages(home))

    def matching(self, query):
        """Entries that contain every folded word of `query` (a `search.terms.Query`) as a whole
        word of their title, lead or body."""
        entries = self
        for term in query.folded:
            word = f" {term} "
            entries = entries.filter(
                Q(title_folded__contains=word) | Q(lead_folded__contains=word) | Q(body_folded__contains=word)
            )
        return entries

    def ranked(self, query):
        """Best first: the pages that hold the query's words together, as typed, then without
        accents; then those that hold more of the words typed with accents ("chợ" in an article's
        body before "cho" in a title); then the weights of the fields where each word occurs
        (title > lead > body): a word typed without accents in any spelling, a word typed with
        accents with those accents only ("hai", twelve, in a lead adds nothing to "hải"), and
        in the title and lead any word again as much where it occurs as typed; then newest
        first."""
        # Only the words typed with accents say which accents the visitor means: "hai" typed on a
        # phone means "Hải" as much as "hai".
        marked = [term for term in query.accented if fold(term) != term]
        together = Value(0)
        if len(query.folded) > 1:
            exact = [When(_anywhere(padded(query.accented), WORDS), then=Value(2))] if marked else []
            together = Case(*exact, When(_anywhere(padded(query.folded), FOLDED), then=Value(1)), default=Value(0))
        accents = reduce(
            add,
            (Case(When(_anywhere(f" {term} ", WORDS), then=Value(1)), default=Value(0)) for term in marked),
            Value(0),
        )
        typed_with_accents = {fold(term) for term in marked}
        plain = [term for term in query.folded if term not in typed_with_accents]
        weights = [
            (field, f" {term} ", weight)
            for terms, fields in (
                (
                    plain,
                    [("title_folded", TITLE_WEIGHT), ("lead_folded", LEAD_WEIGHT), ("body_folded", BODY_WEIGHT)],
                ),
                (marked, [("body_words", BODY_WEIGHT)]),
                (query.accented, [("title_words", TITLE_WEIGHT), ("lead_words", LEAD_WEIGHT)]),
            )
            for term in terms
            for field, weight in fields
        ]
        score = reduce(
            add,
            (
                Case(When(**{f"{field}__contains": word}, then=Value(weight)), default=Value(0))
                for field, word, weight in weights
            ),
            Value(0),
        )
        return self.annotate(together=together, accents=accents, score=score).order_by(
            "-together", "-accents", "-score", F("date").desc(nulls_last=True), "-page_id"
        )

    def in_category(self, category):
        return self.filter(page__path__startswith=category.path, page__depth__gt=category.depth)

    def between(self, first_day=None, last_day=None):
        """Entries dated from `first_day` to `last_day` inclusive, in the site's time zone."""
        entries = self
        if first_day:
            entries = entries.filter(date__gte=timezone.make_aware(datetime.combine(first_day, time.min)))
        if last_day:
            next_day = timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min))
            entries = entries.filter(date__lt=next_day)
        return entries


class SearchEntry(models.Model):
    """The public search index: one row per live page, with its text as readers see it, and its
    words folded (for matching) and as written (for ranking exact-accent matches first), each
    padded as `search.terms.padded` does. Kept current by the page signals (search/signals.py);
    `manage.py rebuild_public_search` rebuilds it."""

    page = models.OneToOneField(Page, on_delete=models.CASCADE, primary_key=True, related_name="search_entry")
    date = models.DateTimeField(null=True)
    lead = models.TextField(blank=True)
    body = models.TextField(blank=True)
    title_words = models.TextField(blank=True)
    lead_words = models.TextField(blank=True)
    body_words = models.TextField(blank=True)
    title_folded = models.TextField(blank=True)
    lead_folded = models.TextField(blank=True)
    body_folded = models.TextField(blank=True)

    objects = SearchEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self):
        return str(self.page)
