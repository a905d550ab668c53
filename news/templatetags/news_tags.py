import json
from urllib.parse import urljoin

from django import template
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from home.fragments import cached_fragment
from home.translation import alt_text_language
from news.models import NewsArticlePage, attach_categories

register = template.Library()

LATEST_NEWS = 6
# What Django's json_script escapes, so that no "</script>" or "<!--" in the data ends or
# changes the script element early.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.inclusion_tag("news/latest_news.html", takes_context=True)
def latest_news(context, count=LATEST_NEWS):
    """The newest articles of the site in the visitor's language."""
    home = context.get("site_home")
    articles = []
    if home:
        articles = NewsArticlePage.objects.live().public().in_category(home).newest_first().for_listing()[:count]
    return {"request": context["request"], "articles": attach_categories(articles)}


@register.inclusion_tag("news/includes/breadcrumb.html", takes_context=True)
def breadcrumb(context, page):
    """The links to the page's ancestors, shared by the pages of one parent (a fragment)."""
    request = context["request"]

    def make():
        # Depth 1 is Wagtail's root; each language's home page sits at depth 2.
        return [
            {"url": ancestor.get_url(request), "title": ancestor.title}
            for ancestor in page.get_ancestors().filter(depth__gt=1)
        ]

    ancestors = cached_fragment(request, "breadcrumb", make, page.path[: -page.steplen])
    return {"page": page, "ancestors": ancestors}


def json_ld(data):
    """A <script type="application/ld+json"> element: data for search engines, not code."""
    text = json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def _iso(moment):
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


@register.filter
def iso_datetime(moment):
    """A moment for a `datetime` attribute or a meta tag: ISO 8601 to the second. Django's "c"
    format writes microseconds, which HTML does not allow (three digits at most)."""
    return _iso(moment) or ""


def _publisher(agency, url):
    publisher = {"@type": "GovernmentOrganization", "name": agency.name}
    if agency.logo:
        publisher["logo"] = {
            "@type": "ImageObject",
            "url": urljoin(url, agency.logo.get_rendition("max-600x60|format-png").url),
        }
    return publisher


@register.inclusion_tag("news/includes/article_head.html", takes_context=True)
def article_head(context, page):
    """Description, canonical URL, Open Graph and Twitter card tags, and NewsArticle JSON-LD."""
    url = page.get_full_url(context["request"])
    description = page.search_description or page.lead
    modified = page.last_published_at or page.publication_date
    image = None
    if page.featured_image:
        rendition = page.featured_image.get_rendition("fill-1200x630|format-jpeg")
        image = {
            "url": urljoin(url, rendition.url),
            "width": rendition.width,
            "height": rendition.height,
            # An image's text is written in the site's main language, and a <meta> cannot say
            # so: none rather than Vietnamese read out as English.
            "alt": "" if alt_text_language() else rendition.alt,
        }
    department = context.get("department")
    agency = context.get("agency")
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page.title,
        "description": description,
        "inLanguage": translation.get_language(),
        "mainEntityOfPage": url,
        "datePublished": _iso(page.publication_date),
        "dateModified": _iso(modified),
        "author": (
            {"@type": "Person", "name": page.byline}
            if page.byline
            else {"@type": "Organization", "name": str(department or "")}
        ),
        "image": [image["url"]] if image else [],
    }
    if agency:
        data["publisher"] = cached_fragment(context["request"], "publisher", lambda: _publisher(agency, url))
    return {
        "page": page,
        "url": url,
        "description": description,
        "modified": modified,
        "image": image,
        "agency": agency,
        "json_ld": json_ld(data),
    }
