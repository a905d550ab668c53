from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from home.trees import in_site


class TranslatedSitemap(Sitemap):
    """Every live public page of the site in every language, with its last publication.

    Wagtail's own sitemap walks the site's root page only, and each language's version of the
    site is a tree of its own beside it.
    """

    def items(self):
        return (
            Page.objects.filter(in_site(self.get_wagtail_site()))
            .live()
            .public()
            .order_by("path")
            .defer_streamfields()
            .specific()
        )
