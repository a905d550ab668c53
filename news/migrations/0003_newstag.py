"""Articles' tags become translatable (news.NewsTag): each tag the articles use is copied into
the default language, its slug made ASCII the way page slugs are ("dân vận khéo" ->
"dan-van-kheo", as NewsTag.slugify does), and the articles point at the copies. The taggit tags
are left as they were. Not reversible: the translations would have nowhere to go."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from wagtail.coreutils import get_supported_content_language_variant

import news.models
from home.text import slugify_vi


def default_locale(apps):
    Locale = apps.get_model("wagtailcore", "Locale")
    return Locale.objects.filter(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)).first()


def to_news_tags(apps, schema_editor):
    ArticleTag = apps.get_model("news", "ArticleTag")
    NewsTag = apps.get_model("news", "NewsTag")
    Tag = apps.get_model("taggit", "Tag")
    used = Tag.objects.filter(pk__in=ArticleTag.objects.values("tag_id"))
    if not used.exists():
        return
    locale = default_locale(apps)
    slugs = set()
    for tag in used.order_by("pk"):
        slug = base = slugify_vi(tag.name)[:90] or "tag"
        number = 1
        while slug in slugs:  # "Đà Nẵng" and "Da Nang", say
            slug, number = f"{base}_{number}", number + 1
        slugs.add(slug)
        news_tag = NewsTag.objects.create(locale=locale, name=tag.name, slug=slug, translation_key=uuid.uuid4())
        ArticleTag.objects.filter(tag_id=tag.pk).update(news_tag=news_tag)


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0002_department_moves_to_home"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.CreateModel(
            name="NewsTag",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("translation_key", models.UUIDField(default=uuid.uuid4, editable=False)),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                ("slug", models.SlugField(max_length=100, verbose_name="slug")),
                (
                    "locale",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="wagtailcore.locale",
                        verbose_name="locale",
                    ),
                ),
            ],
            options={
                "verbose_name": "tag",
                "verbose_name_plural": "tags",
                "ordering": ["name"],
                "abstract": False,
                "unique_together": {("translation_key", "locale")},
                "constraints": [
                    models.UniqueConstraint(fields=("locale", "name"), name="news_tag_name_unique_in_its_language"),
                    models.UniqueConstraint(fields=("locale", "slug"), name="news_tag_slug_unique_in_its_language"),
                ],
            },
        ),
        migrations.AddField(
            model_name="articletag",
            name="news_tag",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, to="news.newstag"),
        ),
        migrations.RunPython(to_news_tags),
        migrations.RemoveField(model_name="articletag", name="tag"),
        migrations.RenameField(model_name="articletag", old_name="news_tag", new_name="tag"),
        migrations.AlterField(
            model_name="articletag",
            name="tag",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="tagged_articles", to="news.newstag"
            ),
        ),
        migrations.AlterField(
            model_name="newsarticlepage",
            name="tags",
            field=news.models.ArticleTagsField(
                blank=True,
                help_text="A comma-separated list of tags.",
                through="news.ArticleTag",
                to="news.NewsTag",
                verbose_name="tags",
            ),
        ),
    ]
