"""Links to pages in rich text, in the reader's language."""

from django.utils.html import format_html
from wagtail.models import Locale, Page
from wagtail.rich_text.pages import PageLinkHandler


class LocalizedPageLinkHandler(PageLinkHandler):
    """Wagtail's, which links each page's translation in the active language (`Page.localized`:
    the live one, else the page itself) with two queries a link: these are found for all the
    links of a text together."""

    @classmethod
    def expand_db_attributes_many(cls, attrs_list):
        pages = cls.get_many(attrs_list)
        active = Locale.get_active()
        keys = {page.translation_key for page in pages if page and page.locale_id != active.pk}
        translations = Page.objects.live().filter(locale=active, translation_key__in=keys).defer_streamfields()
        localized = {page.translation_key: page for page in translations.specific()} if keys else {}
        links = [localized.get(page.translation_key, page) if page else None for page in pages]
        return [format_html('<a href="{}">', link.url) if link else "<a>" for link in links]
