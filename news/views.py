from django.http import Http404
from django.utils.translation import gettext as _
from wagtail.models import Site

from .feeds import NewsFeed
from .models import NewsArticlePage


def all_news_feed(request):
    """RSS 2.0 of every category of the site, in the visitor's language."""
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    home = site.root_page.localized
    articles = NewsArticlePage.objects.live().public().in_category(home)
    return NewsFeed(
        home,
        articles,
        title=_("All news"),
        description=_("The newest articles of every category."),
    )(request)
