import json
from functools import reduce
from operator import or_

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.pages.bulk_actions import (
    DeleteBulkAction,
    MoveBulkAction,
    PublishBulkAction,
    UnpublishBulkAction,
)
from wagtail.models import Page

from home.access import EVERYTHING, sites_of
from home.translation import source_language
from home.trees import in_users_trees

from .panels import AwaitingReviewPanel, DraftsPanel, LatestNewsPanel, TodayPanel, UntranslatedPanel
from .publication import publication_refusal, translations_left_behind
from .viewsets import NewsArticleListingViewSet


@hooks.register("construct_homepage_panels")
def add_editorial_panels(request, panels):
    panels[:] = [panel for panel in panels if panel.name != AwaitingReviewPanel.name]
    panels += [AwaitingReviewPanel(), TodayPanel(), DraftsPanel(), LatestNewsPanel()]
    if request.user.has_perm("wagtail_localize.submit_translation"):
        panels.append(UntranslatedPanel())


@hooks.register("construct_page_chooser_queryset")
def choose_among_the_users_pages(pages, request):
    # Wagtail's page chooser browses and searches every page, drafts' titles included: an agency's
    # staff choose related news and link targets among their own agency's pages.
    return pages.filter(in_users_trees(request.user))


@hooks.register("before_move_page")
def refuse_moves_the_user_may_not_make(request, page, destination):
    # Wagtail checks the move only when it is made (the POST): its confirmation page, which names
    # the page, its destination and how many translations go with it, is shown to anyone.
    if not page.permissions_for_user(request.user).can_move_to(destination):
        return permission_denied(request)
    return None


@hooks.register("after_move_page")
def say_which_translations_stayed(request, page):
    """editorial.publication.move_translations moves a page's translations with it where it can."""
    if page.locale.language_code != source_language():
        return
    for translation, reason in translations_left_behind(page):
        messages.warning(
            request,
            _("Its translation in %(language)s, “%(title)s”, stays under “%(parent)s”: %(reason)s")
            % {
                "language": translation.locale.get_display_name(),
                "title": translation.get_admin_display_title(),
                "parent": translation.get_parent().get_admin_display_title(),
                "reason": reason,
            },
        )


@hooks.register("construct_reports_menu")
def keep_page_types_usage_to_every_sites_staff(request, menu_items):
    if sites_of(request.user) is not EVERYTHING:  # editorial.reports.PageTypesUsageReport
        menu_items[:] = [item for item in menu_items if item.name != "page-types-usage"]


@hooks.register("insert_global_admin_js")
def mend_widgets_for_screen_readers():
    messages = {
        "results": _("Suggestions: %(count)s. Use the up and down arrow keys to choose one."),
        "noResults": _("No suggestions."),
    }
    script = static("editorial/admin-accessibility.js")
    return format_html('<script src="{}" data-messages="{}"></script>', script, json.dumps(messages))


@hooks.register("insert_global_admin_css")
def mend_colours_for_contrast():
    return format_html('<link rel="stylesheet" href="{}">', static("editorial/admin-accessibility.css"))


@hooks.register("register_admin_viewset")
def register_news_article_listing():
    return NewsArticleListingViewSet()


@hooks.register("before_edit_user")
def refuse_superuser_changes(request, user):
    """Wagtail lets anyone who may change users edit a superuser's password; the site
    administrators' role stops short of that (editorial.users)."""
    if user.is_superuser and not request.user.is_superuser:
        return permission_denied(request)
    return None


@hooks.register("before_bulk_action")
def refuse_bulk_actions_on_superusers(request, action_type, objects, action_class_instance):
    """The users listing's bulk actions (deactivate, give a role) reach superusers too; Wagtail
    guards only their deletion."""
    if request.user.is_superuser:
        return None
    if any(isinstance(obj, get_user_model()) and obj.is_superuser for obj in objects):
        return permission_denied(request)
    return None


# Before wagtail-localize's own hook, which serves a translation's editor (and its "Publish").
@hooks.register("before_edit_page", order=-1)
def publish_translations_after_their_source(request, page):
    """See editorial/publication.py. wagtail-localize's editor, which saves each string as it is
    typed, shows the translation again; Wagtail's form goes on without its "publish", and saves
    what was typed as a draft."""
    if request.method != "POST" or (refusal := publication_refusal(page)) is None:
        return None
    if request.POST.get("action") == "publish":
        messages.error(request, refusal)
        return redirect("wagtailadmin_pages:edit", page.pk)
    if "action-publish" in request.POST:
        messages.error(request, refusal)
        request.POST = request.POST.copy()
        del request.POST["action-publish"]
    return None


