from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StreamBlockValidationError
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.snippets.blocks import SnippetChooserBlock


class SidebarBoxBlock(SnippetChooserBlock):
    """A sidebar box is a translatable snippet; visitors see the version in their language.

    The sidebar finds those versions for all its boxes at once (`SidebarBlock.boxes_in_language`).
    A snippet model may define a classmethod `prepare_sidebar_boxes(instances)` that loads what
    its box template shows for all its boxes at once, so that the sidebar costs the same number
    of queries whatever the number of boxes.
    """


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

    def clean(self, value):
        """A box shown twice (or once per language version of its snippet, which the visitors of a
        language see twice) is refused: the same page would hold the same ids, the same form."""
        value = super().clean(value)
        seen, errors = set(), {}
        for index, child in enumerate(value):
            if child.value is None:
                continue
            shown = (child.block_type, child.value.translation_key)
            if shown in seen:
                errors[index] = ValidationError(_("This box is in the sidebar already."))
            seen.add(shown)
        if errors:
            raise StreamBlockValidationError(block_errors=errors)
        return value

    def boxes_in_language(self, value):
        """The boxes of the sidebar `value`, each bound to its snippet in the active language (as
        chosen when it has no translation), ready for include_block. One query per kind of box;
        a box whose snippet was deleted is left out."""
        language = get_supported_content_language_variant(get_language())
        chosen = [(item["type"], item["value"]) for item in value.raw_data if item["type"] in self.child_blocks]
        wanted = defaultdict(set)
        for block_type, pk in chosen:
            wanted[block_type].add(pk)
        shown = {}
        for block_type, pks in wanted.items():
            model = self.child_blocks[block_type].model_class
            translations = Q(
                locale__language_code=language,
                translation_key__in=model.objects.filter(pk__in=pks).values("translation_key"),
            )
            rows = list(model.objects.filter(Q(pk__in=pks) | translations).select_related("locale"))
            in_language = {row.translation_key: row for row in rows if row.locale.language_code == language}
            shown[block_type] = {row.pk: in_language.get(row.translation_key, row) for row in rows if row.pk in pks}
            if hasattr(model, "prepare_sidebar_boxes"):
                model.prepare_sidebar_boxes(list({box.pk: box for box in shown[block_type].values()}.values()))
        return [
            self.child_blocks[block_type].bind(shown[block_type][pk])
            for block_type, pk in chosen
            if pk in shown[block_type]
        ]
