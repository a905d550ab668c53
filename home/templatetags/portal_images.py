"""Wagtail's `image`, `srcset_image` and `picture` tags, with their filters parsed once.

Wagtail's tags make new `Filter` objects each time they render, and each one parses its spec into
operations again (`inspect.getcallargs` per operation) to find the renditions: with a gallery of
a dozen photos in three formats and two sizes, that was a tenth of an article's rendering time.
A tag's specs never change, so its node keeps its filters (the cached template loader keeps the
nodes). Load this library instead of `wagtailimages_tags`; the tags are the same.
"""

from django import template
from wagtail.images.templatetags import wagtailimages_tags

from home.translation import alt_text_language

register = template.Library()


class ImageNode(wagtailimages_tags.ImageNode):
    def get_filter(self):
        if not hasattr(self, "_filter"):
            self._filter = super().get_filter()
        return self._filter


class SrcsetImageNode(wagtailimages_tags.SrcsetImageNode):
    def get_filters(self):
        if not hasattr(self, "_filters"):
            self._filters = super().get_filters()
        return self._filters


class PictureNode(wagtailimages_tags.PictureNode, SrcsetImageNode):
    pass


NODES = {
    wagtailimages_tags.ImageNode: ImageNode,
    wagtailimages_tags.SrcsetImageNode: SrcsetImageNode,
    wagtailimages_tags.PictureNode: PictureNode,
}


def image(parser, token):
    node = wagtailimages_tags.image(parser, token)
    node.__class__ = NODES[type(node)]
    return node


for name in ("image", "srcset_image", "picture"):
    register.tag(name, image)


register.simple_tag(alt_text_language)
