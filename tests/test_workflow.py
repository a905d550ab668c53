"""Issue 7: the approval workflow "Phê duyệt tin bài" (editors submit, approvers approve or ask for
changes), scheduled publishing and expiry, the approver shown in the admin, history and revision
comparison, and the live preview with its sizes and accessibility checker."""

import json
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import PageLogEntry, TaskState, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from editorial.approvals import attach_approvers, with_approver_id
from editorial.roles import ADMINISTRATORS, APPROVAL_TASK, APPROVERS, EDITORS, WORKFLOW
from home.text import slugify_vi
from news.blocks import PARAGRAPH_FEATURES
from news.models import NewsArticlePage

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def editor(role_user):
    return role_user(EDITORS, "bientap")


@pytest.fixture
def approver(role_user):
    return role_user(APPROVERS, "pheduyet")


def article_form(title, department, **fields):
    return nested_form_data(
        {
            "title": title,
            "slug": slugify_vi(title),
            "lead": f"Tóm tắt: {title}",
            "publication_date": "",
            "department": department.pk,
            "byline": "",
            "featured_image": "",
            "tags": "",
            "body": streamfield([("paragraph", rich_text(f"<p>Nội dung: {title}</p>", features=PARAGRAPH_FEATURES))]),
            "related_links": inline_formset([]),
            # The comments' formset, empty, as the editor's browser sends it (without it, Wagtail
            # leaves the formset out of the form).
            "comments": inline_formset([]),
            "seo_title": "",
            "search_description": "",
            "go_live_at": "",
            "expire_at": "",
            **fields,
        }
    )


def add_article(client, category, department, title, action, **fields):
    """Create an article in the admin as the signed-in user, with the given action button."""
    url = reverse("wagtailadmin_pages:add", args=("news", "newsarticlepage", category.pk))
    response = client.post(url, article_form(title, department, **{action: action, **fields}))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return NewsArticlePage.objects.get(slug=slugify_vi(title))


def task_state_of(page):
    return TaskState.objects.get(workflow_state__object_id=str(page.pk))


def approver_of(page):
    return attach_approvers(with_approver_id(NewsArticlePage.objects.filter(pk=page.pk)))[0].approver


def workflow_action(client, page, action, comment=""):
    state = WorkflowState.objects.get(object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS)
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, state.current_task_state.pk])
    return client.post(url, {"comment": comment} if comment else {})


# --- Editors submit, approvers decide -----------------------------------------------------------


def test_an_editor_cannot_publish_a_news_article_directly(client, news_category, department, editor, make_article):
    client.force_login(editor)
    form = client.get(reverse("wagtailadmin_pages:add", args=("news", "newsarticlepage", news_category.pk))).text
    assert 'name="action-submit"' in form and 'name="action-publish"' not in form

    # Pressing a publish button that is not there saves a draft.
    draft = add_article(client, news_category, department, "Tin biên tập viên tự đăng", "action-publish")
    assert not draft.live and not draft.first_published_at

    article = make_article("Tin đã duyệt")
    assert not article.permissions_for_user(editor).can_publish()
    edit_url = reverse("wagtailadmin_pages:edit", args=[article.pk])
    assert 'name="action-publish"' not in client.get(edit_url).text
    data = article_form("Tin đã duyệt - sửa chưa duyệt", department, slug=article.slug)
    assert client.post(edit_url, {**data, "action-publish": "action-publish"}).status_code == 302
    article.refresh_from_db()
    assert article.title == "Tin đã duyệt" and article.has_unpublished_changes
    client.logout()
    assert "Tin đã duyệt - sửa chưa duyệt" not in client.get(article.url).text


def test_a_submission_waits_for_an_approver_whose_approval_publishes_it(
    client, news_category, department, editor, approver
):
    client.force_login(editor)
    article = add_article(client, news_category, department, "Phường ra quân làm sạch bãi biển", "action-submit")
    assert not article.live
    state = task_state_of(article)
    assert state.status == TaskState.STATUS_IN_PROGRESS
    assert state.task.name == APPROVAL_TASK and state.workflow_state.workflow.name == WORKFLOW
    # The approvers are told (Wagtail's notification e-mail, in the admin's language).
    assert [message.to for message in mail.outbox] == [[approver.email]]
    assert "Phường ra quân làm sạch bãi biển" in mail.outbox[0].body
    mail.outbox.clear()

    # Editors cannot approve their own submission.
    assert workflow_action(client, article, "approve").status_code in (302, 403)
    article.refresh_from_db()
    assert not article.live

    client.force_login(approver)
    assert article.title in client.get(reverse("wagtailadmin_home")).text  # "Awaiting your review"
    assert workflow_action(client, article, "approve", "Đồng ý đăng").status_code == 302
    article.refresh_from_db()
    assert article.live and article.publication_date == article.first_published_at
    assert [message.to for message in mail.outbox] == [[editor.email]]
    assert client.get(article.url).status_code == 200


