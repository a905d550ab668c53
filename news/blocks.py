"""The blocks of an article's body. Each has a template in templates/news/blocks/ and a preview
(description and preview value) in the admin's block picker."""

import copy
import uuid
from urllib.parse import urlsplit

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock as WagtailTableBlock
from wagtail.documents import get_document_model
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock, EmbedValue
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.format import embed_to_frontend_html
from wagtail.embeds.models import Embed
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock as WagtailImageChooserBlock
from wagtail.rich_text import RichText, expand_db_html
from wagtail_localize.segments import StringSegmentValue

from home.choosing import choosable
from home.translation import alt_text_language

# Headings have a block of their own; paragraphs keep to emphasis, links and lists.
PARAGRAPH_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]
PREVIEW_TEMPLATE = "news/blocks/preview.html"


class ChosenMediaPreview:
    """The block picker's preview shows the newest image (or document: `preview_media`) that the
    editor may choose, not the library's newest, which may be another agency's: the block's
    `preview_value` takes it as its argument (None, until the request is known)."""

    preview_media = staticmethod(get_image_model)

    def get_preview_context(self, value, parent_context=None):
        context = super().get_preview_context(value, parent_context)
        media = choosable(context["request"].user, self.preview_media()).order_by("-created_at").first()
        context["bound_block"] = self.bind(self.normalize(self.meta.preview_value(media)))
        return context


class ImageChooserBlock(WagtailImageChooserBlock):
    """Fetches the renditions of a stream's images together with the images, so that a page
    costs the same number of queries with one image or with a gallery of 24."""

    def bulk_to_python(self, values):
        images = self.model_class.objects.prefetch_renditions().in_bulk(values)
        return [images.get(pk) for pk in values]

    def get_searchable_content(self, value):
        # The templates give each photo its default alternative text (description or title),
        # which is part of what the article says, in the site's main language: not part of a
        # translation's text (search.index reads a page's text in its language).
        if value and alt_text_language() is None:
            return [value.default_alt_text]
        return []


class _ExpandedTogether:
    """The front-end HTML of the paragraphs of one stream, expanded in one pass: the pages and
    documents their links name are fetched once for them all, not a paragraph at a time."""

    def __init__(self, sources):
        self.sources = sources

    @cached_property
    def html(self):
        separator = f"<!--{uuid.uuid4().hex}-->"  # which no expanded link or text can contain
        parts = expand_db_html(separator.join(self.sources)).split(separator)
        if len(parts) != len(self.sources):  # a tag left open at a paragraph's end took a separator in
            return [expand_db_html(source) for source in self.sources]
        return parts


class ParagraphText(RichText):
    def __init__(self, source, batch, index):
        super().__init__(source)
        self.batch, self.index = batch, index

    def __html__(self):
        if self.source != self.batch.sources[self.index]:  # changed since: on its own
            return super().__html__()
        return render_to_string("wagtailcore/shared/richtext.html", {"html": self.batch.html[self.index]})


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=PARAGRAPH_FEATURES, **kwargs)

    def bulk_to_python(self, values):
        batch = _ExpandedTogether([value or "" for value in values])
        return [ParagraphText(source, batch, index) for index, source in enumerate(batch.sources)]

    class Meta:
        icon = "pilcrow"
        label = _("Paragraph")
        template = "news/blocks/paragraph.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = RichText(
            "<p>Sáng nay, Ủy ban nhân dân quận tổ chức <b>hội nghị sơ kết</b> công tác sáu tháng đầu năm.</p>"
        )
        description = _("Text with bold, italic, links and lists.")


class HeadingBlock(blocks.CharBlock):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Straight in the stream, the block's input has no <label>: it takes the block's name.
        self.field.widget.attrs["aria-label"] = self.meta.label

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "news/blocks/heading.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = "Kết quả nổi bật"
        description = _("A subheading that divides a long article into sections.")


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    # The image's own text (its description) is shared by every language of every page showing it;
    # this one is the article's, and translators translate it with the article.
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        required=False,
        # What photos added before this field have: wagtail-localize cannot translate a None.
        default="",
        max_length=250,
        help_text=_(
            "What the photo shows, for readers who cannot see it. Left empty, the image's own "
            "description is used, in every language."
        ),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False)

    def get_searchable_content(self, value):
        # A photo with a text of its own is read as that text, not as its image's description.
        names = [name for name in self.child_blocks if not (name == "image" and value.get("alt_text"))]
        return [text for name in names for text in self.child_blocks[name].get_searchable_content(value.get(name))]

    class Meta:
        icon = "image"
        label = _("Photo")


class ImageBlock(ChosenMediaPreview, CaptionedImageBlock):
    credit = blocks.CharBlock(label=_("Credit"), required=False, help_text=_("Who took the photo."))

    class Meta:
        label = _("Image")
        template = "news/blocks/image.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = staticmethod(
            lambda image=None: {"image": image, "caption": "Quang cảnh hội nghị", "credit": "Ảnh: Minh Anh"}
        )
        description = _("A photo with its caption and credit.")


