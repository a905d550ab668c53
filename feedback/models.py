from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Locale, Orderable, TranslatableMixin
from wagtail_localize.fields import SynchronizedField, TranslatableField

from home.forms import SnippetForm
from home.models import Department, SiteSnippet
from home.translation import SharedFieldsMixin, source_language

from .results import survey_results

COMMENT_MAX_LENGTH = 1000

# The five-point scale of Vietnamese public-service satisfaction surveys, best first; the two
# best answers make the satisfaction rate. A new survey starts with these answers.
DEFAULT_OPTIONS = [
    (_("Very satisfied"), True),
    (_("Satisfied"), True),
    (_("Neutral"), False),
    (_("Dissatisfied"), False),
    (_("Very dissatisfied"), False),
]


class SurveyAdminForm(SnippetForm):
    site_required = True

    def clean(self):
        cleaned_data = super().clean()
        options = self.formsets["options"]
        removed = [form.instance.pk for form in options.deleted_forms if form.instance.pk]
        if removed and self.instance.responses.filter(option__in=removed).exists():
            raise ValidationError(
                _("An answer that has votes cannot be removed. Close this poll and start a new one instead.")
            )
        # The votes were cast for the answer as it read, and counted in the satisfaction rate or
        # not: changing either would change what they say.
        changed = [
            form.instance.pk
            for form in options.forms
            if form.instance.pk
            and form not in options.deleted_forms
            and {"label", "counts_as_satisfied"} & set(form.changed_data)
        ]
        if changed and self.instance.responses.filter(option__in=changed).exists():
            raise ValidationError(
                _(
                    "An answer that has votes cannot be reworded, nor counted otherwise in the satisfaction rate. "
                    "Close this poll and start a new one instead."
                )
            )
        return cleaned_data


