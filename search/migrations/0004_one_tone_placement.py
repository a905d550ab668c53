"""Words as written are compared with the tone mark of an open oa, oe or uy on its first vowel
(search.terms.accented_words): the entries' are written again so."""

from django.db import migrations

from search.terms import accented_words, padded

BATCH = 500


def place_tones(apps, schema_editor):
    SearchEntry = apps.get_model("search", "SearchEntry")
    keys = list(SearchEntry.objects.order_by("pk").values_list("pk", flat=True))
    fields = ["title_words", "lead_words", "body_words"]
    for start in range(0, len(keys), BATCH):
        entries = SearchEntry.objects.filter(pk__in=keys[start : start + BATCH]).select_related("page")
        changed = []
        for entry in entries.only("lead", "body", *fields, "page__title"):
            values = [padded(accented_words(text)) for text in (entry.page.title, entry.lead, entry.body)]
            if values != [getattr(entry, field) for field in fields]:
                for field, value in zip(fields, values, strict=True):
                    setattr(entry, field, value)
                changed.append(entry)
        SearchEntry.objects.bulk_update(changed, fields)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_stemmed_words"),
    ]

    operations = [migrations.RunPython(place_tones, migrations.RunPython.noop)]