class GalleryBlock(ChosenMediaPreview, blocks.StructBlock):
    intro = blocks.CharBlock(
        label=_("Introduction"),
        required=False,
        help_text=_('A line above the photos, e.g. "Một số hình ảnh tại Hội nghị:"'),
    )
    images = blocks.ListBlock(CaptionedImageBlock(), label=_("Photos"), min_num=1)

    class Meta:
        icon = "copy"
        label = _("Gallery")
        template = "news/blocks/gallery.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = staticmethod(
            lambda image=None: {
                "intro": "Một số hình ảnh tại Hội nghị:",
                "images": [{"image": image, "caption": f"Ảnh {number}"} for number in (1, 2, 3)],
            }
        )
        description = _("A grid of photos that open full size, one after another.")


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False, help_text=_("Who said it."))

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "news/blocks/quote.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {
            "quote": "Mỗi cán bộ phải thật sự gần dân, hiểu dân và có trách nhiệm với dân.",
            "attribution": "Chủ tịch UBND quận",
        }
        description = _("Words of a speaker, set apart from the text.")


class _EmbedsTogether:
    """The front-end HTML of the stored embeds of a stream's videos, found together as the first
    of them is rendered, not one query a video."""

    def __init__(self, hashes):
        self.hashes = hashes

    @cached_property
    def html(self):
        embeds = Embed.objects.exclude(cache_until__lte=timezone.now()).filter(hash__in=self.hashes)
        return {embed.hash: render_to_string("wagtailembeds/embed_frontend.html", {"embed": embed}) for embed in embeds}


class VideoValue(EmbedValue):
    def __init__(self, value, batch):
        super().__init__(value.url, value.max_width, value.max_height)
        self.batch = batch

    @cached_property
    def html(self):
        found = self.batch.html.get(get_embed_hash(self.url, self.max_width, self.max_height))
        # Not stored (or out of date): fetched from its site, as Wagtail does.
        return embed_to_frontend_html(self.url, self.max_width, self.max_height) if found is None else found


class VideoEmbedBlock(EmbedBlock):
    def bulk_to_python(self, values):
        videos = super().bulk_to_python(values)
        batch = _EmbedsTogether({get_embed_hash(v.url, v.max_width, v.max_height) for v in videos if v})
        return [VideoValue(video, batch) if video else video for video in videos]


class VideoBlock(blocks.StructBlock):
    video = VideoEmbedBlock(label=_("Video address"), max_width=800, help_text=_("e.g. a YouTube address."))
    caption = blocks.CharBlock(label=_("Caption"), required=False)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "news/blocks/video.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {"video": "https://www.youtube.com/watch?v=aqz-KE-bpKQ", "caption": "Phóng sự"}
        description = _("A video from a video site, played in the page when the reader asks (else a link).")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["host"] = (urlsplit(value["video"].url).hostname or "").removeprefix("www.") if value["video"] else ""
        return context


class DocumentBlock(ChosenMediaPreview, blocks.StructBlock):
    preview_media = staticmethod(get_document_model)
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Title"), required=False, help_text=_("Leave blank to use the document's title."))

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "news/blocks/document.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = staticmethod(lambda document=None: {"document": document, "title": "Kế hoạch tổ chức Hội nghị"})
        description = _("A file to download, with its type and size.")


class TableBlock(WagtailTableBlock):
    """Wagtail's table, whose caption and cells translators can translate: wagtail-localize
    leaves field blocks it does not know untranslated unless they offer these two methods."""

    def get_translatable_segments(self, value):
        segments = [
            StringSegmentValue(f"cell-{row}-{col}", cell)
            for row, cells in enumerate(value.get("data") or [])
            for col, cell in enumerate(cells)
            if cell and cell.strip()
        ]
        if value.get("table_caption"):
            segments.append(StringSegmentValue("caption", value["table_caption"]))
        return segments

    def get_searchable_content(self, value):
        caption = (value or {}).get("table_caption")
        return super().get_searchable_content(value) + ([caption] if caption else [])

    def restore_translated_segments(self, value, segments):
        value = copy.deepcopy(value)
        for segment in segments:
            if segment.path == "caption":
                value["table_caption"] = segment.render_text()
            else:
                _cell, row, col = segment.path.split("-")
                value["data"][int(row)][int(col)] = segment.render_text()
        return value

    class Meta:
        icon = "table"
        label = _("Table")
        template = "news/blocks/table.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {
            "first_row_is_table_header": True,
            "first_col_is_header": False,
            "table_caption": "Kết quả thu ngân sách",
            "data": [["Nội dung", "Kế hoạch", "Thực hiện"], ["Thu ngân sách", "1.200 tỷ", "1.315 tỷ"]],
        }
        description = _("Rows and columns of figures or text.")


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = ParagraphBlock()
    heading = HeadingBlock()
    image = ImageBlock()
    gallery = GalleryBlock()
    quote = QuoteBlock()
    video = VideoBlock()
    document = DocumentBlock()
    table = TableBlock()