class Survey(SharedFieldsMixin, TranslatableMixin, SiteSnippet, ClusterableModel):
    """A poll: a question and its answers, open for votes during a period.

    Every language version is the same poll: votes are stored against the version in the
    default language (`source`), so a vote on the English page counts in the Vietnamese results.

    A poll is one agency's: its form requires a site, whose pages alone show it. One whose site
    has gone has none, and is every site's, as other snippets of no site.
    """

    question = models.CharField(_("question"), max_length=300)
    opens_at = models.DateTimeField(_("opens at"), default=timezone.now)
    closes_at = models.DateTimeField(
        _("closes at"), null=True, blank=True, help_text=_("Leave empty to keep the poll open.")
    )
    service = models.ForeignKey(
        "home.Department",
        verbose_name=_("department or service"),
        null=True,
        blank=True,
        # The admin refuses to delete a department that polls or votes name: feedback.wagtail_hooks.
        on_delete=models.PROTECT,
        related_name="surveys",
        help_text=_("What the poll is about, if it is about one only. Otherwise voters may name the one they used."),
    )
    allow_comment = models.BooleanField(_("offer a comment field"), default=True)

    base_form_class = SurveyAdminForm
    panels = [
        FieldPanel("question"),
        InlinePanel("options", label=_("Answers"), min_num=2),
        MultiFieldPanel([FieldPanel("opens_at"), FieldPanel("closes_at")], heading=_("Voting period")),
        FieldPanel("service"),
        FieldPanel("allow_comment"),
        FieldPanel("site", help_text=_("The agency's site that asks it: no other site shows the poll.")),
    ]
    translatable_fields = [
        TranslatableField("question"),
        TranslatableField("options"),
        SynchronizedField("opens_at", overridable=False),
        SynchronizedField("closes_at", overridable=False),
        SynchronizedField("service", overridable=False),
        SynchronizedField("allow_comment", overridable=False),
        SiteSnippet.SITE_FIELD,
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("satisfaction poll")
        verbose_name_plural = _("satisfaction polls")

    def __str__(self):
        return self.question

    def clean(self):
        super().clean()
        if self.closes_at and self.opens_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The poll must close after it opens.")})

    @cached_property
    def source(self):
        """The version votes are counted against: the one in the default language (or this
        one, when there is none)."""
        default = Locale.get_default()
        if self.locale_id == default.pk:
            return self
        return self.get_translation_or_none(default) or self

    @property
    def voted_cookie(self):
        """The name of the cookie that tells that a browser has voted in this poll (in any of its
        languages): the server reads it, and so does poll.js."""
        return f"feedback_voted_{self.source.pk}"

    def is_open(self):
        now = timezone.now()
        return self.opens_at <= now and (self.closes_at is None or now < self.closes_at)

    def has_opened(self):
        return self.opens_at <= timezone.now()

    def visitor_key(self):
        """The key of this poll's visitor tokens: the same for every language version."""
        return salted_hmac("feedback.survey.visitor", str(self.translation_key)).hexdigest()

    def labelled_options(self):
        """The source's options (what votes refer to), each with `label` in this version's language."""
        source = self.source
        options = list(source.options.all())
        if source.pk != self.pk:
            labels = dict(self.options.values_list("translation_key", "label"))
            for option in options:
                option.label = labels.get(option.translation_key, option.label)
        return options

    def results(self):
        return survey_results(self, getattr(self, "prefetched_vote_counts", None))

    @cached_property
    def services_offered(self):
        """The departments a voter may name: those of this poll's site and every site's, in its
        language; none when the poll is about one department. `prepare_sidebar_boxes` loads them
        for several polls at once."""
        if self.service_id is not None:
            return []
        return list(Department.objects.for_site(self.site_id).filter(locale_id=self.locale_id))

    @cached_property
    def service_labels(self):
        """The names of the departments it offers in the active language, by their translation
        key (a department not translated yet has none)."""
        keys = [unit.translation_key for unit in self.services_offered]
        named = Department.objects.filter(locale=Locale.get_active(), translation_key__in=keys)
        return dict(named.values_list("translation_key", "name"))

    @classmethod
    def prepare_results(cls, surveys):
        """Load the sources of `surveys` and the answers of both (labels in each one's language)
        for all of them at once: two queries."""
        default = source_language()
        sources = {
            source.translation_key: source
            for source in cls.objects.filter(
                translation_key__in=[survey.translation_key for survey in surveys], locale__language_code=default
            ).select_related("locale")
        }
        for survey in surveys:
            source = sources.get(survey.translation_key)
            survey.source = survey if source is None or source.pk == survey.pk else source
        loaded = {survey.pk: survey for survey in surveys} | {survey.source.pk: survey.source for survey in surveys}
        options = defaultdict(list)
        for option in SurveyOption.objects.filter(survey__in=list(loaded)):
            options[option.survey_id].append(option)
        for pk, survey in loaded.items():
            survey.options = options[pk]

    @classmethod
    def prepare_sidebar_boxes(cls, surveys):
        """Load what the sidebar boxes of `surveys` show for all of them at once, in six queries at
        most: their sources and answers (`prepare_results`), the departments the open polls offer
        and their names in the active language (and the active locale), and the votes of the
        closed polls, whose boxes show the results."""
        cls.prepare_results(surveys)
        offering = {survey.source.pk: survey.source for survey in surveys if survey.is_open()}
        offering = [source for source in offering.values() if source.service_id is None]
        if offering:
            sites = {source.site_id for source in offering}
            units = Department.objects.filter(locale_id__in={source.locale_id for source in offering})
            units = list(units if None in sites else units.for_sites(sites))
            labels = Department.objects.filter(
                locale=Locale.get_active(), translation_key__in={unit.translation_key for unit in units}
            )
            labels = dict(labels.values_list("translation_key", "name"))
            for source in offering:
                source.services_offered = [
                    unit
                    for unit in units
                    if unit.locale_id == source.locale_id
                    and (source.site_id is None or unit.site_id in (source.site_id, None))
                ]
                source.service_labels = labels
        cls.prefetch_vote_counts([survey for survey in surveys if not survey.is_open()])

    @staticmethod
    def prefetch_vote_counts(surveys):
        """Each of `surveys`' `prefetched_vote_counts` (its source's votes by answer, `results`),
        in one query."""
        if not surveys:
            return
        counts = defaultdict(dict)
        for survey_id, option_id, votes in (
            SurveyResponse.objects.filter(survey__in={survey.source.pk for survey in surveys})
            .values_list("survey", "option")
            .annotate(votes=Count("pk"))
            .order_by()
        ):
            counts[survey_id][option_id] = votes
        for survey in surveys:
            survey.prefetched_vote_counts = counts[survey.source.pk]


class SurveyOption(SharedFieldsMixin, TranslatableMixin, Orderable):
    survey = ParentalKey(Survey, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("answer"), max_length=120)
    counts_as_satisfied = models.BooleanField(
        _("counts as satisfied"),
        default=False,
        help_text=_("Votes for this answer count towards the satisfaction rate (usually the two best answers)."),
    )

    panels = [FieldPanel("label"), FieldPanel("counts_as_satisfied")]
    translatable_fields = [TranslatableField("label"), SynchronizedField("counts_as_satisfied", overridable=False)]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        # Answers made outside the admin's form may share a sort_order (None): then in the order
        # they were written, which PostgreSQL does not keep on its own once rows are updated.
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.label


class SurveyResponse(models.Model):
    """One citizen's vote. The visitor is recorded only as a keyed hash, never an address."""

    survey = models.ForeignKey(Survey, verbose_name=_("poll"), on_delete=models.CASCADE, related_name="responses")
    # RESTRICT, not PROTECT: deleting the survey still takes its options and votes with it (the
    # admin refuses to delete a poll with votes: feedback.wagtail_hooks.keep_the_votes).
    option = models.ForeignKey(
        SurveyOption, verbose_name=_("answer"), on_delete=models.RESTRICT, related_name="responses"
    )
    service = models.ForeignKey(
        "home.Department",
        verbose_name=_("department or service"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responses",
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    language = models.CharField(_("language"), max_length=15)
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.TextField(pgettext_lazy("poll response", "comment"), max_length=COMMENT_MAX_LENGTH, blank=True)
    visitor_token = models.CharField(_("visitor token"), max_length=64, editable=False)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(fields=["survey", "visitor_token"], name="feedback_one_vote_per_visitor"),
        ]
        indexes = [models.Index(fields=["survey", "created_at"], name="feedback_response_survey_time")]

    def __str__(self):
        return f"{self.survey} – {self.option}"
