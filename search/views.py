from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from home.agencies import home_in_language_or_404
from news.models import NewsArticlePage, NewsIndexPage, attach_categories, paginate

from .forms import SearchForm
from .models import SearchEntry
from .promotions import promotions_for
from .terms import excerpt, highlight

RESULTS_PER_PAGE = 10
SUGGESTIONS = 5
TEMPLATE = "search/search.html"


@require_safe
def search(request):
    """The site search in the visitor's language: GET `q`, and optionally `category`,
    `date_from`, `date_to` and `page`. Invalid parameters answer 400 with the form's messages."""
    home = home_in_language_or_404(request)
    categories = NewsIndexPage.objects.live().public().descendant_of(home).order_by("path")
    form = SearchForm(request.GET, categories=categories, depth=home.depth)
    if not form.is_valid():
        return TemplateResponse(request, TEMPLATE, {"form": form}, status=400)
    query = form.cleaned_data["query"]
    context = {"form": form, "query": query, "language_neutral_query": form.language_neutral_query()}
    if query:
        context.update(_results(request, form, home, query))
    return TemplateResponse(request, TEMPLATE, context)


def _results(request, form, home, query):
    data = form.cleaned_data
    entries = SearchEntry.objects.visible_in(home).matching(query).between(data["date_from"], data["date_to"])
    if data["category"]:
        entries = entries.in_category(data["category"])
    # Promotions answer the query itself; a narrowed search shows only what matches.
    promotions = [] if form.has_filters else promotions_for(query, home, request)
    entries = entries.exclude(page__in=[promotion.page.pk for promotion in promotions if promotion.page])
    results = paginate(
        request,
        entries.ranked(query)
        .select_related("page")
        .defer("title_words", "lead_words", "body_words", "title_folded", "lead_folded", "body_folded"),
        RESULTS_PER_PAGE,
    )
    results.object_list = list(results.object_list)
    attach_categories(entry.page for entry in results.object_list)
    for entry in results.object_list:
        entry.title_html = highlight(entry.page.title, query)
        entry.excerpt_html = excerpt([entry.lead, entry.body], query)
    total = results.paginator.count + len(promotions)
    context = {
        "results": results,
        "promotions": promotions if results.number == 1 else [],
        "total": total,
    }
    if not total:
        newest = NewsArticlePage.objects.live().public().in_category(home).newest_first().for_listing()
        context["suggestions"] = attach_categories(newest[:SUGGESTIONS])
    return context
