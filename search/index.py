"""Filling the public search index from the pages (see `SearchEntry`)."""

from django.db import transaction
from django.utils import translation
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Page

from home.models import HomePage
from news.models import NewsArticlePage, NewsIndexPage

from .models import SearchEntry
from .terms import accented_words, index_words, padded

# The field each page type shows under its title; other page types offer their search
# description instead.
LEAD_FIELDS = {NewsArticlePage: "lead", NewsIndexPage: "intro", HomePage: "lead"}


def page_lead(page):
    field = next((name for model, name in LEAD_FIELDS.items() if isinstance(page, model)), "search_description")
    return getattr(page, field) or ""


def page_body(page):
    """The text of the page's StreamFields and rich text fields: every block's searchable
    content (paragraphs, headings, quotes, captions, image alternative texts, table cells...), in
    the page's language."""
    chunks = []
    with translation.override(page.locale.language_code):
        for field in page._meta.concrete_fields:
            if isinstance(field, (StreamField, RichTextField)):
                chunks += field.get_searchable_content(field.value_from_object(page))
    return "\n".join(chunk.strip() for chunk in chunks if chunk and chunk.strip())


def page_date(page):
    """Articles carry their publication date (editors back-date them). Other pages (the home
    page, categories) are no news: they have no date to show, and a date range leaves them out."""
    return getattr(page, "publication_date", None)


def entry_values(page):
    """The index row of `page` (a specific page), as a dict of SearchEntry fields."""
    lead, body = page_lead(page), page_body(page)
    language = page.locale.language_code
    return {
        "date": page_date(page),
        "lead": lead,
        "body": body,
        "title_words": padded(accented_words(page.title)),
        "lead_words": padded(accented_words(lead)),
        "body_words": padded(accented_words(body)),
        "title_folded": padded(index_words(page.title, language)),
        "lead_folded": padded(index_words(lead, language)),
        "body_folded": padded(index_words(body, language)),
    }


def index_page(page):
    page = page.specific
    if page.live:
        SearchEntry.objects.update_or_create(page=page, defaults=entry_values(page))
    else:
        unindex_page(page)


def unindex_page(page):
    SearchEntry.objects.filter(page_id=page.pk).delete()


@transaction.atomic
def rebuild(batch_size=200):
    """Make the index match the live pages, writing only the rows that differ (so that a second
    run writes nothing). Returns the numbers of rows added, updated and removed."""
    fields = [field.name for field in SearchEntry._meta.concrete_fields if not field.primary_key]
    added = updated = 0
    page_ids = list(Page.objects.live().exclude(depth=1).order_by("pk").values_list("pk", flat=True))
    locales = Locale.objects.in_bulk()
    for offset in range(0, len(page_ids), batch_size):
        batch = page_ids[offset : offset + batch_size]
        existing = SearchEntry.objects.in_bulk(batch)
        new, changed = [], []
        for page in Page.objects.filter(pk__in=batch).specific():
            page.locale = locales[page.locale_id]  # page_body reads the page in its language
            values = entry_values(page)
            entry = existing.get(page.pk)
            if entry is None:
                new.append(SearchEntry(page_id=page.pk, **values))
            elif any(getattr(entry, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(entry, name, value)
                changed.append(entry)
        SearchEntry.objects.bulk_create(new)
        SearchEntry.objects.bulk_update(changed, fields)
        added, updated = added + len(new), updated + len(changed)
    removed, _by_model = SearchEntry.objects.exclude(page__live=True).delete()
    return added, updated, removed
