"""Entries in a language with a Snowball stemmer (English) match by stems from now on: their
folded words are worked out again, from the page's title and the entry's own text."""

from django.db import migrations

from search.terms import index_words, padded

BATCH = 500


def stem_words(apps, schema_editor):
    SearchEntry = apps.get_model("search", "SearchEntry")
    keys = list(SearchEntry.objects.order_by("pk").values_list("pk", flat=True))
    fields = ["title_folded", "lead_folded", "body_folded"]
    for start in range(0, len(keys), BATCH):
        entries = SearchEntry.objects.filter(pk__in=keys[start : start + BATCH]).select_related("page__locale")
        changed = []
        for entry in entries.only("lead", "body", *fields, "page__title", "page__locale__language_code"):
            language = entry.page.locale.language_code
            values = [padded(index_words(text, language)) for text in (entry.page.title, entry.lead, entry.body)]
            if values != [getattr(entry, field) for field in fields]:
                for field, value in zip(fields, values, strict=True):
                    setattr(entry, field, value)
                changed.append(entry)
        SearchEntry.objects.bulk_update(changed, fields)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_body_words"),
    ]

    operations = [
        migrations.RunPython(stem_words, migrations.RunPython.noop),
    ]
