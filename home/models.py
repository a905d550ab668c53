from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from .blocks import SidebarBlock
from .forms import PortalSettingsForm, SnippetForm
from .slugs import AsciiSlugMixin
from .text import fold
from .translation import SharedFieldsMixin, source_language

# Rich text of boxes and footers: formatting and links only.
BOX_RICH_TEXT_FEATURES = ["bold", "italic", "link", "ul", "ol"]


class FoldedTitleMixin:
    """The admin's own search (explorer, page chooser) finds "Đà Nẵng" by "da nang": Wagtail's
    search index also holds the title folded by `fold`. Page models build their `search_fields`
    on `FoldedTitleMixin.search_fields`."""

    search_fields = Page.search_fields + [index.SearchField("folded_title"), index.AutocompleteField("folded_title")]

    @property
    def folded_title(self):
        return fold(self.title)


class FoldedNameMixin(index.Indexed):
    """The same for snippets found by their `name` in the admin's listings and choosers."""

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("folded_name"),
        index.AutocompleteField("folded_name"),
    ]

    @property
    def folded_name(self):
        return fold(self.name)


class SpecificChildRouteMixin:
    """Serving a page, Wagtail finds each child on the way with two queries: the page, then its
    specific row. A page whose children are mostly of one type (`routed_child_model`, "app.Model")
    looks for such a child first with one query, both rows joined; other children are found as
    Wagtail finds them. Place it right before Page (after RoutablePageMixin).
    `routed_child_related`: foreign keys of that child to fetch in the same query."""

    routed_child_model = None
    routed_child_related = ()

    def route(self, request, path_components):
        if path_components and self.routed_child_model:
            model = apps.get_model(self.routed_child_model)
            children = model.objects.child_of(self).select_related(*self.routed_child_related)
            child = children.filter(slug=path_components[0]).first()
            if child is not None:
                child._cached_parent_obj = self
                return child.route(request, path_components[1:])
        return super().route(request, path_components)


class HomePage(FoldedTitleMixin, AsciiSlugMixin, SpecificChildRouteMixin, Page):
    """The root of one agency's site in one language."""

    routed_child_model = "news.NewsIndexPage"

    lead = models.TextField(
        _("lead"),
        blank=True,
        help_text=_("A sentence or two introducing the portal, shown above the news."),
    )

    content_panels = Page.content_panels + [FieldPanel("lead")]
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")


class SiteSnippetQuerySet(models.QuerySet):
    def for_sites(self, site_ids):
        """What the sites `site_ids` may show: their own and every site's."""
        return self.filter(models.Q(site__in=site_ids) | models.Q(site=None))

    def for_site(self, site_id):
        """What is shown with what belongs to the site `site_id`; with what belongs to no site
        (a poll every site may show), everything."""
        return self if site_id is None else self.for_sites([site_id])


class SiteSnippet(models.Model):
    """A snippet that belongs to an agency's site: its staff change it and choose it, and no other
    agency's do (home.access). Without a site it is every site's to use. The same in every language:
    declare `SITE_FIELD` among the model's `translatable_fields`."""

    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("site"),
        null=True,
        blank=True,
        # An agency's site going leaves its polls, with their votes, to the installation.
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The agency's site that uses it. Empty: every site may use it."),
    )

    SITE_FIELD = SynchronizedField("site", overridable=False)

    objects = SiteSnippetQuerySet.as_manager()
    # The admin's listing and chooser search within what the user may use, in a language.
    search_fields = [index.FilterField("site"), index.FilterField("locale")]

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # A translation (of a TranslatableMixin model, as all these are) takes its original's
        # site: wagtail-localize publishes a translation with the site its source had when last
        # synced.
        originals = type(self).objects.filter(translation_key=self.translation_key).exclude(pk=self.pk)
        site = originals.filter(locale__language_code=source_language()).values_list("site_id", flat=True)
        if site:
            self.site_id = site[0]
        super().save(*args, **kwargs)


