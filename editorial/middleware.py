from django.apps import apps
from django.contrib.admin.utils import unquote
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from wagtail.admin.auth import permission_denied
from wagtail.models import Page
from wagtail.permissions import policy_registry
from wagtail_localize.models import Translation, TranslationSource

from home.access import EVERYTHING, sites_of, works_for
from home.models import SiteSnippet
from home.snippets import may_see

from .panels import trees_to_translate


class TranslationScopeMiddleware:
    """wagtail-localize lets whoever holds "submit translation" translate any page, and sync (and
    publish) the translations of any page. With several agencies, a translator does so only for
    the pages they are asked to translate (`trees_to_translate`): their agency's, or the portal
    roles' for the portal's translators.

    Its views of a snippet's translation (strings, overrides, PO files, machine translation)
    check only the model's "change": a snippet's translation is edited only by whoever may change
    it (home.snippets), and a snippet of a site (home.models.SiteSnippet) is translated and synced
    only by those who work for that site (home.access)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_name = request.resolver_match.view_name
        if not request.user.is_authenticated or not view_name.startswith("wagtail_localize:"):
            return None  # the admin sends those not signed in to its login page
        if "translation_id" in view_kwargs:
            return _snippet_translation_refused(request, view_kwargs["translation_id"])
        if view_name == "wagtail_localize:submit_snippet_translation":
            return _other_sites_snippet_refused(request, _snippet(view_kwargs))
        if view_name == "wagtail_localize:snippets_api_detail":  # reading, as the chooser does
            snippet = _snippet(view_kwargs)
            return permission_denied(request) if snippet and not may_see(request.user, snippet) else None
        if view_name == "wagtail_localize:snippets_api_listing":
            # Every instance of the model, with no permission checked: only for those who work
            # for every site.
            model = _model(view_kwargs)
            kept = model and (issubclass(model, SiteSnippet) or hasattr(model._default_manager, "known_to"))
            if kept and sites_of(request.user) is not EVERYTHING:
                return permission_denied(request)
            return None
        if view_name == "wagtail_localize:submit_page_translation":
            pages = Page.objects.filter(pk=view_kwargs["page_id"])
        elif view_name == "wagtail_localize:update_translations":
            source = TranslationSource.objects.filter(pk=view_kwargs["translation_source_id"]).first()
            model = source and source.specific_content_type.model_class()
            if model is None:
                return None
            if not issubclass(model, Page):
                try:
                    return _other_sites_snippet_refused(request, source.get_source_instance())
                except ObjectDoesNotExist:
                    return None
            pages = Page.objects.filter(translation_key=source.object_id, locale_id=source.locale_id)
        else:
            return None
        # A page that does not exist is wagtail-localize's to answer (404).
        if pages.exists() and not pages.filter(trees_to_translate(request.user)).exists():
            return permission_denied(request)
        return None


def _model(view_kwargs):
    try:
        return apps.get_model(view_kwargs["app_label"], view_kwargs["model_name"])
    except LookupError:
        return None


def _snippet(view_kwargs):
    """The snippet the address names, or None (wagtail-localize's to answer)."""
    model = _model(view_kwargs)
    try:
        return model and model._default_manager.filter(pk=unquote(view_kwargs["pk"])).first()
    except (ValueError, ValidationError) as error:  # which wagtail-localize answers with a server error
        raise Http404 from error


def _other_sites_snippet_refused(request, snippet):
    if isinstance(snippet, SiteSnippet) and not works_for(request.user, snippet.site_id):
        return permission_denied(request)
    if snippet is not None and not may_see(request.user, snippet):  # another agency's draft's tag
        return permission_denied(request)
    return None


def _snippet_translation_refused(request, translation_id):
    translation = Translation.objects.filter(pk=translation_id).select_related("source").first()
    model = translation and translation.source.specific_content_type.model_class()
    if model is None or issubclass(model, Page):
        return None
    try:
        target = translation.get_target_instance()
    except ObjectDoesNotExist:
        return None  # not made yet: wagtail-localize's to answer
    if not policy_registry.get_by_type(type(target)).user_has_permission_for_instance(request.user, "change", target):
        return permission_denied(request)
    return None
