"""The language content is written in, and what every language version of a translatable model
must share."""

from django.conf import settings
from django.utils.translation import get_language
from wagtail.coreutils import get_supported_content_language_variant
from wagtail_localize.fields import SynchronizedField


def source_language():
    """The code of the language content is written in and translated from (LANGUAGE_CODE, as
    Wagtail's locales name it): Locale.get_default()'s, without a query."""
    return get_supported_content_language_variant(settings.LANGUAGE_CODE)


def alt_text_language(own_text=""):
    """The language of an image's alternative text (or a document's title, or a promoted search
    result's text), for the `lang` attribute of an image (or link) on a page in another language;
    None (no attribute) on the pages in that language. Images, documents and promotions are
    shared by every language version of a page, and their texts are written in the site's main
    language; a block's `own_text` is the page's, translated with it (None)."""
    language = source_language()
    return None if own_text or get_language() == language else language


def foreign_language(content):
    """The language of translatable content shown on a page in another language (its translation
    is not made yet, and it is shown as written), for a `lang` attribute; None otherwise."""
    if not content:  # an article without a department, say, or a site without an agency (lazy)
        return None
    language = content.locale.language_code
    return None if language == get_language() else language


class SharedFieldsMixin:
    """Copies the fields declared `SynchronizedField(name, overridable=False)` to every translation
    when the original (in the source language) is saved. wagtail-localize copies them only when a
    translation is synced: until then a poll closed in Vietnamese would still take votes in
    English. A translation's are its original's: saving one changes no other (and the admin's
    form does not offer them, home.forms.SnippetForm). Place it before TranslatableMixin."""

    @classmethod
    def shared_fields(cls):
        return [
            field.field_name
            for field in cls.translatable_fields
            if isinstance(field, SynchronizedField) and not field.overridable
        ]

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        shared = [self._meta.get_field(name).attname for name in self.shared_fields()]
        if shared and self.locale.language_code == source_language():
            self.get_translations().update(**{name: getattr(self, name) for name in shared})
