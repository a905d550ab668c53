"""The language content is written in, and what every language version of a translatable model
must share."""

from django.conf import settings
from wagtail.coreutils import get_supported_content_language_variant
from wagtail_localize.fields import SynchronizedField


def source_language():
    """The code of the language content is written in and translated from (LANGUAGE_CODE, as
    Wagtail's locales name it): Locale.get_default()'s, without a query."""
    return get_supported_content_language_variant(settings.LANGUAGE_CODE)


class SharedFieldsMixin:
    """Copies the fields declared `SynchronizedField(name, overridable=False)` to every translation
    when an instance is saved. wagtail-localize copies them only when a translation is synced: until
    then a poll closed in Vietnamese would still take votes in English. Place it before
    TranslatableMixin."""

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        shared = [
            self._meta.get_field(field.field_name).attname
            for field in self.translatable_fields
            if isinstance(field, SynchronizedField) and not field.overridable
        ]
        if shared:
            self.get_translations().update(**{name: getattr(self, name) for name in shared})
