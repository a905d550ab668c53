"""A translation says what the page it translates says, so it is public only while that page is:

- a translation cannot be published while its source (the page in the source language) is not
  live: translators may prepare it before the approvers have approved the source, but publishing
  it would put an unapproved article online. Nor while it is made from another text than the
  source's published one (a draft's, maybe: wagtail-localize takes the source's text when the page
  is submitted or synced, and untranslated strings show that text): the translator syncs it
  first. The admin's forms refuse both with a message (editorial/wagtail_hooks.py); whatever
  publishes a translation of a page that is not live all the same (wagtail-localize's "publish
  immediately" after a sync, a bulk publication of a subtree, a scheduled publication whose source
  was withdrawn since) sees it unpublished at once (`keep_translations_unpublished`);
- withdrawing (unpublishing) a page in the source language withdraws its translations, which the
  approvers could not do themselves (their rights are on the source language's pages). Wagtail
  unpublishes a page it deletes; the admin deletes the page's translations with it, from its
  delete view or in bulk (editorial/wagtail_hooks.py).
- a page in the source language made private (or public again) makes its translations so too:
  wagtail-localize copies the restriction only when a translator next syncs the translation. A
  translation's privacy is its source's: the admin's privacy dialog says so on a translation
  (editorial.views), and one changed otherwise is the source's again.

Publishing the source again does not publish the translations again: the translators do, once
they have checked them against the source.
"""

import logging
from contextvars import ContextVar

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.actions.move_page import MovePageAction
from wagtail.models import Locale, Page, PageViewRestriction
from wagtail_localize.models import StringSegment, Translation
from wagtail_localize.segments import StringSegmentValue
from wagtail_localize.segments.extract import extract_segments

from home.translation import source_language

logger = logging.getLogger(__name__)


UNPUBLISHED = _(
    "The page this one translates is not published yet: publish the translation once the original has been "
    "approved and published."
)
OUTDATED = _(
    "The original's published text differs from the text this translation was made from: update the translation "
    "from the published original (“Sync translated pages”), then publish it from the translation editor or with "
    "“Publish immediately”."
)


def translated_source(page):
    """The page in the source language that `page` translates; None if there is none (or `page` is
    in the source language)."""
    if page.locale.language_code == source_language():
        return None
    return page.get_translation_or_none(Locale.objects.filter(language_code=source_language()).first())


def _texts(segments):
    return {(segment.path, segment.string.data) for segment in segments if isinstance(segment, StringSegmentValue)}


def publication_refusal(page, revision=None):
    """Why `page` may not be published now: a message for its translator, or None (a page in the
    source language, one without a source, or a translation that may be published). `revision`
    is the revision to be published; without it, the one wagtail-localize makes from the source
    as it publishes."""
    source = translated_source(page)
    if source is None:
        return None
    if not source.live:
        return UNPUBLISHED
    synced = (
        Translation.objects.filter(source__object_id=page.translation_key, target_locale=page.locale, enabled=True)
        .select_related("source")
        .first()
    )
    if synced is None:  # translated by hand
        return None
    # wagtail-localize takes the source's text (on submission, on a sync) from its page row: a
    # draft's, before the page was first published. The text published since may differ (an
    # approver's correction, a draft's text never approved); untranslated strings would show the
    # text taken. A revision older than the last sync was made from the text taken before it.
    taken = StringSegment.objects.filter(source=synced.source).values_list("context__path", "string__data")
    if set(taken) != _texts(extract_segments(source.specific)):
        return OUTDATED
    if revision is not None and revision.created_at < synced.source.last_updated_at:
        return OUTDATED
    return None


def withdraw_translations(sender, instance, **kwargs):
    """page_unpublished: the live translations of an unpublished page in the source language
    are unpublished too."""
    if instance.locale.language_code != source_language():
        return
    for translation in instance.get_translations().live().specific():
        translation.unpublish()


NOWHERE_TO_GO = _("its new place has no page in that language yet.")
ADDRESS_TAKEN = _("its new place has another page at its address.")
NOT_THERE = _("it cannot go there (under itself, or where its type of page is not allowed).")
PLACED_ELSEWHERE = _("it was not under the former place's translation: move it yourself if it should follow.")


