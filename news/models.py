import unicodedata
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.core.validators import slug_re
from django.db import models
from django.db.models import Case, F, Prefetch, Q, When
from django.http import Http404, HttpResponsePermanentRedirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.contrib.taggit import ClusterTaggableManager, _ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import ItemBase, NaturalKeyManager, TagBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.models import Locale, Orderable, Page, PageManager, TranslatableMixin
from wagtail.query import PageQuerySet
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from home.access import EVERYTHING, sites_of
from home.fragments import cached_fragment
from home.models import Department, FoldedNameMixin, FoldedTitleMixin, SpecificChildRouteMixin
from home.slugs import AsciiSlugMixin
from home.text import slugify_vi
from home.trees import in_users_trees, sites_of_paths
from ops.pagecache import paginated

from .blocks import ArticleBodyBlock
from .feeds import NewsFeed
from .forms import NewsArticleForm

ARTICLES_PER_PAGE = 10
RELATED_LIMIT = 10


def paginate(request, items, per_page):
    """The page of `items` that `?page=` asks for: the first for anything but a number, 404
    past the end."""
    paginated(request)
    try:
        number = int(request.GET.get("page", 1))
    except ValueError:
        number = 1
    try:
        return Paginator(items, per_page).page(number)
    except EmptyPage as error:
        raise Http404(str(error)) from error


class NewsIndexPage(FoldedTitleMixin, AsciiSlugMixin, RoutablePageMixin, SpecificChildRouteMixin, Page):
    """A news category (chuyên mục); it lists the articles of its sub-categories too."""

    routed_child_model = "news.NewsArticlePage"
    # The article's head shows its featured image (Open Graph, JSON-LD).
    routed_child_related = ("featured_image",)

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage", "news.NewsIndexPage"]
    subpage_types = ["news.NewsIndexPage", "news.NewsArticlePage"]
    show_in_menus_default = True

    class Meta:
        verbose_name = _("news category")
        verbose_name_plural = _("news categories")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = NewsArticlePage.objects.live().public().in_category(self).newest_first().for_listing()
        tag = request.GET.get("tag")
        if tag:
            if not slug_re.match(tag):  # no tag has it (nor may it reach the database: a NUL, say)
                raise Http404
            articles = articles.filter(tags__slug=tag)
            context["tag"] = NewsTag.objects.named(tag, self.locale_id)
            if context["tag"] is None:
                raise Http404
            # Translations of a tag share its slug: the filter holds in every language.
            context["language_neutral_query"] = urlencode({"tag": tag})
        context["articles"] = page = paginate(request, articles, ARTICLES_PER_PAGE)
        page.object_list = attach_categories(page.object_list)
        context["subcategories"] = self.get_children().live().public().type(NewsIndexPage)
        return context

    def serve(self, request, *args, **kwargs):
        tag = request.GET.get("tag", "")
        if not tag.isascii():
            # A link from before tags had ASCII slugs (migration news/0003), to the same tag.
            query = request.GET.copy()
            query["tag"] = slugify_vi(tag)
            return HttpResponsePermanentRedirect(f"{request.path}?{query.urlencode()}")
        return super().serve(request, *args, **kwargs)

    reserved_child_slugs = frozenset({"rss"})

    @path("rss/", name="feed")
    def feed(self, request):
        articles = NewsArticlePage.objects.live().public().in_category(self)
        return NewsFeed(self, articles, title=self.title, description=self.intro)(request)


class NewsArticleQuerySet(PageQuerySet):
    def in_category(self, page):
        """Articles under `page`: a category with its sub-categories, or a whole site."""
        return self.descendant_of(page)

    def newest_first(self):
        return self.order_by(F("publication_date").desc(nulls_last=True), "-pk")

    def for_listing(self):
        """What listings show (title, date, lead, thumbnail) in a constant number of queries."""
        return self.defer_streamfields().prefetch_related(
            Prefetch("featured_image", queryset=get_image_model().objects.prefetch_renditions())
        )


