"""Editors' promoted results (Wagtail's search promotions, under Settings → Promoted search
results). A promotion's query matches the visitor's when both fold to the same words, so a
promotion for "Đà Nẵng" also answers "da nang"."""

from dataclasses import dataclass

from wagtail.contrib.search_promotions.models import Query as PromotionQuery
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.models import Page

from .models import visible_pages
from .terms import Query


@dataclass
class Promotion:
    title: str
    url: str
    description: str
    page: Page | None = None


def promotions_for(query, home, request):
    """The promotions for `query` (a `search.terms.Query`) in editors' order: pages shown in the
    language of `home` (the page's translation, when live and public under `home`), and
    external links."""
    query_ids = [
        pk
        for pk, text in PromotionQuery.objects.filter(editors_picks__isnull=False)
        .distinct()
        .values_list("pk", "query_string")
        if Query.parse(text, query.language).folded == query.folded
    ]
    if not query_ids:
        return []
    picks = list(
        SearchPromotion.objects.filter(query_id__in=query_ids)
        .select_related("page")
        .order_by("query_id", "sort_order", "pk")
    )
    keys = {pick.page.translation_key for pick in picks if pick.page}
    pages = {page.translation_key: page for page in visible_pages(home).filter(translation_key__in=keys)}
    promotions, seen = [], set()
    for pick in picks:
        if pick.page is None:
            promotions.append(
                Promotion(pick.external_link_text or pick.external_link_url, pick.external_link_url, pick.description)
            )
        elif pick.page.translation_key in pages and pick.page.translation_key not in seen:
            seen.add(pick.page.translation_key)
            page = pages[pick.page.translation_key]
            promotions.append(Promotion(page.title, page.get_url(request), pick.description, page))
    return promotions
