import hashlib
from datetime import timedelta

from django import template
from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.urls import translate_url
from django.utils import timezone, translation
from django.utils.html import conditional_escape, format_html
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from wagtail.models import Page, Site

from home.fragments import Expiring, cached_fragment
from home.models import PortalSettings
from home.translation import foreign_language
from ops.pagecache import shared_address, shared_query

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist, self.name = nodelist, name

    def render(self, context):
        return mark_safe(cached_fragment(context.get("request"), self.name, lambda: self.nodelist.render(context)))


@register.tag
def fragment(parser, token):
    """`{% fragment "name" %}…{% endfragment %}`: a part of the page that is the same on every
    page of the site in one language, cached (home/fragments.py). It must show nothing about
    the page it is on, nor about the visitor."""
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError(f'Use {{% {bits[0]} "name" %}}.')
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, bits[1][1:-1])


register.filter(foreign_language)


@register.filter
def page_numbers(page_obj):
    """The numbers of the pages to link around `page_obj`, the first and the last, with the
    paginator's ELLIPSIS for those left out: 1 … 4 5 6 7 8 … 20."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)


@register.filter
def lang_attribute(content):
    """` lang="…"` for content shown in another language than the page's (`foreign_language`),
    nothing otherwise. The content's locale must be loaded with it (select_related)."""
    language = foreign_language(content)
    return format_html(' lang="{}"', language) if language else ""


@register.simple_tag
def marked_language(content, text):
    """`text` of `content`, in a span with its `lang` when shown in another language than the
    page's: for a name placed in a translated sentence, where no element of its own can carry it."""
    language = foreign_language(content)
    return format_html('<span lang="{}">{}</span>', language, text) if language else text


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """The site's home page and the pages shown in menus, in the visitor's language; the current
    page's item is marked as such, and the item of the section it is in as the current one."""
    request = context["request"]

    def make():
        home = context.get("site_home")
        if not home:
            return None, []
        items = home.get_children().live().public().in_menu()
        return (
            {"pk": home.pk, "url": home.get_url(request)},
            [{"pk": item.pk, "path": item.path, "url": item.get_url(request), "title": item.title} for item in items],
        )

    home, items = cached_fragment(request, "main_menu", make)
    page = context.get("page")
    current = getattr(page, "pk", None)

    def marked(item):
        if item["pk"] == current:
            return "page"
        return "true" if isinstance(page, Page) and page.path.startswith(item["path"]) else None

    return {"home": home, "items": [{**item, "current": marked(item)} for item in items], "current": current}


def _home_urls(request):
    """{language code: URL} of the site's live home pages."""
    site = Site.find_for_request(request)
    if not site:
        return {}
    homes = site.root_page.get_translations(inclusive=True).live().select_related("locale")
    return {home.locale.language_code: home.get_url(request) for home in homes}


def _nearest_translations(page, request):
    """{language code: (page, URL)}: the page's live translation in each language that has one,
    else the live translation of its nearest ancestor that has one (its site's home page, at the
    least). Nearest in this page's tree: another language's tree may be shaped otherwise. One
    query."""
    ancestry = [page.path[:end] for end in range(2 * page.steplen, len(page.path) + 1, page.steplen)]
    here = Page.objects.filter(path__in=ancestry)
    family = (
        Page.objects.live()
        .filter(translation_key__in=here.values("translation_key"))
        .annotate(depth_here=Subquery(here.filter(translation_key=OuterRef("translation_key")).values("depth")[:1]))
        .select_related("locale")
        .order_by("depth_here")
    )
    nearest = {}
    for translated in family:
        url = translated.get_url(request)
        if url is not None:  # outside every site
            nearest[translated.locale.language_code] = (translated, url)  # the nearest comes last
    return nearest


