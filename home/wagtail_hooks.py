from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import translate_url
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import Site
from wagtail.snippets.models import register_snippet

from . import media
from .models import AgencyProfile, Department, InfoBox
from .richtext import LocalizedPageLinkHandler
from .snippets import TranslatableSnippetViewSet, UsableDeleteBulkAction


class AgencyProfileViewSet(TranslatableSnippetViewSet):
    model = AgencyProfile
    icon = "home"
    menu_label = _("Agency profiles")
    list_display = ["name", "phone", "email"]


class InfoBoxViewSet(TranslatableSnippetViewSet):
    model = InfoBox
    icon = "info-circle"
    menu_label = _("Information boxes")
    list_display = ["title"]


class DepartmentViewSet(TranslatableSnippetViewSet):
    model = Department
    icon = "group"
    menu_label = _("Departments")
    list_display = ["name"]


@hooks.register("before_serve_page")
def serve_pages_in_their_own_language(page, request, serve_args, serve_kwargs):
    """A site whose home page has no translation in the language asked (a new agency's, before
    its English site is made): Wagtail serves the home page's own tree there, Vietnamese pages
    under /en/… with English around them. They are sent to their own address instead. A site's
    home page is in the default language (add_agency makes it so); the site was found, and its
    home page read, by routing: no query."""
    if get_language() != settings.LANGUAGE_CODE:
        site = Site.find_for_request(request)
        if site is not None and page.path.startswith(site.root_page.path):
            return HttpResponseRedirect(translate_url(request.get_full_path(), settings.LANGUAGE_CODE))
    return None


register_snippet(AgencyProfileViewSet)
register_snippet(DepartmentViewSet)
register_snippet(InfoBoxViewSet)

# After Wagtail's own, which they replace for the snippets of a site, and for images and documents.
hooks.register("register_bulk_action", UsableDeleteBulkAction, order=1)
for action_class in media.BULK_ACTIONS:
    hooks.register("register_bulk_action", action_class, order=1)


@hooks.register("construct_admin_api", order=1)  # after Wagtail's, whose endpoints it replaces
def keep_the_admin_api_to_choosable_media(router):
    router.register_endpoint("images", media.ChoosableImagesAdminAPIViewSet)
    router.register_endpoint("documents", media.ChoosableDocumentsAdminAPIViewSet)


@hooks.register("register_admin_urls", order=-1)  # before Wagtail's, which they shadow
def offer_the_tags_of_choosable_media():
    return media.admin_urls()


@hooks.register("register_rich_text_features", order=1)  # after Wagtail's, which it replaces
def link_pages_in_the_readers_language(features):
    features.register_link_type(LocalizedPageLinkHandler)
