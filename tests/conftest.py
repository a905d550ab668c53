import os
import uuid

import pytest
import redis
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import call_command
from wagtail.documents import get_document_model
from wagtail.models import Locale, Page, Site

from editorial import roles
from editorial.roles import APPROVERS, EDITORS, TRANSLATORS
from home.agencies import add_agency_site
from home.demo import add_sidebar_box, demo_image, translate
from home.models import AgencyProfile, HomePage, InfoBox, PortalSettings
from ops import cache as resilient_cache


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    # A test's Redis failure must not make the next tests skip that Redis (ops/cache.py).
    resilient_cache._unavailable_until.clear()
    yield
    cache.clear()


@pytest.fixture
def locales(db):
    return Locale.objects.get(language_code="vi"), Locale.objects.get(language_code="en")


@pytest.fixture
def site(locales):
    """A small site: the Vietnamese home page as the default site's root, its English
    translation made through wagtail-localize, and an agency profile in both languages."""
    vi, en = locales
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Trang chủ", slug="trang-chu", locale=vi))
    home.save_revision().publish()
    site = Site.objects.get(is_default_site=True)
    old_root = site.root_page
    site.root_page = home
    site.save()
    old_root.delete()
    translate(home, en, {"Trang chủ": "Home"})
    agency = AgencyProfile.objects.create(
        locale=vi, portal_name="Cổng thông tin điện tử", name="Ủy ban nhân dân phường Thử Nghiệm"
    )
    translate(agency, en, {"Cổng thông tin điện tử": "Web portal", agency.name: "Thu Nghiem Ward People's Committee"})
    settings = PortalSettings.for_site(site)
    settings.agency = agency
    settings.save()
    return site


@pytest.fixture
def info_box(site, locales):
    """An information box "Đường dây nóng" (English: "Hotline") in the sidebar."""
    vi, en = locales
    box = InfoBox.objects.create(locale=vi, title="Đường dây nóng", body="<p>0236 3 822 222</p>")
    translate(box, en, {"Đường dây nóng": "Hotline"})
    add_sidebar_box(site, "info_box", box)
    return box


@pytest.fixture
def home_vi(site):
    return site.root_page.specific


@pytest.fixture
def home_en(site, locales):
    return site.root_page.get_translation(locales[1]).specific


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    return Site.objects.get(is_default_site=True)


def pytest_collection_modifyitems(items):
    """Transactional tests empty the database when they end, Wagtail's root page, collection and
    locales included; `serialized_rollback` puts that initial content back for the next one.
    A transactional test without it breaks the tests that follow, so it is refused here."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            raise pytest.UsageError(
                f"{item.nodeid}: use @pytest.mark.django_db(transaction=True, serialized_rollback=True)"
            )


# --- News (tests/test_news*.py) -------------------------------------------------------------


@pytest.fixture
def department(locales):
    """The publishing unit "Văn phòng", translated into English."""
    from home.models import Department

    vi, en = locales
    department = Department.objects.create(locale=vi, name="Văn phòng")
    translate(department, en, {"Văn phòng": "Office"})
    return department


@pytest.fixture
def make_category(home_vi):
    """Publish a news category (under the Vietnamese home page unless `parent` is given)."""
    from news.models import NewsIndexPage

    def make(title, parent=None):
        category = (parent or home_vi).add_child(instance=NewsIndexPage(title=title))
        category.save_revision().publish()
        return category

    return make


@pytest.fixture
def news_category(make_category):
    return make_category("Tin tức - Sự kiện")


@pytest.fixture
def sub_category(make_category, news_category):
    return make_category("Chuyển đổi số", parent=news_category)


@pytest.fixture
def make_article(news_category, department):
    """Publish an article (in `news_category` unless `parent` is given)."""
    from wagtail.rich_text import RichText

    from news.models import NewsArticlePage

    def make(title, parent=None, tags=(), **fields):
        fields = {
            "lead": f"Tóm tắt: {title}",
            "department": department,
            "body": [("paragraph", RichText(f"<p>Nội dung: {title}</p>"))],
            **fields,
        }
        article = (parent or news_category).add_child(instance=NewsArticlePage(title=title, **fields))
        article.tags.add(*tags)
        article.save_revision().publish()
        return article

    return make


# --- Editorial roles (tests/test_roles.py, test_workflow.py, test_dashboard.py) ---------------


@pytest.fixture
def role_user(db):
    """Make a user in one of the editorial groups (editorial.roles), with an e-mail address."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    def make(group, username):
        user = get_user_model().objects.create_user(
            username, f"{username}@example.com", "password", first_name=username.title()
        )
        user.groups.add(Group.objects.get(name=group))
        return user

    return make


# --- Several agencies (tests/test_chosen_media.py, test_agency_snippets.py) --------------------


@pytest.fixture
def ward(home_vi, department, role_user):
    """A ward with staff and a collection of its own, its news category, its editor, approver and
    translator, one photo and one document in its collection, and one of each in the district's
    (the portal's roles') collection."""
    site = add_agency_site("Ủy ban nhân dân phường K", "phuong-k.example.vn", 80)
    home = Page.objects.get(pk=site.root_page_id)
    staff = roles.give_to_own_staff(home, site.site_name)
    from news.models import NewsIndexPage

    category = home.add_child(instance=NewsIndexPage(title="Tin phường K"))
    category.save_revision().publish()
    editor = role_user(EDITORS, "bientap_k")
    editor.groups.set([staff.editors])
    approver = role_user(APPROVERS, "pheduyet_k")
    approver.groups.set([staff.approvers])
    translator = role_user(TRANSLATORS, "biendich_k")
    translator.groups.set([staff.translators])

    def document(title, collection=None):
        item = get_document_model()(title=title, **({"collection": collection} if collection else {}))
        item.file.save(f"{title}.txt", ContentFile(b"Van ban"), save=False)
        item.save()
        return item

    own_photo = demo_image("Ảnh phường K", seed=11)
    own_photo.collection = staff.collection
    own_photo.save()
    return {
        "site": site,
        "category": category,
        "editor": editor,
        "approver": approver,
        "translator": translator,
        "own_photo": own_photo,
        "own_document": document("Kế hoạch phường K", staff.collection),
        "district_photo": demo_image("Ảnh của quận", seed=12),
        "district_document": document("Kế hoạch của quận", roles.portal_collection()),
    }


# The Redis server of the tests that need one (127.0.0.1 in CI).
REDIS_URL = os.environ.get("CI_REDIS_URL", "redis://127.0.0.1:6379/3")


@pytest.fixture
def redis_prefix():
    """(client, key prefix) of the test Redis at REDIS_URL: the test's keys start with the prefix
    (CACHE_KEY_PREFIX) and are deleted afterwards. Skips the test when Redis does not answer."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"this test needs Redis at {REDIS_URL} (CI_REDIS_URL), which is unreachable: {error}")
    prefix = f"test-{uuid.uuid4().hex}"
    yield client, prefix
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)
    client.close()