def attach_categories(articles):
    """Set `category`, the parent category page, on each article, with one query."""
    articles = list(articles)
    parent_paths = {article.path[: -Page.steplen] for article in articles}
    categories = {category.path: category for category in NewsIndexPage.objects.filter(path__in=parent_paths)}
    for article in articles:
        article.category = categories.get(article.path[: -Page.steplen])
    return articles


def _carried_tags(user):
    """The tags that a public article carries, or an article of the user's page trees."""
    articles = NewsArticlePage.objects.filter(
        Q(pk__in=NewsArticlePage.objects.live().public().values("pk")) | in_users_trees(user)
    )
    return NewsTag.objects.filter(tagged_articles__content_object__in=articles)


class NewsTagQuerySet(models.QuerySet):
    def named(self, slug, locale_id):
        """The tag of `slug` as the language `locale_id` names it, or else as it was given (a
        tag's translations share its slug), with its locale; None when there is none."""
        in_language_first = Case(When(locale_id=locale_id, then=0), default=1)
        return self.filter(slug=slug).select_related("locale").order_by(in_language_first, "pk").first()

    def known_to(self, user):
        """The tags the admin shows `user` (NewsTag.is_known_to)."""
        if sites_of(user) is EVERYTHING:
            return self
        return self.filter(translation_key__in=_carried_tags(user).values("translation_key"))