def test_a_rejection_leaves_the_article_unpublished_and_tells_the_editor_why(
    client, news_category, department, editor, approver
):
    client.force_login(editor)
    article = add_article(client, news_category, department, "Thông báo lịch tiếp công dân", "action-submit")
    mail.outbox.clear()

    client.force_login(approver)
    comment = "Đề nghị bổ sung địa điểm tiếp công dân."
    assert workflow_action(client, article, "reject", comment).status_code == 302
    article.refresh_from_db()
    assert not article.live
    state = task_state_of(article)
    assert state.status == TaskState.STATUS_REJECTED and state.comment == comment and state.finished_by == approver
    assert [message.to for message in mail.outbox] == [[editor.email]]
    assert comment in mail.outbox[0].body and article.title in mail.outbox[0].body

    # Back with the editor: the dashboard shows it, and the editor may resubmit.
    client.force_login(editor)
    assert article.title in client.get(reverse("wagtailadmin_home")).text
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[article.pk])).text
    assert comment in edit and "action-restart-workflow" in edit


def test_approval_with_a_go_live_time_schedules_the_article(client, news_category, department, editor, approver):
    go_live = datetime(2031, 1, 5, 8, 0, tzinfo=LOCAL)
    with time_machine.travel(go_live - timedelta(days=1), tick=False):
        client.force_login(editor)
        article = add_article(
            client,
            news_category,
            department,
            "Lịch nghỉ Tết Nguyên đán",
            "action-submit",
            go_live_at=go_live.strftime("%Y-%m-%d %H:%M"),
        )
        client.force_login(approver)
        assert workflow_action(client, article, "approve").status_code == 302
        article.refresh_from_db()
        assert not article.live and article.approved_schedule
        call_command("publish_scheduled")
        article.refresh_from_db()
        assert not article.live
    with time_machine.travel(go_live + timedelta(minutes=1), tick=False):
        call_command("publish_scheduled")
    article.refresh_from_db()
    assert article.live and article.first_published_at == go_live + timedelta(minutes=1)
    assert article.publication_date == article.first_published_at
    # The approver scheduled it; publish_scheduled published it on no one's behalf.
    assert approver_of(article) == approver


def test_a_publication_date_later_than_the_go_live_time_is_refused_and_nothing_is_saved(
    client, news_category, department, editor
):
    now = datetime(2030, 6, 1, 9, 0, tzinfo=LOCAL)
    url = reverse("wagtailadmin_pages:add", args=("news", "newsarticlepage", news_category.pk))
    with time_machine.travel(now, tick=False):
        client.force_login(editor)
        future = (now + timedelta(days=30)).strftime("%Y-%m-%d %H:%M")
        response = client.post(
            url, article_form("Tin đặt ngày tương lai", department, publication_date=future, **{"action-submit": "1"})
        )
        assert response.status_code == 200
        assert "Ngày đăng tin không được muộn hơn thời điểm tin bài được xuất bản" in response.text
        assert not NewsArticlePage.objects.filter(title="Tin đặt ngày tương lai").exists()
        # Scheduled to go live then, the article may carry that date; back-dating is always allowed.
        scheduled = add_article(
            client,
            news_category,
            department,
            "Tin hẹn giờ",
            "action-submit",
            publication_date=future,
            go_live_at=future,
        )
        past = (now - timedelta(days=400)).strftime("%Y-%m-%d %H:%M")
        back_dated = add_article(
            client, news_category, department, "Tin đăng lại", "action-submit", publication_date=past
        )
    assert scheduled.publication_date == now + timedelta(days=30)
    assert back_dated.publication_date == now - timedelta(days=400)


# --- Scheduled publishing and expiry --------------------------------------------------------------


def test_a_page_scheduled_for_a_past_time_is_published_by_publish_scheduled(news_category, department):
    go_live = datetime(2030, 3, 1, 7, 30, tzinfo=LOCAL)
    with time_machine.travel(go_live - timedelta(hours=2), tick=False):
        article = news_category.add_child(
            instance=NewsArticlePage(title="Tin hẹn giờ", lead="Tóm tắt", department=department, live=False)
        )
        article.go_live_at = go_live
        article.save_revision().publish()
        article.refresh_from_db()
        assert not article.live
    with time_machine.travel(go_live + timedelta(minutes=5), tick=False):
        call_command("publish_scheduled")
    article.refresh_from_db()
    assert article.live and article.first_published_at == go_live + timedelta(minutes=5)


def listed(client, url, title):
    return title in client.get(url).text


