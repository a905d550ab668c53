"""Words as written are compared with the tone mark of an open oa, oe or uy on its first vowel
(search.terms.accented_words): the entries' are written again so."""

from django.db import migrations

from search.terms import accented_words, padded

from ._rewrite import rewrite_entries


def place_tones(apps, schema_editor):
    rewrite_entries(
        apps,
        ["title_words", "lead_words", "body_words"],
        lambda entry: [padded(accented_words(text)) for text in (entry.page.title, entry.lead, entry.body)],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_stemmed_words"),
    ]

    operations = [migrations.RunPython(place_tones, migrations.RunPython.noop)]