@register.simple_tag(takes_context=True)
def language_versions(context):
    """One entry per content language: where this page lives in it.

    A page links to its own translation when there is a live one, otherwise to the nearest
    section above it that has one (the category of an article not translated yet, or that
    language's home page); a view that is not a page (search, say) to the same path under the
    other language's prefix. The page or view keeps the query parameters that mean the same in
    every language (`language_neutral_query` of its context: a category's tag filter, a search's
    words but not its category, a page of one language). `translation` tells whether the entry
    is the same content, which is what <link rel="alternate" hreflang> may list; `stand_in`, that
    the page has no translation there and the entry leads to the nearest section.
    """
    request = context["request"]
    page = context.get("page")
    # The 404 page (portal.views.page_not_found) is in no language's site: it leads home. So does
    # the password form of a private page or document (Wagtail's: its context has action_url),
    # which shows nothing of the page, not even where its translations are.
    not_found = context.get("not_found", False) or "action_url" in context
    current = translation.get_language()
    nearest, own = {}, set()
    translated_page = isinstance(page, Page) and page.pk and not not_found
    if translated_page:
        nearest = _nearest_translations(page, request)
        own = {code for code, (found, _url) in nearest.items() if found.translation_key == page.translation_key}
    # A language whose home page the site has not (yet) is not offered.
    homes = cached_fragment(request, "language_homes", lambda: _home_urls(request))
    versions = []
    query = context.get("language_neutral_query") or ""
    # The sign-in page of private pages (Django's LoginView) keeps the page to go to once signed in:
    # its context holds it checked already, checked again here, where any view's context is read.
    field = getattr(context.get("view"), "redirect_field_name", None)
    next_url = context.get(field) if field else None
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        query = "&".join(filter(None, [query, urlencode({field: next_url})]))
    query = f"?{query}" if query else ""
    for code, name in settings.LANGUAGES:
        if code not in homes and code != current:
            continue
        if code in own:
            url = nearest[code][1] + query
        elif code in nearest:
            url = nearest[code][1]
        elif (page is not None or not_found) and code in homes:
            url = homes[code]
        else:
            url = translate_url(request.path, code) + query
        versions.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "current": code == current,
                "translation": code in own or (page is None and not not_found),
                "stand_in": translated_page and code not in own,
            }
        )
    return versions


# Box kinds rendered on every request rather than cached with the sidebar: the visit figures are
# cached for a minute of their own (visits/stats.py) and must not grow older than that.
LIVE_BOXES = {"visit_stats"}
# What a cached sidebar holds in the place of what depends on the page it is on: the poll box's
# hidden field naming the page, and its "next" address (feedback/boxes/poll.html). Derived from
# SECRET_KEY, so that no editor's text can hold them by chance.
_HOLE = hashlib.sha256(f"sidebar-hole:{settings.SECRET_KEY}".encode()).hexdigest()[:24]
HOLES = {"page_field": f"{_HOLE}p", "next_path": f"{_HOLE}n"}


def _polls_change_in(boxes):
    """Seconds until a poll of `boxes` opens or closes (its box changes then), or None."""
    now = timezone.now()
    moments = [
        moment
        for box in boxes
        for moment in (getattr(box.value, "opens_at", None), getattr(box.value, "closes_at", None))
        if moment is not None and moment > now
    ]
    return max(1, (min(moments) - now) // timedelta(seconds=1) + 1) if moments else None


@register.simple_tag(takes_context=True, name="shared_query")
def shared_query_tag(context):
    """The query of this page's address that the page may show (ops.pagecache.shared_query):
    `{% shared_query as query %}{% querystring query page=2 %}`."""
    return shared_query(context["request"])


@register.simple_tag(takes_context=True)
def sidebar(context, leave_out=None):
    """The site's sidebar boxes, as placed in the portal settings, in the visitor's language;
    not the box of the snippet `leave_out` (in any of its languages), which the page shows itself.

    Cached as a fragment (home/fragments.py): the boxes' HTML with holes for the page's id and
    address, and the snippets of the boxes rendered on every request (LIVE_BOXES). A sidebar that
    leaves a box out is a fragment of its own."""
    request = context["request"]
    flat = context.flatten()
    left_out = (leave_out._meta.label, leave_out.translation_key) if leave_out else None

    def make():
        boxes = []
        site = Site.find_for_request(request)
        if site:
            chosen = PortalSettings.for_request(request).sidebar
            # What another agency's site made its own since it was placed here is left out, as the
            # settings' form refuses it: its poll would refuse the votes sent here.
            boxes = [
                box
                for box in chosen.stream_block.boxes_in_language(chosen)
                if box.value.site_id in (None, site.pk)
                and (box.value._meta.label, box.value.translation_key) != left_out
            ]
        parts = []
        for box in boxes:
            if box.block.name in LIVE_BOXES:
                parts.append((box.block.name, box.value))
            else:
                parts.append(str(box.render_as_block(context={**flat, **HOLES})))
        return Expiring(parts, _polls_change_in(boxes))

    page = context.get("page")
    filled = {
        HOLES["page_field"]: (
            format_html('<input type="hidden" name="page" value="{}">', page.pk) if getattr(page, "pk", None) else ""
        ),
        HOLES["next_path"]: conditional_escape(shared_address(request)),
    }
    html = []
    for part in cached_fragment(request, "sidebar", make, *(left_out or ())):
        if isinstance(part, str):
            for hole, value in filled.items():
                part = part.replace(hole, value)
            html.append(part)
        else:
            block_name, value = part
            box = PortalSettings._meta.get_field("sidebar").stream_block.child_blocks[block_name].bind(value)
            html.append(conditional_escape(box.render_as_block(context=flat)))
    return mark_safe("".join(html))
