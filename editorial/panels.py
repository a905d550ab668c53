"""Dashboard panels for the editorial roles, each in a constant number of queries.

Wagtail's own panels stay: the user's pages in moderation, recent edits and locked pages; the
visits app adds its 30-day chart. Wagtail's "Awaiting your review" is replaced by a bounded copy.
These add the user's drafts, the pages waiting for a translation, the latest published news, and
today's figures of each of the user's sites.
"""

from functools import reduce
from operator import or_

from django.db.models import F, OuterRef, Q, Subquery
from wagtail.admin.ui.components import Component
from wagtail.admin.views.home import WorkflowObjectsToModeratePanel
from wagtail.models import Locale, Page, Revision, Site, TaskState
from wagtail_localize.models import TranslationSource

from feedback.models import Survey
from home.models import PortalSettings
from home.trees import in_users_trees
from news.models import NewsArticlePage, attach_categories
from visits.stats import site_figures

from .approvals import attach_approvers, with_approver_id
from .roles import ROLES, TRANSLATORS

LIMIT = 8


class AwaitingReviewPanel(WorkflowObjectsToModeratePanel):
    """Wagtail's "Awaiting your review", with its template and its approve and reject buttons, for
    the LIMIT newest tasks only: Wagtail's lists every task and queries the database for each."""

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        task_states = (
            TaskState.objects.reviewable_by(request.user)
            .select_related("revision", "revision__user", "workflow_state", "workflow_state__workflow")
            .prefetch_related("revision__content_object", "revision__content_object__latest_revision")
            .order_by("-started_at")
            .annotate(previous_revision_id=Revision.objects.previous_revision_id_subquery())[:LIMIT]
        )
        states = []
        for state in task_states:
            obj = state.revision.content_object
            if obj is None:
                continue
            if isinstance(obj, Page):
                url_names = {
                    "workflow_action_url_name": "wagtailadmin_pages:workflow_action",
                    "workflow_preview_url_name": "wagtailadmin_pages:workflow_preview",
                    "revisions_compare_url_name": "wagtailadmin_pages:revisions_compare",
                }
            else:
                viewset = obj.snippet_viewset
                url_names = {
                    f"{name}_url_name": viewset.get_url_name(name)
                    for name in ("workflow_action", "workflow_preview", "revisions_compare")
                }
            if not getattr(obj, "is_previewable", False):
                url_names["workflow_preview_url_name"] = None
            states.append(
                {
                    "obj": obj,
                    "revision": state.revision,
                    "previous_revision_id": state.previous_revision_id,
                    "live_revision_id": obj.live_revision_id,
                    "task_state": state,
                    "actions": state.task.specific.get_actions(obj, request.user),
                    "workflow_tasks": state.workflow_state.all_tasks_with_status(),
                    **url_names,
                }
            )
        return {"states": states, "request": request, "csrf_token": parent_context["csrf_token"]}


class DraftsPanel(Component):
    """Pages whose newest version is the user's and is not published yet."""

    name = "editorial_drafts"
    order = 230
    template_name = "editorial/panels/drafts.html"

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        drafts = (
            Page.objects.filter(has_unpublished_changes=True, latest_revision__user=request.user)
            .order_by("-latest_revision_created_at", "-pk")
            .prefetch_workflow_states()
            .annotate_approved_schedule()[:LIMIT]
        )
        return {"drafts": drafts, "request": request}


def trees_to_translate(user):
    """Q of the pages the user may be asked to translate: those of their own agency's trees and,
    for translators, the trees of the agency whose translators they are (AgencyStaff) or, for the
    portal's, every tree the portal's roles work on: a new agency's has no English tree yet, where
    their permissions would be."""
    tops = Page.objects.filter(depth=2, agency_staff__translators__user=user)
    if user.groups.filter(name=TRANSLATORS).exists():
        tops |= Page.objects.filter(depth=2, group_permissions__group__name__in=[role.group for role in ROLES])
    paths = set(tops.values_list("path", flat=True))
    return reduce(or_, (Q(path__startswith=path) for path in paths), in_users_trees(user))


