"""Demo content of the site itself: the home pages, the agency, the sidebar.

Every app's `demo.load()` is idempotent: it looks up what it would create first, so running
`load_demo` twice changes nothing. Text is written for the demo; images are drawn with Pillow.
"""

import io
import random

from django.core.files.images import ImageFile
from django.core.management.base import CommandError
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import DraftStateMixin, Locale, Page, Site
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource

from editorial.roles import portal_collection

from .agencies import open_site
from .models import AgencyProfile, Department, HomePage, InfoBox, PortalSettings

DEMO_COLLECTION = "Ảnh minh họa"
# Where the demo site is served unless `load_demo --admin-url` names another address (`make run`'s).
DEMO_HOSTNAME, DEMO_PORT = "127.0.0.1", 8000


def locales():
    return Locale.objects.get(language_code="vi"), Locale.objects.get(language_code="en")


def demo_collection():
    """The demo's images' collection, in the portal's, where the portal's roles choose them."""
    portal = portal_collection()
    return portal.get_children().filter(name=DEMO_COLLECTION).first() or portal.add_child(name=DEMO_COLLECTION)


def demo_image(title, seed, size=(1200, 800)):
    """An image of the demo collection, drawn from `seed` (the same seed draws the same picture)."""
    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    rng = random.Random(seed)
    width, height = size
    top, bottom = (rng.randrange(40, 200) for _ in range(2))
    canvas = PILImage.new("RGB", size)
    draw = ImageDraw.Draw(canvas)
    for y in range(height):
        share = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=(int(top * (1 - share) + 30 * share), 90, int(bottom * share + 120 * (1 - share))),
        )
    for _ in range(12):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(30, 200)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=tuple(rng.randrange(80, 255) for _ in range(3)))
    buffer = io.BytesIO()
    canvas.save(buffer, "JPEG", quality=82)
    image = Image(title=title, collection=demo_collection())
    image.file = ImageFile(buffer, name=f"demo-{seed}.jpg")
    image.save()
    return image


def translate(instance, locale, strings):
    """Translate a page or snippet the way a translator does in wagtail-localize.

    `strings` maps source segments (as the translation editor shows them) to their
    translations; segments left out keep the source text. Returns the translated instance;
    does nothing if the translation already exists.
    """
    existing = instance.get_translation_or_none(locale)
    if existing is not None:
        return existing
    source, _created = TranslationSource.get_or_create_from_instance(instance)
    translation, _created = Translation.objects.get_or_create(source=source, target_locale=locale)
    for segment in StringSegment.objects.filter(source=source).select_related("string", "context"):
        if segment.string.data in strings:
            StringTranslation.objects.update_or_create(
                translation_of=segment.string,
                locale=locale,
                context=segment.context,
                defaults={"data": strings[segment.string.data], "translation_type": "manual"},
            )
    # wagtail-localize publishes on commit; publishing here works inside a transaction too.
    draftable = isinstance(instance, DraftStateMixin)
    translation.save_target(publish=not draftable)
    if draftable:
        instance.get_translation(locale).get_latest_revision().publish()
    return instance.get_translation(locale)


def _home_pages(vi, en, hostname, port):
    root = Page.get_first_root_node()
    home = HomePage.objects.filter(locale=vi).first()
    if home is None:
        home = root.add_child(
            instance=HomePage(
                title="Trang chủ",
                slug="trang-chu",
                locale=vi,
                lead="Cổng thông tin điện tử của Ủy ban nhân dân quận: tin tức, thông báo và "
                "ý kiến của người dân về chất lượng phục vụ.",
            )
        )
        home.save_revision().publish()
    site = Site.objects.filter(root_page=home).first()
    if site is None:
        site = open_site(home, hostname, port, "Hải Châu")
    elif (site.hostname, site.port) != (hostname, port):
        # Its pages name their own address (canonical link, Open Graph, JSON-LD, the printed source)
        # with the site's: a demo served on another port moves there.
        if Site.objects.filter(hostname=hostname, port=port).exists():
            raise CommandError(
                f"Another site is at {hostname}:{port}: the demo site stays at {site.hostname}:{site.port}."
            )
        site.hostname, site.port = hostname, port
        site.save(update_fields=["hostname", "port"])
    translate(
        home,
        en,
        {
            "Trang chủ": "Home",
            home.lead: "The web portal of the district People's Committee: news, announcements "
            "and citizens' views on the quality of its services.",
        },
    )
    return site, home


