"""Keep the public search index current. Deleting a page deletes its entry (the foreign key
cascades); moving one needs nothing, because where a page lives, and whether it is public, are
read from the page tree at query time."""

from wagtail.signals import page_published, page_unpublished

from .index import index_page, unindex_page


def on_published(sender, instance, **kwargs):
    index_page(instance)


def on_unpublished(sender, instance, **kwargs):
    unindex_page(instance)


def connect():
    page_published.connect(on_published, dispatch_uid="search.index_page")
    page_unpublished.connect(on_unpublished, dispatch_uid="search.unindex_page")