class UntranslatedPanel(Component):
    """Published pages of the default language that a language still lacks, or that changed since
    their translations were last synced, for translators: they have no permission on those pages
    and reach wagtail-localize's "translate" and "sync" forms from here. Those of their agency's
    trees only."""

    name = "editorial_untranslated"
    order = 240
    template_name = "editorial/panels/untranslated.html"

    def get_context_data(self, parent_context):
        sources = TranslationSource.objects.filter(
            object_id=OuterRef("translation_key"), locale_id=OuterRef("locale_id")
        )
        pages = (
            Page.objects.filter(
                trees_to_translate(parent_context["request"].user), locale=Locale.get_default(), depth__gt=1
            )
            .live()
            .annotate_has_untranslated_locale()
            .annotate(
                lacks_a_translation=F("_has_untranslated_locale"),
                source_id=Subquery(sources.values("pk")[:1]),
                source_updated_at=Subquery(sources.values("last_updated_at")[:1]),
            )
            .filter(Q(lacks_a_translation=True) | Q(source_updated_at__lt=F("last_published_at")))
            .order_by("-last_published_at", "-pk")[:LIMIT]
        )
        return {"pages": pages}


class LatestNewsPanel(Component):
    """The newest published articles of the user's sites in every language, with who approved
    them."""

    name = "editorial_latest_news"
    order = 260
    template_name = "editorial/panels/latest_news.html"

    def get_context_data(self, parent_context):
        articles = (
            NewsArticlePage.objects.live()
            .filter(in_users_trees(parent_context["request"].user))
            .newest_first()
            .defer_streamfields()
            .select_related("department")
        )
        articles = with_approver_id(articles)[:LIMIT]
        return {"articles": attach_approvers(attach_categories(articles))}


def sidebar_polls(sites):
    """{site id: the poll in the site's sidebar (PortalSettings), or None}; not another agency's,
    which the sidebar leaves out. Only the polls' ids are read from the sidebars, so that the other
    boxes' snippets are not loaded: two queries, whatever the number of sites."""
    chosen = {}
    for settings in PortalSettings.objects.filter(site__in=sites).only("site", "sidebar"):
        chosen[settings.site_id] = next(
            (block["value"] for block in settings.sidebar.raw_data if block["type"] == "poll" and block["value"]), None
        )
    polls = Survey.objects.in_bulk([pk for pk in chosen.values() if pk])
    found = {}
    for site in sites:
        poll = polls.get(chosen.get(site.pk))
        found[site.pk] = poll if poll and poll.site_id in (None, site.pk) else None
    return found


class TodayPanel(Component):
    """Each of the user's sites' visits today (from the visits app) and the satisfaction rate of
    the poll in its sidebar (from the feedback app); either may have nothing to show yet."""

    name = "editorial_today"
    order = 140
    template_name = "editorial/panels/today.html"

    class Media:
        css = {"all": ["editorial/editorial.css"]}

    def get_context_data(self, parent_context):
        mine = Site.objects.filter(in_users_trees(parent_context["request"].user, "root_page__path"))
        mine = list(mine.order_by("-is_default_site", "site_name", "hostname"))
        polls = sidebar_polls(mine)
        shown = list({poll.pk: poll for poll in polls.values() if poll}.values())
        if shown:
            Survey.prepare_results(shown)
            Survey.prefetch_vote_counts(shown)
        sites = []
        for site in mine:
            poll = polls[site.pk]
            sites.append(
                {
                    "site": site,
                    "id": f"editorial-today-{site.pk}",
                    "visits": site_figures(site.pk),
                    "poll": poll,
                    "results": poll.results() if poll else None,
                }
            )
        return {"sites": sites}