def why_it_stays(translation, destination):
    """Why `translation` cannot go under `destination` (the translation of its source's parent in
    its language, or None): a reason for the admin's message, or None when it can."""
    if destination is None:
        return NOWHERE_TO_GO
    if (
        destination.pk == translation.pk
        or destination.is_descendant_of(translation)
        or not translation.specific_class.can_exist_under(destination)
    ):
        return NOT_THERE
    if destination.get_children().filter(slug=translation.slug).exclude(pk=translation.pk).exists():
        return ADDRESS_TAKEN
    return None


def move_translations(sender, instance, parent_page_before, parent_page_after, **kwargs):
    """post_page_move: a page in the source language moved under another parent takes along those
    of its translations that were under its former parent's translations, each under its new
    parent's translation in its language, where it can go (`why_it_stays`). Wagtail's admin would
    move them only for whoever may move the translations too, which the approvers may not (their
    rights are on the source language's pages): its cascade hook (editorial.wagtail_hooks) offers
    none. editorial.wagtail_hooks says which stayed behind, and why."""
    if parent_page_before.pk == parent_page_after.pk or instance.locale.language_code != source_language():
        return
    for translation in instance.get_translations().select_related("locale"):
        if translation.get_parent().translation_key != parent_page_before.translation_key:
            continue  # placed elsewhere on purpose
        destination = parent_page_after.get_translation_or_none(translation.locale)
        if why_it_stays(translation, destination) is None:
            MovePageAction(translation, destination, pos="last-child").execute(skip_permission_checks=True)


def translations_left_behind(page):
    """(translation, why it stays) of the translations of `page` that are not under its parent's
    translation in their language."""
    parent = page.get_parent()
    return [
        (translation, why_it_stays(translation, parent.get_translation_or_none(translation.locale)) or PLACED_ELSEWHERE)
        for translation in page.get_translations().select_related("locale")
        if translation.get_parent().translation_key != parent.translation_key
    ]


def keep_translations_unpublished(sender, instance, revision, **kwargs):
    """page_published: a translation of a page that is not live is unpublished. One made from
    another text than the source's published one (refused by the admin's forms) is only logged:
    it may have been live with an earlier text, which is not the translator's to withdraw."""
    refusal = publication_refusal(instance, revision)
    if refusal == UNPUBLISHED:
        logger.warning("Unpublished page %s: %s", instance.pk, refusal)
        instance.unpublish()
    elif refusal is not None:
        logger.warning("Page %s published from an outdated translation: %s", instance.pk, refusal)


_mirroring = ContextVar("mirroring", default=False)  # the mirroring's own changes need no mirroring


def mirror_view_restrictions(sender, instance, raw=False, **kwargs):
    """post_save and post_delete of a PageViewRestriction: once committed (its groups are saved
    after it), the translations of a page in the source language get the page's restrictions, and
    a translation whose restrictions were changed otherwise (by a translator) its source's again."""
    if not raw and not _mirroring.get():
        transaction.on_commit(lambda: _mirror_view_restrictions(instance.page_id))


def _mirror_view_restrictions(page_id):
    page = Page.objects.filter(pk=page_id).select_related("locale").first()  # gone with its page?
    if page is None:
        return
    if page.locale.language_code == source_language():
        source, translations = page, page.get_translations()
    else:
        source, translations = translated_source(page), [page]
        if source is None:
            return
    restrictions = list(source.view_restrictions.prefetch_related("groups"))
    mirroring = _mirroring.set(True)
    try:
        with transaction.atomic():  # never public in between, to another request
            for translation in translations:
                translation.view_restrictions.all().delete()
                for restriction in restrictions:
                    mirrored = PageViewRestriction.objects.create(
                        page=translation, restriction_type=restriction.restriction_type, password=restriction.password
                    )
                    mirrored.groups.set(restriction.groups.all())
    finally:
        _mirroring.reset(mirroring)
