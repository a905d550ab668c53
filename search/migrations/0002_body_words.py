from django.db import migrations, models

from search.terms import accented_words, padded


def fill_body_words(apps, schema_editor):
    """The body's words as written, from the text that readers see (already in the index)."""
    SearchEntry = apps.get_model("search", "SearchEntry")
    entries = SearchEntry.objects.only("body")
    for entry in entries.iterator(chunk_size=500):
        entry.body_words = padded(accented_words(entry.body))
        entry.save(update_fields=["body_words"])


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
