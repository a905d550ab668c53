"""Demo search: an editor's promoted result, and the index of the demo pages (which publishing
fills already; rebuilding covers pages published before the search app was installed)."""

from wagtail.contrib.search_promotions.models import Query, SearchPromotion

from news.models import NewsArticlePage

from .index import rebuild

PROMOTED_QUERY = "dịch vụ công"
PROMOTED_TITLE = "Hồ sơ trực tuyến tăng mạnh tại bộ phận một cửa"
PROMOTED_DESCRIPTION = "Nộp hồ sơ, theo dõi tiến độ và nhận kết quả dịch vụ công trực tuyến tại quận Hải Châu."


def _promotion():
    page = NewsArticlePage.objects.filter(locale__language_code="vi", title=PROMOTED_TITLE).first()
    if page is None:
        return
    query = Query.get(PROMOTED_QUERY)
    if not SearchPromotion.objects.filter(query=query, page=page).exists():
        SearchPromotion.objects.create(query=query, page=page, sort_order=0, description=PROMOTED_DESCRIPTION)


def load():
    _promotion()
    rebuild()
