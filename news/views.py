from itertools import islice

from django.http import Http404, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from home.agencies import home_in_language_or_404
from home.text import folded_words

from .feeds import NewsFeed
from .models import ARTICLES_PER_PAGE, NewsArticlePage, NewsTag, attach_categories, paginate

TAG_SUGGESTIONS = 10


def all_news_feed(request):
    """RSS 2.0 of every category of the site, in the visitor's language."""
    home = home_in_language_or_404(request)
    articles = NewsArticlePage.objects.live().public().in_category(home)
    return NewsFeed(
        home,
        articles,
        title=_("All news"),
        description=_("The newest articles of every category."),
    )(request)


@require_safe
def tagged_news(request, slug):
    """The articles of every category of the site, in the visitor's language, that carry the tag
    `slug`, newest first (a category's ?tag= lists its own). Not found when none does: a tag that
    only drafts or another agency's articles carry is not named here."""
    home = home_in_language_or_404(request)
    tagged = NewsArticlePage.objects.live().public().in_category(home).filter(tags__slug=slug)
    articles = paginate(request, tagged.newest_first().for_listing(), ARTICLES_PER_PAGE)
    if not articles:
        raise Http404
    articles.object_list = attach_categories(articles.object_list)
    context = {"tag": NewsTag.objects.named(slug, home.locale_id), "articles": articles}
    return TemplateResponse(request, "news/tagged_news.html", context)


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
