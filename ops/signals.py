"""What invalidates the page cache: see ops/pagecache.py for the scheme."""

import functools

from django.core.exceptions import ObjectDoesNotExist
from django.db.models.signals import post_delete, post_save, pre_save
from modelcluster.fields import ParentalKey
from modelcluster.models import get_all_child_relations
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move
from wagtail.snippets.models import get_snippet_models

from home.trees import sites_of_paths

from .pagecache import content_changed


@functools.cache
def _shared_content_models():
    """Models shown on the pages of any site: snippets (with the inline children saved beside
    them, such as a poll's answers), images, documents, locales, sites, view restrictions."""
    snippets = get_snippet_models()
    children = {relation.related_model for model in snippets for relation in get_all_child_relations(model)}
    return frozenset([*snippets, *children, get_image_model(), get_document_model(), Locale, Site, PageViewRestriction])


def _sites_of(*url_paths):
    """The sites whose pages (in any language) include these url_paths; None (every site) when
    none does."""
    return sites_of_paths(url_paths) or None


def _page_changed(sender, instance, **kwargs):
    content_changed(_sites_of(instance.url_path))


def _page_moved(sender, instance, url_path_before, url_path_after, **kwargs):
    content_changed(_sites_of(url_path_before, url_path_after))


def _agency_snippet(instance):
    """The snippet of one agency's site (home.models.SiteSnippet) that `instance` is, or is a part
    of (a poll's answer); None otherwise."""
    parents = [field.name for field in instance._meta.fields if isinstance(field, ParentalKey)]
    try:
        candidates = [instance, *(getattr(instance, name) for name in parents)]
    except ObjectDoesNotExist:  # a part deleted after its snippet
        return None
    for candidate in candidates:
        if hasattr(candidate, "site_id") and candidate._meta.get_field("site").related_model is Site:
            return candidate
    return None


def _remember_site(sender, instance, **kwargs):
    snippet = _agency_snippet(instance) if sender in _shared_content_models() else None
    if snippet is instance and instance.pk:
        instance._site_before = sender.objects.filter(pk=instance.pk).values_list("site_id", flat=True).first()


def _model_changed(sender, instance, **kwargs):
    if isinstance(instance, BaseSiteSetting):
        content_changed([instance.site_id])
    elif isinstance(instance, BaseGenericSetting) or sender in _shared_content_models():
        # A snippet of one agency's site is shown on that site's pages only, unless it has just
        # changed sites (the others' settings may name it still).
        snippet = _agency_snippet(instance)
        site_id = snippet.site_id if snippet else None
        content_changed(None if site_id is None or getattr(snippet, "_site_before", site_id) != site_id else [site_id])


def _model_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        _page_changed(sender, instance)
    else:
        _model_changed(sender, instance)


def connect():
    page_published.connect(_page_changed, dispatch_uid="ops.pagecache.published")
    page_unpublished.connect(_page_changed, dispatch_uid="ops.pagecache.unpublished")
    post_page_move.connect(_page_moved, dispatch_uid="ops.pagecache.moved")
    # Saving a page without publishing it changes nothing that visitors see.
    pre_save.connect(_remember_site, dispatch_uid="ops.pagecache.saving")
    post_save.connect(_model_changed, dispatch_uid="ops.pagecache.saved")
    post_delete.connect(_model_deleted, dispatch_uid="ops.pagecache.deleted")
