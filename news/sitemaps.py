from functools import reduce
from operator import or_

from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


class TranslatedSitemap(Sitemap):
    """Every live public page of the site in every language, with its last publication.

    Wagtail's own sitemap walks the site's root page only, and each language's version of the
    site is a tree of its own beside it.
    """

    def items(self):
        roots = self.get_wagtail_site().root_page.get_translations(inclusive=True)
        in_site = reduce(or_, (Page.objects.descendant_of_q(root, inclusive=True) for root in roots))
        return Page.objects.filter(in_site).live().public().order_by("path").defer_streamfields().specific()
