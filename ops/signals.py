"""What invalidates the page cache: see ops/pagecache.py for the scheme."""

import functools

from django.db.models.signals import post_delete, post_save
from modelcluster.models import get_all_child_relations
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move
from wagtail.snippets.models import get_snippet_models

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
    roots = Site.get_site_root_paths()
    sites = {root.site_id for root in roots for url_path in url_paths if url_path.startswith(root.root_path)}
    return sites or None


def _page_changed(sender, instance, **kwargs):
    content_changed(_sites_of(instance.url_path))


def _page_moved(sender, instance, url_path_before, url_path_after, **kwargs):
    content_changed(_sites_of(url_path_before, url_path_after))


def _model_changed(sender, instance, **kwargs):
    if isinstance(instance, BaseSiteSetting):
        content_changed([instance.site_id])
    elif isinstance(instance, BaseGenericSetting) or sender in _shared_content_models():
        content_changed()


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
    post_save.connect(_model_changed, dispatch_uid="ops.pagecache.saved")
    post_delete.connect(_model_deleted, dispatch_uid="ops.pagecache.deleted")
