from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock


class SidebarBoxBlock(SnippetChooserBlock):
    """A sidebar box is a translatable snippet; visitors see the version in their language."""

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        if value is not None:
            context["value"] = context["self"] = value.localized
        return context


class SidebarBlock(blocks.StreamBlock):
    info_box = SidebarBoxBlock(
        "home.InfoBox",
        label=_("Information box"),
        template="home/boxes/info_box.html",
        description=_("A box of free text, such as the hotline or office hours."),
        icon="info-circle",
    )
    poll = SidebarBoxBlock(
        "feedback.Survey",
        label=_("Satisfaction poll"),
        template="feedback/boxes/poll.html",
        description=_("A poll citizens answer in the sidebar, with its results."),
        icon="list-ul",
    )
    visit_stats = SidebarBoxBlock(
        "visits.VisitStatsBox",
        label=_("Visit statistics"),
        template="visits/boxes/visit_stats.html",
        description=_("The visit counter: an odometer of the total and today's, this week's and this month's visits."),
        icon="table",
    )