@hooks.register("before_bulk_action")
def publish_translations_in_bulk_after_their_source(request, action_type, objects, action_class_instance):
    if action_type != "publish":
        return None
    for page in objects:
        refusal = isinstance(page, Page) and publication_refusal(page, page.get_latest_revision())
        if refusal:
            messages.error(request, refusal)
            return redirect(action_class_instance.next_url)
    return None


def _translations_of_sources(pages):
    language = source_language()
    return {page: page.get_translations() for page in pages if page.locale.language_code == language}


@hooks.register("construct_translated_pages_to_cascade_actions")
def delete_translations_with_their_source(pages, action):
    """Wagtail's delete view deletes a page in the source language with its translations (those
    under the translations of its parent), and says so on its confirmation page."""
    return _translations_of_sources(pages) if action == "delete" else None


def _translated_pages(pages):
    """How many pages in other languages deleting `pages` deletes besides them and what lies under
    them: their translations and what lies under those."""
    translations = [translation for found in _translations_of_sources(pages).values() for translation in found]
    if not translations:
        return 0
    return Page.objects.filter(_under(translations)).exclude(_under(pages)).count()


def _under(pages):
    return reduce(or_, (Q(path__startswith=page.path) for page in pages))


class InUsersTreesMixin:
    """A bulk action on pages whose confirmation page names only the pages of the user's trees:
    Wagtail's names every page a request asks for, another agency's drafts among those the user
    has no permission for."""

    def get_queryset(self, model, object_ids):
        return list(model.objects.filter(in_users_trees(self.request.user), pk__in=object_ids))


class InUsersTreesMoveBulkAction(InUsersTreesMixin, MoveBulkAction):
    pass


class InUsersTreesPublishBulkAction(InUsersTreesMixin, PublishBulkAction):
    pass


class InUsersTreesUnpublishBulkAction(InUsersTreesMixin, UnpublishBulkAction):
    pass


class DeleteWithTranslationsBulkAction(InUsersTreesMixin, DeleteBulkAction):
    """Wagtail's deletion of the pages selected in a listing, which leaves their translations:
    with a page in the source language, its translations go too, as from its delete view. Its
    confirmation page and its message count them."""

    template_name = "editorial/confirm_bulk_delete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        translated = _translated_pages([item["item"] for item in context["items"]])
        total = context["total_page_count"] + translated
        limit = getattr(settings, "WAGTAILADMIN_UNSAFE_PAGE_DELETION_LIMIT", 10)
        return {
            **context,
            "translated_count": translated,
            "total_page_count": total,
            "type_to_confirm_before_delete": total >= limit,
        }

    def form_valid(self, form):
        objects, _without_access = self.get_actionable_objects()
        self.translated_count = _translated_pages(objects)
        return super().form_valid(form)

    def get_success_message(self, num_parent_objects, num_child_objects):
        message = super().get_success_message(num_parent_objects, num_child_objects)
        if not self.translated_count:
            return message
        translated = ngettext(
            "%(count)s page in another language went with them.",
            "%(count)s pages in other languages went with them.",
            self.translated_count,
        ) % {"count": number_format(self.translated_count, force_grouping=True)}
        return f"{message.rstrip('.')}. {translated}"

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        translations = [page.pk for pages in _translations_of_sources(objects).values() for page in pages]
        counts = super().execute_action(objects, user=user, **kwargs)
        # Fetched again: the tree has changed, and a translation may have gone with another's. Who
        # may delete the page deletes its translations, as in its delete view.
        for translation in Page.objects.filter(pk__in=translations).order_by("path"):
            if Page.objects.filter(pk=translation.pk).exists():
                translation.delete(user=user, skip_permission_checks=True)
        return counts


# After Wagtail's own, which they replace.
for action_class in (
    DeleteWithTranslationsBulkAction,
    InUsersTreesMoveBulkAction,
    InUsersTreesPublishBulkAction,
    InUsersTreesUnpublishBulkAction,
):
    hooks.register("register_bulk_action", action_class, order=1)
