"""A translation says what the page it translates says, so it is public only while that page is:

- a translation cannot be published while its source (the page in the source language) is not
  live: translators may prepare it before the approvers have approved the source, but publishing
  it would put an unapproved article online. The admin's forms refuse it with a message
  (editorial/wagtail_hooks.py); whatever publishes it all the same (wagtail-localize's "publish
  immediately" after a sync, a bulk publication of a subtree, a scheduled publication whose
  source was withdrawn since) sees it unpublished at once (`keep_translations_unpublished`);
- withdrawing (unpublishing) a page in the source language withdraws its translations, which the
  approvers could not do themselves (their rights are on the source language's pages).

Publishing the source again does not publish the translations again: the translators do, once
they have checked them against the source.
"""

import logging

from wagtail.models import Locale

from home.translation import source_language

logger = logging.getLogger(__name__)


def unpublished_source(page):
    """The page that `page` translates, when that page is not live; None otherwise (a page in the
    source language, or one whose source is live or gone)."""
    language = source_language()
    if page.locale.language_code == language:
        return None
    source = page.get_translation_or_none(Locale.objects.filter(language_code=language).first())
    return source if source is not None and not source.live else None


def withdraw_translations(sender, instance, **kwargs):
    """page_unpublished: the live translations of an unpublished page in the source language
    are unpublished too."""
    if instance.locale.language_code != source_language():
        return
    for translation in instance.get_translations().live().specific():
        translation.unpublish()


def keep_translations_unpublished(sender, instance, **kwargs):
    """page_published: a translation published while its source is not live is unpublished."""
    if unpublished_source(instance) is not None:
        logger.warning("Unpublished page %s: the page it translates is not published.", instance.pk)
        instance.unpublish()
