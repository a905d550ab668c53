from itertools import islice

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from wagtail.models import Site

from home.text import folded_words

from .feeds import NewsFeed
from .models import NewsArticlePage, NewsTag

TAG_SUGGESTIONS = 10


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


def tag_suggestions(request, language_code):
    """The admin's tag autocomplete for an article in this language: its tags known to the editor
    of which a word begins with what they typed, accents and case aside ("dan van" finds "Dân vận
    khéo")."""
    term = " ".join(folded_words(request.GET.get("term", "")))
    if not term:
        return JsonResponse([], safe=False)
    tags = NewsTag.objects.known_to(request.user).filter(locale__language_code=language_code)
    names = tags.values_list("name", flat=True)
    found = (name for name in names if f" {term}" in f" {' '.join(folded_words(name))}")
    return JsonResponse(list(islice(found, TAG_SUGGESTIONS)), safe=False)
