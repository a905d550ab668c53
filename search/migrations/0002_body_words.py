from django.db import migrations, models

from search.terms import accented_words, padded

BATCH = 500


def fill_body_words(apps, schema_editor):
    """The body's words as written, from the text that readers see (already in the index)."""
    SearchEntry = apps.get_model("search", "SearchEntry")
    keys = list(SearchEntry.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(keys), BATCH):
        entries = list(SearchEntry.objects.filter(pk__in=keys[start : start + BATCH]).only("body"))
        for entry in entries:
            entry.body_words = padded(accented_words(entry.body))
        SearchEntry.objects.bulk_update(entries, ["body_words"])


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="body_words",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(fill_body_words, migrations.RunPython.noop),
    ]
