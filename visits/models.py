from datetime import timedelta

from django.core.validators import MaxValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import TranslatableMixin
from wagtail_localize.fields import SynchronizedField, TranslatableField

from home.forms import SnippetForm
from home.models import SiteSnippet
from home.translation import SharedFieldsMixin


class DailyCountQuerySet(models.QuerySet):
    def increment(self, site_id, day, kind, key="", by=1):
        """Add `by` to one counter. Every count (visits, page views, buffer flushes) is written
        here: an atomic UPDATE, or the INSERT of the day's first hit."""
        counter = self.filter(site_id=site_id, day=day, kind=kind, key=key)
        if counter.update(count=F("count") + by):
            return
        try:
            with transaction.atomic():
                self.create(site_id=site_id, day=day, kind=kind, key=key, count=by)
        except IntegrityError:
            # Another request inserted the row between our UPDATE and INSERT.
            counter.update(count=F("count") + by)

    def visit_figures(self, site_id, today):
        """Visits today, yesterday, this week (from Monday), this month and in all, in one query."""
        monday = today - timedelta(days=today.weekday())
        figures = self.filter(site_id=site_id, kind=DailyCount.Kind.VISIT, key="").aggregate(
            today=Sum("count", filter=Q(day=today)),
            yesterday=Sum("count", filter=Q(day=today - timedelta(days=1))),
            week=Sum("count", filter=Q(day__range=(monday, today))),
            month=Sum("count", filter=Q(day__range=(today.replace(day=1), today))),
            total=Sum("count"),
        )
        return {name: value or 0 for name, value in figures.items()}

    def page_views(self, translation_key):
        """All views of a page in every language, every site and every day."""
        views = self.filter(kind=DailyCount.Kind.VIEW, key=str(translation_key)).aggregate(total=Sum("count"))
        return views["total"] or 0


class DailyCount(models.Model):
    """One counter of one site on one day (in the agency's time zone): its visits, or the views
    of one page (all its translations together, keyed by the page's translation key)."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("visits")
        VIEW = "view", _("page views")

    site = models.ForeignKey("wagtailcore.Site", verbose_name=_("site"), on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=36, blank=True, help_text=_("The page's translation key for views."))
    count = models.PositiveBigIntegerField(_("count"), default=0)

    objects = DailyCountQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily count")
        verbose_name_plural = _("daily counts")
        # In this order the unique index also serves both readers: a site's visits by day, and
        # a page's views (kind, key).
        constraints = [models.UniqueConstraint(fields=["kind", "key", "site", "day"], name="visits_daily_count_unique")]

    def __str__(self):
        return f"{self.site_id} {self.day} {self.kind} {self.key}: {self.count}"


class AppliedBatch(models.Model):
    """A batch of a buffer (see buffer.py) already added to the counters. It is written
    in the same transaction as the counts, so a batch retried after a crash is not added twice."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    applied_at = models.DateTimeField(_("applied at"), auto_now_add=True)

    class Meta:
        verbose_name = _("applied batch")
        verbose_name_plural = _("applied batches")

    def __str__(self):
        return self.name


class Sighting(models.Model):
    """The last time a visitor was seen on a site, or on a page (sightings.py): the key holds
    the visitor's hash under the day's salt. Rows are deleted once the window has passed."""

    key = models.CharField(_("key"), max_length=120, unique=True)
    seen_at = models.DateTimeField(_("seen at"), db_index=True)

    class Meta:
        verbose_name = _("sighting")
        verbose_name_plural = _("sightings")

    def __str__(self):
        return self.key


class VisitStatsBoxForm(SnippetForm):
    def clean(self):
        cleaned_data = super().clean()
        site = self.fields.get("site")
        if cleaned_data.get("baseline_total") and site and not site.disabled and not cleaned_data.get("site"):
            self.add_error(
                "site",
                _("A box that carries an old portal's total belongs to that agency's site: choose the site."),
            )
        return cleaned_data


class VisitStatsBox(SharedFieldsMixin, TranslatableMixin, SiteSnippet):
    """The "Thống kê truy cập" sidebar box: an odometer of the total and rows of figures."""

    ROWS = [
        ("today", _("Today")),
        ("yesterday", _("Yesterday")),
        ("week", _("This week")),
        ("month", _("This month")),
        ("total", pgettext_lazy("visit statistics", "Total")),
    ]
    # The same box in every language: saving one version copies these to the others.
    SHARED_FIELDS = [
        "odometer_digits",
        "show_today",
        "show_yesterday",
        "show_week",
        "show_month",
        "show_total",
        "baseline_total",
    ]

    title = models.CharField(
        _("title"),
        max_length=120,
        blank=True,
        help_text=_("Leave empty for “Visit statistics” in the visitor's language (“Thống kê truy cập”)."),
    )
    odometer_digits = models.PositiveSmallIntegerField(
        _("odometer digits"),
        default=10,
        validators=[MaxValueValidator(20)],
        help_text=_("The total is shown digit by digit, padded with zeros to this many digits; 0 hides it."),
    )
    show_today = models.BooleanField(_("show today"), default=True)
    show_yesterday = models.BooleanField(_("show yesterday"), default=True)
    show_week = models.BooleanField(_("show this week"), default=True)
    show_month = models.BooleanField(_("show this month"), default=True)
    show_total = models.BooleanField(_("show the total"), default=True)
    baseline_total = models.PositiveBigIntegerField(
        _("baseline total"),
        default=0,
        help_text=_("Visits counted by the agency's old portal; added to the total only, on its site only."),
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("odometer_digits"),
        MultiFieldPanel(
            [FieldPanel(f"show_{stat}") for stat, _label in ROWS],
            heading=_("Rows"),
        ),
        FieldPanel("baseline_total"),
        FieldPanel("site"),
    ]
    translatable_fields = [
        TranslatableField("title"),
        *(SynchronizedField(name, overridable=False) for name in SHARED_FIELDS),
        SiteSnippet.SITE_FIELD,
    ]
    base_form_class = VisitStatsBoxForm

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("visit statistics box")
        verbose_name_plural = _("visit statistics boxes")

    def __str__(self):
        return self.title or str(_("Visit statistics"))

    def statistics(self, figures):
        """What the box shows, from a site's visit figures: the total with the baseline added,
        its odometer digits, and the rows chosen."""
        total = figures["total"] + self.baseline_total
        values = {**figures, "total": total}
        return {
            "total": total,
            "digits": list(str(total).zfill(self.odometer_digits)) if self.odometer_digits else [],
            "rows": [
                {"stat": stat, "label": label, "value": values[stat]}
                for stat, label in self.ROWS
                if getattr(self, f"show_{stat}")
            ],
        }