class NewsTag(TranslatableMixin, FoldedNameMixin, TagBase):
    """A tag of news articles, in one language. Like departments, articles keep the tags they
    were given in their own language (wagtail-localize copies them to the translations), and a
    page shows each tag's translation in its language; translators translate tags as snippets. A
    tag's translations share its slug, so that the tag filter of a category (?tag=) finds the
    same articles in every language."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100)

    objects = NaturalKeyManager.from_queryset(NewsTagQuerySet)()  # taggit's, for its natural keys

    panels = [FieldPanel("name")]
    # translation_key: the admin searches only the tags known to the user (known_to).
    search_fields = FoldedNameMixin.search_fields + [index.FilterField("locale"), index.FilterField("translation_key")]
    translatable_fields = [TranslatableField("name"), SynchronizedField("slug")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = pgettext_lazy("news", "tag")
        verbose_name_plural = pgettext_lazy("news", "tags")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["locale", "name"], name="news_tag_name_unique_in_its_language"),
            models.UniqueConstraint(fields=["locale", "slug"], name="news_tag_slug_unique_in_its_language"),
        ]

    def is_known_to(self, user):
        """Whether the admin shows this tag to `user`: with several agencies, a tag that a public
        article carries (the public site shows it) or an article of the user's page trees, in any
        of its languages; not one that only another agency's drafts carry (its name may be news
        not yet told). Every tag to those who work for every site. The tags hidden from the user
        (few: those of drafts and unused ones) are read once a request."""
        if sites_of(user) is EVERYTHING:
            return True
        if not hasattr(user, "_portal_hidden_tags"):
            hidden = NewsTag.objects.exclude(translation_key__in=_carried_tags(user).values("translation_key"))
            user._portal_hidden_tags = set(hidden.values_list("translation_key", flat=True))
        return self.translation_key not in user._portal_hidden_tags

    @cached_property
    def sites_showing(self):
        """The ids of the sites whose articles carry this tag, named in any of its languages."""
        tagged = NewsArticlePage.objects.filter(tagged_items__tag__translation_key=self.translation_key)
        return sites_of_paths(tagged.values_list("url_path", flat=True))

    def clean(self):
        super().clean()
        # The database allows one tag of a name in each language, but its refusal names no field:
        # the admin's form (which has no language field) and wagtail-localize's editor (which marks
        # the string at fault) could not say what is wrong.
        locale_id = self.locale_id or Locale.get_default().pk
        if NewsTag.objects.filter(locale_id=locale_id, name=self.name).exclude(pk=self.pk).exists():
            message = _("There is a tag “%(name)s” in this language already.")
            raise ValidationError({"name": ValidationError(message, params={"name": self.name})})

    def save(self, *args, **kwargs):
        if self.locale_id is None:
            self.locale = Locale.get_default()
        super().save(*args, **kwargs)

    def slugify(self, tag, i=None):
        # Room left for the number that tells two tags of one spelling apart (anyascii may make a
        # name of 100 letters longer).
        return slugify_vi(tag)[: self._meta.get_field("slug").max_length - 6] + (f"_{i}" if i is not None else "")


def _caseless(name):
    # Composed first: keyboards may type "ị" as "i" and a combining dot.
    return unicodedata.normalize("NFC", name).casefold()


class ArticleTags(_ClusterTaggableManager):
    """An article's tags: the names typed on an article are looked up and created in its
    language, so that a Vietnamese article never takes an English tag of the same name; and
    whatever their case, so that "Du lịch" is the tag "du lịch" (SQLite compares only ASCII
    letters without case: the names are compared here)."""

    def set(self, tags, **kwargs):
        # A translation's form shows the tags of its source, named in the source's language: sent
        # back, whatever their case, they stay those tags rather than become new ones of the
        # translation's language.
        given = {_caseless(tag.name): tag for tag in self.get_queryset()}
        return super().set([given.get(_caseless(tag), tag) if isinstance(tag, str) else tag for tag in tags], **kwargs)

    def _to_tag_model_instances(self, tags, tag_kwargs):
        if self.instance.locale_id is not None:
            tag_kwargs = {**tag_kwargs, "locale_id": self.instance.locale_id}
            in_language = NewsTag.objects.filter(locale_id=self.instance.locale_id).order_by("pk")
            names = list(in_language.values_list("name", flat=True))
            known = set(names)
            typed = [tag for tag in tags if isinstance(tag, str) and tag not in known]  # else that very tag
            spelled = {}
            for name in [*names, *typed]:  # the oldest of tags told apart by case only; else as first typed
                spelled.setdefault(_caseless(name), name)
            tags = [spelled[_caseless(tag)] if tag in typed else tag for tag in tags]
        return super()._to_tag_model_instances(tags, tag_kwargs)


class ArticleTagsField(ClusterTaggableManager):
    """modelcluster's tags field with ArticleTags (it ignores taggit's `manager` argument)."""

    def __get__(self, instance, model):
        return ArticleTags(through=self.through, model=model, instance=instance, prefetch_cache_name=self.name)


class ArticleTag(ItemBase):
    tag = models.ForeignKey(NewsTag, on_delete=models.CASCADE, related_name="tagged_articles")
    content_object = ParentalKey("news.NewsArticlePage", on_delete=models.CASCADE, related_name="tagged_items")


class NewsArticlePage(FoldedTitleMixin, AsciiSlugMixin, Page):
    lead = models.TextField(
        _("lead"),
        help_text=_("The paragraph under the title, shown in bold; also the description for search engines."),
    )
    publication_date = models.DateTimeField(
        _("publication date"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Filled in on first publication; change it for back-dated news."),
    )
    department = models.ForeignKey(
        "home.Department",
        verbose_name=_("posted by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The unit that publishes the article."),
    )
    byline = models.CharField(
        _("author"), max_length=120, blank=True, help_text=_("Shown in capitals under the article.")
    )
    featured_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("featured image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown in listings and when the article is shared."),
    )
    tags = ArticleTagsField(
        pgettext_lazy("news", "tags"),
        through=ArticleTag,
        blank=True,
        help_text=_("Separate tags with commas; readers find the category's articles with the same tag."),
    )
    body = StreamField(ArticleBodyBlock(), verbose_name=_("body"))

    objects = PageManager.from_queryset(NewsArticleQuerySet)()

    base_form_class = NewsArticleForm
    content_panels = Page.content_panels + [
        FieldPanel("lead"),
        MultiFieldPanel(
            [FieldPanel("publication_date"), FieldPanel("department"), FieldPanel("byline")],
            heading=_("Publication"),
        ),
        FieldPanel("featured_image"),
        FieldPanel("body"),
        FieldPanel("tags"),
        InlinePanel(
            "related_links",
            label=_("Related news"),
            max_num=RELATED_LIMIT,
            help_text=_("The newest articles of the same category fill the remaining places."),
        ),
    ]
    # The filters of the admin's listing of articles (editorial.viewsets) apply to its search too.
    search_fields = FoldedTitleMixin.search_fields + [
        index.SearchField("lead"),
        index.SearchField("body"),
        index.SearchField("byline"),
        index.FilterField("publication_date"),
        index.FilterField("department"),
        index.FilterField("numchild"),
    ]
    # Articles point at the Vietnamese department; pages show its translation.
    override_translatable_fields = [SynchronizedField("department", overridable=False)]
    # A copy (next month's "Lịch tiếp công dân" from this month's) is dated when it is published.
    # Translations keep their source's: wagtail-localize copies it to them.
    exclude_fields_in_copy = ["publication_date"]
    parent_page_types = ["news.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")

    def save(self, *args, **kwargs):
        # Wagtail sets first_published_at when it first publishes the page (at its scheduled
        # time, if any), just before this save.
        if self.publication_date is None:
            self.publication_date = self.first_published_at
        super().save(*args, **kwargs)

    def with_content_json(self, content):
        # A revision saved before the first publication has no date; keep the live page's.
        obj = super().with_content_json(content)
        if obj.publication_date is None:
            obj.publication_date = self.publication_date
        return obj

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["category"] = category = self.get_parent()
        # Departments are snippets: any change to one invalidates the fragments (home/fragments.py).
        context["department"] = cached_fragment(request, "department", self.department_in_language, self.department_id)
        context["related_articles"] = self.related_articles(category)
        context["print_view"] = "print" in request.GET
        return context

    def department_in_language(self):
        """The department as the page's language names it (as chosen, when it has no translation
        yet), with its locale: one query."""
        if self.department_id is None:
            return None
        chosen = Department.objects.filter(pk=self.department_id).values("translation_key")
        found = Department.objects.select_related("locale").filter(
            Q(pk=self.department_id) | Q(translation_key__in=chosen, locale_id=self.locale_id)
        )
        return next(iter(sorted(found, key=lambda department: department.locale_id != self.locale_id)), None)

    def tags_in_language(self):
        """The article's tags as its language names them: each tag's translation, where there is
        one. With their locales: a tag not translated yet is marked with its language."""
        tags = list(self.tags.select_related("locale"))
        foreign = [tag.translation_key for tag in tags if tag.locale_id != self.locale_id]
        if foreign:
            translations = NewsTag.objects.filter(translation_key__in=foreign, locale_id=self.locale_id).select_related(
                "locale"
            )
            by_key = {tag.translation_key: tag for tag in translations}
            tags = [by_key.get(tag.translation_key, tag) for tag in tags]
        return tags

    def related_articles(self, category):
        """The editor's choice, in their order, then the newest articles of the category.

        Related links are shared by every translation and point at the source language's
        articles; the translations in this page's language are shown.
        """
        keys = list(self.related_links.order_by("sort_order", "pk").values_list("page__translation_key", flat=True))
        ordering = [F("publication_date").desc(nulls_last=True), "-pk"]
        if keys:
            ordering.insert(
                0, Case(*(When(translation_key=key, then=rank) for rank, key in enumerate(keys)), default=len(keys))
            )
        return list(
            NewsArticlePage.objects.live()
            .public()
            .filter(Q(translation_key__in=keys) | NewsArticlePage.objects.descendant_of_q(category))
            .filter(locale_id=self.locale_id)
            .exclude(translation_key=self.translation_key)
            .defer_streamfields()
            .order_by(*ordering)[:RELATED_LIMIT]
        )


class RelatedArticle(Orderable):
    article = ParentalKey(NewsArticlePage, on_delete=models.CASCADE, related_name="related_links")
    page = models.ForeignKey(NewsArticlePage, verbose_name=_("article"), on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("page")]

    class Meta(Orderable.Meta):
        verbose_name = _("related article")
        verbose_name_plural = _("related articles")
