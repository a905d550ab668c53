"""Entries in a language with a Snowball stemmer (English) match by stems from now on: their
folded words are worked out again, from the page's title and the entry's own text."""

from django.db import migrations

from search.terms import index_words, padded

from ._rewrite import rewrite_entries


def stem_words(apps, schema_editor):
    rewrite_entries(
        apps,
        ["title_folded", "lead_folded", "body_folded"],
        lambda entry: [
            padded(index_words(text, entry.page.locale.language_code))
            for text in (entry.page.title, entry.lead, entry.body)
        ],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_body_words"),
    ]

    operations = [
        migrations.RunPython(stem_words, migrations.RunPython.noop),
    ]