class AgencyProfile(SharedFieldsMixin, TranslatableMixin, SiteSnippet, FoldedNameMixin, models.Model):
    """Who runs a site: its names and contacts, shown in the header and the footer.

    A snippet rather than fields of the site setting, because Wagtail's settings cannot be
    translated: the setting points at the Vietnamese profile and pages show its translation.
    """

    portal_name = models.CharField(
        _("portal name"),
        max_length=120,
        help_text=_('The line above the agency\'s name, e.g. "Cổng thông tin điện tử".'),
    )
    name = models.CharField(_("agency name"), max_length=200)
    parent_name = models.CharField(
        _("parent authority"),
        max_length=200,
        blank=True,
        help_text=_('e.g. "Thành phố Đà Nẵng".'),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    fax = models.CharField(_("fax"), max_length=60, blank=True)
    email = models.EmailField(_("email"), blank=True)
    footer_text = RichTextField(
        _("footer text"),
        features=BOX_RICH_TEXT_FEATURES,
        blank=True,
        help_text=_("Licence, the person responsible for the content, and similar notices."),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("portal_name"), FieldPanel("name"), FieldPanel("parent_name"), FieldPanel("logo")],
            heading=_("Names"),
        ),
        MultiFieldPanel(
            [FieldPanel("address"), FieldPanel("phone"), FieldPanel("fax"), FieldPanel("email")],
            heading=_("Contacts"),
        ),
        FieldPanel("footer_text"),
        FieldPanel("site"),
    ]
    translatable_fields = [
        TranslatableField("portal_name"),
        TranslatableField("name"),
        TranslatableField("parent_name"),
        TranslatableField("address"),
        TranslatableField("footer_text"),
        # The agency's emblem and how to reach it are the same in every language.
        SynchronizedField("logo", overridable=False),
        SynchronizedField("phone", overridable=False),
        SynchronizedField("fax", overridable=False),
        SynchronizedField("email", overridable=False),
        SiteSnippet.SITE_FIELD,
    ]
    search_fields = SiteSnippet.search_fields + FoldedNameMixin.search_fields
    base_form_class = SnippetForm

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("agency profile")
        verbose_name_plural = _("agency profiles")

    def __str__(self):
        return self.name


class InfoBox(SharedFieldsMixin, TranslatableMixin, SiteSnippet):
    """A sidebar box of free text, such as a hotline or office hours."""

    title = models.CharField(_("title"), max_length=120)
    body = RichTextField(_("body"), features=BOX_RICH_TEXT_FEATURES)

    panels = [FieldPanel("title"), FieldPanel("body"), FieldPanel("site")]
    translatable_fields = [TranslatableField("title"), TranslatableField("body"), SiteSnippet.SITE_FIELD]
    base_form_class = SnippetForm

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("information box")
        verbose_name_plural = _("information boxes")

    def __str__(self):
        return self.title


class Department(SharedFieldsMixin, TranslatableMixin, SiteSnippet, FoldedNameMixin, models.Model):
    """A unit of the agency (đơn vị): an office, a division, a service desk. It publishes news
    ("Người đăng tin") and citizens rate its service in the polls."""

    name = models.CharField(_("name"), max_length=200)

    panels = [FieldPanel("name"), FieldPanel("site")]
    translatable_fields = [TranslatableField("name"), SiteSnippet.SITE_FIELD]
    base_form_class = SnippetForm
    search_fields = SiteSnippet.search_fields + FoldedNameMixin.search_fields

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self):
        return self.name


@register_setting(icon="site")
class PortalSettings(BaseSiteSetting):
    """Per-site choices: which agency runs the site, and which boxes the sidebar shows."""

    agency = models.ForeignKey(
        AgencyProfile,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Choose the profile in the site's main language; visitors see its translation."),
    )
    sidebar = StreamField(
        SidebarBlock(),
        verbose_name=_("sidebar"),
        blank=True,
        help_text=_("The boxes beside every page, top to bottom."),
    )

    panels = [FieldPanel("agency"), FieldPanel("sidebar")]
    base_form_class = PortalSettingsForm

    class Meta:
        verbose_name = _("portal settings")