def in_sitemap(client, page):
    locations = {url.findtext(f"{SITEMAP}loc") for url in ET.fromstring(client.get("/sitemap.xml").content)}
    return page.get_full_url() in locations


def test_an_expired_article_leaves_listings_feeds_and_the_sitemap(client, make_article, news_category):
    expire = datetime(2030, 6, 30, 17, 0, tzinfo=LOCAL)
    with time_machine.travel(expire - timedelta(days=10), tick=False):
        article = make_article("Thông báo tuyển dụng viên chức", expire_at=expire)
        keep = make_article("Tin còn hiệu lực")
    article_url = article.url
    places = [news_category.url, "/vi/rss.xml", news_category.url + "rss/"]
    for url in places:
        assert listed(client, url, article.title) and listed(client, url, keep.title), url
    assert in_sitemap(client, article)

    with time_machine.travel(expire + timedelta(minutes=1), tick=False):
        call_command("publish_scheduled")
    article.refresh_from_db()
    assert not article.live and article.expired
    for url in places:
        assert not listed(client, url, article.title) and listed(client, url, keep.title), url
    assert not in_sitemap(client, article) and in_sitemap(client, keep)
    assert client.get(article_url).status_code == 404


# --- The approver, history and comparison in the admin --------------------------------------------


@pytest.fixture
def approved_article(client, news_category, department, editor, approver):
    client.force_login(editor)
    article = add_article(client, news_category, department, "Khánh thành nhà văn hóa tổ dân phố", "action-submit")
    client.force_login(approver)
    workflow_action(client, article, "approve")
    article.refresh_from_db()
    return article


def test_the_approver_of_the_published_version_is_shown_in_the_admin(client, approved_article, approver, editor):
    name = approver.get_full_name()
    client.force_login(editor)
    history = client.get(reverse("wagtailadmin_pages:history", args=[approved_article.pk])).text
    assert name in history
    assert PageLogEntry.objects.filter(page=approved_article, action="wagtail.workflow.approve", user=approver).exists()

    listing = client.get(reverse("news_articles:index")).text
    row = listing[listing.index(approved_article.title) :]
    assert name in row[: row.index("</tr>")]

    assert approver_of(approved_article) == approver


def test_history_revision_comparison_and_the_audit_log_are_on(client, approved_article, editor, department, role_user):
    client.force_login(editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=[approved_article.pk])
    data = article_form("Khánh thành nhà văn hóa tổ dân phố số 5", department, slug=approved_article.slug)
    assert client.post(edit_url, data).status_code == 302
    revisions = list(approved_article.revisions.order_by("created_at", "pk"))
    assert len(revisions) >= 2
    compare = [approved_article.pk, revisions[0].pk, revisions[-1].pk]
    response = client.get(reverse("wagtailadmin_pages:revisions_compare", args=compare))
    assert response.status_code == 200 and "số 5" in response.text
    assert client.get(reverse("wagtailadmin_pages:history", args=[approved_article.pk])).status_code == 200
    actions = set(PageLogEntry.objects.filter(page=approved_article).values_list("action", flat=True))
    assert {"wagtail.create", "wagtail.workflow.start", "wagtail.workflow.approve", "wagtail.publish"} <= actions
    assert "wagtail.edit" in actions

    # The site's audit log, for the administrators.
    client.force_login(role_user(ADMINISTRATORS, "quantri"))
    audit = client.get(reverse("wagtailadmin_reports:site_history"))
    assert audit.status_code == 200 and approved_article.title in audit.text


# --- Live preview ---------------------------------------------------------------------------------


def test_editors_preview_an_article_in_desktop_and_mobile_sizes_with_the_accessibility_checker(
    client, news_category, department, editor
):
    client.force_login(editor)
    article = add_article(client, news_category, department, "Tin xem trước khi gửi duyệt", "action-save")
    edit = BeautifulSoup(client.get(reverse("wagtailadmin_pages:edit", args=[article.pk])).content, "html.parser")
    sizes = {size["value"]: int(size["data-device-width"]) for size in edit.select('input[name="preview-size"]')}
    assert {"mobile", "desktop"} <= set(sizes) and sizes["mobile"] < sizes["desktop"]
    assert edit.find("script", id="checker-axe-configuration")

    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[article.pk])
    data = article_form("Tin xem trước - bản sửa", department, slug=article.slug)
    assert client.post(preview_url, data).json()["is_valid"]
    preview = client.get(preview_url, {"in_preview_panel": "true"})
    assert preview.status_code == 200 and "Tin xem trước - bản sửa" in preview.text
    # The checker runs in the preview: Wagtail's userbar carries its Axe configuration.
    config = BeautifulSoup(preview.content, "html.parser").find("script", id="checker-axe-configuration")
    assert json.loads(config.string)["options"]["runOnly"]
