"""What the data migrations that work an index's words out again share (the migration loader
leaves this module alone: its name starts with "_")."""

BATCH = 500


def rewrite_entries(apps, fields, values):
    """Set the `fields` of every search entry to `values(entry)` (the entry with its page and the
    page's locale), a few hundred entries at a time, writing only the entries that change."""
    SearchEntry = apps.get_model("search", "SearchEntry")
    keys = list(SearchEntry.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(keys), BATCH):
        entries = SearchEntry.objects.filter(pk__in=keys[start : start + BATCH]).select_related("page__locale")
        changed = []
        for entry in entries.only("lead", "body", *fields, "page__title", "page__locale__language_code"):
            new = values(entry)
            if new != [getattr(entry, field) for field in fields]:
                for field, value in zip(fields, new, strict=True):
                    setattr(entry, field, value)
                changed.append(entry)
        SearchEntry.objects.bulk_update(changed, fields)
