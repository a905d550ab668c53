"""A translation says what the page it translates says, so it is public only while that page is:

- a translation cannot be published while its source (the page in the source language) is not
  live: translators may prepare it before the approvers have approved the source, but publishing
  it would put an unapproved article online. The admin's forms refuse it with a message
  (editorial/wagtail_hooks.py); whatever publishes it all the same (wagtail-localize's "publish
  immediately" after a sync, a bulk publication of a subtree, a scheduled publication whose
  source was withdrawn since) sees it unpublished at once (`keep_translations_unpublished`);
- withdrawing (unpublishing) a page in the source language withdraws its translations, which the
  approvers could not do themselves (their rights are on the source language's pages);
- a page in the source language made private (or public again) makes its translations so too:
  wagtail-localize copies the restriction only when a translator next syncs the translation.

Publishing the source again does not publish the translations again: the translators do, once
they have checked them against the source.
"""

import logging

from django.db import transaction
from wagtail.models import Locale, Page, PageViewRestriction

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


def mirror_view_restrictions(sender, instance, raw=False, **kwargs):
    """post_save and post_delete of a PageViewRestriction: once committed (its groups are saved
    after it), the translations of a page in the source language get the page's restrictions."""
    if not raw:
        transaction.on_commit(lambda: _mirror_view_restrictions(instance.page_id))


def _mirror_view_restrictions(page_id):
    page = Page.objects.filter(pk=page_id).select_related("locale").first()  # gone with its page?
    if page is None or page.locale.language_code != source_language():
        return
    restrictions = list(page.view_restrictions.prefetch_related("groups"))
    for translation in page.get_translations():
        translation.view_restrictions.all().delete()
        for restriction in restrictions:
            mirrored = PageViewRestriction.objects.create(
                page=translation, restriction_type=restriction.restriction_type, password=restriction.password
            )
            mirrored.groups.set(restriction.groups.all())
