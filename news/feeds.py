import re

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Rss201rev2Feed

from home.context_processors import site_agency

FEED_LENGTH = 20
# Characters XML 1.0 cannot carry. Word pastes a line break as a vertical tab, and one such
# character in one article would fail the whole feed.
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xml_text(value):
    return NOT_IN_XML.sub(" ", value) if value else value


class NewsFeed(Feed):
    """RSS 2.0 of the newest `articles` (a NewsArticlePage queryset) of `scope`, a category or a
    site's home page. One instance serves one request."""

    feed_type = Rss201rev2Feed

    def __init__(self, scope, articles, title, description=""):
        super().__init__()
        self.scope = scope
        self.articles = articles
        self.heading = xml_text(title)
        self.description = xml_text(description) or self.heading

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        """The agency's name too: a feed reader holding several agencies' feeds tells them apart."""
        agency = site_agency(self.request)
        return f"{self.heading} – {xml_text(agency.name)}" if agency else self.heading

    def link(self):
        return self.scope.get_full_url(self.request)

    def items(self):
        return self.articles.newest_first().defer_streamfields()[:FEED_LENGTH]

    def item_title(self, item):
        return xml_text(item.title)

    def item_description(self, item):
        return xml_text(item.lead)

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        return item.publication_date

    def item_author_name(self, item):
        return xml_text(item.byline) or None