def _agency(vi, en, site):
    agency = AgencyProfile.objects.filter(locale=vi).first()
    if agency is None:
        agency = AgencyProfile.objects.create(
            locale=vi,
            site=site,
            portal_name="Cổng thông tin điện tử",
            name="Ủy ban nhân dân quận Hải Châu",
            parent_name="Thành phố Đà Nẵng",
            logo=demo_image("Biểu trưng quận", seed=1, size=(240, 240)),
            address="270 Trưng Nữ Vương, phường Bình Thuận, quận Hải Châu, thành phố Đà Nẵng",
            phone="0236 3 822 222",
            email="ubndhaichau@danang.gov.vn",
            footer_text="<p>Chịu trách nhiệm chính: Chánh Văn phòng HĐND và UBND quận.</p>"
            "<p>Ghi rõ nguồn khi phát hành lại thông tin từ cổng thông tin này.</p>",
        )
    translate(
        agency,
        en,
        {
            "Cổng thông tin điện tử": "Web portal",
            "Ủy ban nhân dân quận Hải Châu": "Hai Chau District People's Committee",
            "Thành phố Đà Nẵng": "Da Nang City",
            agency.address: "270 Trung Nu Vuong Street, Binh Thuan Ward, Hai Chau District, Da Nang City",
            "Chịu trách nhiệm chính: Chánh Văn phòng HĐND và UBND quận.": "Responsible for the content: "
            "Chief of the Office of the District People's Council and People's Committee.",
            "Ghi rõ nguồn khi phát hành lại thông tin từ cổng thông tin này.": "Please cite this portal "
            "when republishing its information.",
        },
    )
    return agency


def _hotline_box(vi, en, site):
    box = InfoBox.objects.filter(locale=vi).first()
    if box is None:
        box = InfoBox.objects.create(
            locale=vi,
            site=site,
            title="Đường dây nóng",
            body="<p>Tiếp nhận phản ánh, kiến nghị: <b>0236 3 822 222</b></p>"
            "<p>Giờ làm việc: sáng 7h30–11h30, chiều 13h30–17h00, thứ Hai đến thứ Sáu.</p>",
        )
    translate(
        box,
        en,
        {
            "Đường dây nóng": "Hotline",
            "Tiếp nhận phản ánh, kiến nghị: <b>0236 3 822 222</b>": "Feedback and requests: <b>0236 3 822 222</b>",
            "Giờ làm việc: sáng 7h30–11h30, chiều 13h30–17h00, thứ Hai đến thứ Sáu.": "Office hours: "
            "7:30–11:30 and 13:30–17:00, Monday to Friday.",
        },
    )
    return box


def department(site, name, english):
    """The site's department called `name`, with its English translation (news and polls share
    them)."""
    vi, en = locales()
    unit = Department.objects.filter(locale=vi, name=name).first() or Department.objects.create(
        locale=vi, name=name, site=site
    )
    translate(unit, en, {name: english})
    return unit


def add_sidebar_box(site, block_type, value):
    """Place a box in the site's sidebar unless it is already there."""
    portal_settings = PortalSettings.for_site(site)
    if any(block.block_type == block_type for block in portal_settings.sidebar):
        return
    portal_settings.sidebar.append((block_type, value))
    portal_settings.save()


def load(hostname=DEMO_HOSTNAME, port=DEMO_PORT):
    """The demo's home pages, agency and sidebar, its site served at hostname:port."""
    vi, en = locales()
    site, _home = _home_pages(vi, en, hostname, port)
    portal_settings = PortalSettings.for_site(site)
    if portal_settings.agency_id is None:
        portal_settings.agency = _agency(vi, en, site)
        portal_settings.save()
    else:
        _agency(vi, en, site)
    add_sidebar_box(site, "info_box", _hotline_box(vi, en, site))
