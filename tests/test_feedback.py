"""Issue 4: citizen satisfaction polls: voting, results, reports, demo content."""

import codecs
import csv
import datetime
import hmac
import io
import os
import re
import threading
from importlib import import_module
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import OperationalError, connection
from django.db.models import ProtectedError
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from hypothesis import given
from hypothesis import strategies as st
from wagtail.models import Locale, Page, ReferenceIndex, Site
from wagtail_localize.models import StringSegment, Translation, TranslationSource

import ops.cache
from bench.run import free_port
from editorial.panels import sidebar_polls
from editorial.roles import APPROVERS, EDITORS, TRANSLATORS
from feedback.models import Survey, SurveyOption, SurveyResponse
from feedback.results import largest_remainder, percentages, satisfaction_rate
from home.demo import add_sidebar_box, translate
from home.models import Department, HomePage, PortalSettings
from home.signals import index_site_settings
from news.models import NewsIndexPage

SCALE = [
    ("Rất hài lòng", "Very satisfied"),
    ("Hài lòng", "Satisfied"),
    ("Bình thường", "Neutral"),
    ("Không hài lòng", "Dissatisfied"),
    ("Rất không hài lòng", "Very dissatisfied"),
]
QUESTION = "Bạn có hài lòng với chất lượng phục vụ của UBND phường?"
QUESTION_EN = "Are you satisfied with the service of the ward People's Committee?"
AGENCY_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def make_survey(locale, question=QUESTION, labels=None, opens_in_days=-30, closes_in_days=None, **fields):
    """A survey with the five-point scale (or `labels`), the first two counting as satisfied."""
    now = timezone.now()
    survey = Survey(
        locale=locale,
        question=question,
        opens_at=now + datetime.timedelta(days=opens_in_days),
        closes_at=now + datetime.timedelta(days=closes_in_days) if closes_in_days is not None else None,
        **fields,
    )
    labels = labels or [vi for vi, _en in SCALE]
    survey.options = [SurveyOption(label=label, counts_as_satisfied=i < 2) for i, label in enumerate(labels)]
    survey.save()
    return survey


@pytest.fixture
def survey(locales):
    vi, en = locales
    survey = make_survey(vi)
    translate(survey, en, {QUESTION: QUESTION_EN, **dict(SCALE)})
    return survey


@pytest.fixture
def poll_box(site, survey):
    add_sidebar_box(site, "poll", survey)
    return survey


def url(name, survey=None, language="vi"):
    with translation.override(language):
        return reverse(f"feedback:{name}", args=[survey.pk] if survey else [])


def options(survey):
    return list(survey.options.all())


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def shown_results(html_or_soup):
    """{label: votes} and the total, read from the data-poll-* marks of rendered results."""
    page = BeautifulSoup(html_or_soup, "html.parser") if isinstance(html_or_soup, str) else html_or_soup
    votes = {}
    for mark in page.select("[data-poll-votes]"):
        label = mark.find_parent("li").select_one(".poll-results__label").get_text(strip=True)
        assert mark.get_text(strip=True).replace(".", "").replace(",", "") == mark["data-poll-votes"]
        votes[label] = int(mark["data-poll-votes"])
    total = page.select_one("[data-poll-total]")
    return votes, int(total["data-poll-total"])


def post_vote(
    client,
    survey,
    option,
    language="vi",
    address="203.0.113.10",
    agent="Firefox",
    json=False,
    voter_cookie=True,
    **data,
):
    """A vote as a browser sends it; unless `voter_cookie` is False, the browser first got its
    voter id where a vote starts (the CSRF token endpoint, as poll.js does)."""
    if voter_cookie and "feedback_voter" not in client.cookies:
        client.get(url("csrf", language=language), REMOTE_ADDR=address, HTTP_USER_AGENT=agent)
    headers = {"HTTP_ACCEPT": "application/json"} if json else {}
    return client.post(
        url("vote", survey, language),
        {"option": option.pk if hasattr(option, "pk") else option, **data},
        REMOTE_ADDR=address,
        HTTP_USER_AGENT=agent,
        **headers,
    )


def form_fields(form):
    """What a browser submits for `form`: its fields' names and values (checked boxes only)."""
    fields = {}
    for field in form.select("input[name], textarea[name], select[name]"):
        kind = field.get("type", "text")
        unsent = field.find_parent("template") or field.find_parent("fieldset", disabled=True)
        if unsent or kind in ("submit", "button"):
            continue
        if kind in ("radio", "checkbox") and not field.has_attr("checked"):
            continue
        if field.name == "textarea":
            fields[field["name"]] = field.get_text().lstrip("\n")
        elif field.name == "select":
            chosen = field.select_one("option[selected]")
            fields[field["name"]] = chosen["value"] if chosen else ""
        else:
            fields[field["name"]] = field.get("value", "on" if kind in ("radio", "checkbox") else "")
    return fields


# --- Voting through the real form ---------------------------------------------------------------


def test_a_vote_through_the_real_form_is_stored_once_and_shows_in_the_results(poll_box, home_vi):
    browser = Client(enforce_csrf_checks=True, HTTP_USER_AGENT="Firefox", REMOTE_ADDR="203.0.113.10")
    home = soup(browser.get("/vi/"))
    box = home.select_one("[data-poll]")
    assert box.select_one(".box__title").get_text(strip=True) == QUESTION
    assert [label.get_text(strip=True) for label in box.select(".poll__option")] == [vi for vi, _en in SCALE]

    # Without JavaScript the box's form leads to the poll's own page, where the POST form is.
    box_form = box.select_one("form")
    choice = box_form.select("input[name=option]")[1]
    choice["checked"] = "checked"
    page = browser.get(box_form["action"], form_fields(box_form))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    form = soup(page).select_one("form.poll-form")
    assert form.select_one("input[name=option][checked]")["value"] == choice["value"]
    # The citizen who pressed "Bình chọn" in the box is told that the vote still waits for them.
    confirm = "Phiếu của bạn chưa được tính: hãy kiểm tra câu trả lời rồi nhấn “Bình chọn” để xác nhận."
    assert soup(page).select_one("main [role=status]").get_text(strip=True) == confirm
    assert not SurveyResponse.objects.exists()
    assert confirm not in browser.get(box_form["action"]).content.decode()  # not on a visit of the page

    response = browser.post(form["action"], form_fields(form))
    assert response.status_code == 302
    assert response["Location"] == url("survey", poll_box) + "?next=%2Fvi%2F#results"

    stored = SurveyResponse.objects.get()
    assert stored.survey == poll_box and stored.option == options(poll_box)[1]
    assert stored.language == "vi" and stored.page.pk == home_vi.pk

    after = browser.get(response["Location"])
    text = after.content.decode()
    assert "Cảm ơn bạn, phiếu bình chọn đã được ghi nhận." in text
    assert "Bạn đã tham gia cuộc bình chọn này." in text
    assert confirm not in text
    votes, total = shown_results(soup(after).select_one("#results"))
    assert votes == {"Rất hài lòng": 0, "Hài lòng": 1, "Bình thường": 0, "Không hài lòng": 0, "Rất không hài lòng": 0}
    assert total == 1
    assert soup(after).select_one("main a[href='/vi/']").get_text(strip=True) == "Quay lại trang bạn đang xem"


def test_the_box_sent_without_an_answer_says_so_on_the_poll_page(poll_box, home_vi):
    browser = Client(HTTP_USER_AGENT="Firefox")
    box_form = soup(browser.get("/vi/")).select_one("[data-poll] form")
    fields = form_fields(box_form)
    fields.pop("option", None)  # as a browser sends a group of radio buttons of which none is chosen
    page = soup(browser.get(box_form["action"], fields))
    alert = page.select_one("main [role=alert]")
    assert alert.get_text(strip=True) == "Vui lòng chọn một phương án trả lời."
    assert page.select_one("fieldset.poll__options")["aria-describedby"] == alert["id"]  # read with the answers
    assert page.select_one("main [role=status]") is None  # no vote waits to be confirmed
    assert not SurveyResponse.objects.exists()
    # The poll's page as a vote leaves it (back to the page read before) says nothing of the kind.
    assert soup(browser.get(url("survey", poll_box) + "?next=%2Fvi%2F")).select_one("main [role=alert]") is None


def test_the_box_sent_with_one_of_the_polls_answers_asks_to_confirm_it_and_a_closed_poll_says_it_is_closed(
    poll_box, locales
):
    chosen = options(poll_box)[2]
    page = soup(Client().get(url("survey", poll_box), {"option": chosen.pk, "website": ""}))
    assert page.select_one("main [role=alert]") is None
    confirm = "Phiếu của bạn chưa được tính: hãy kiểm tra câu trả lời rồi nhấn “Bình chọn” để xác nhận."
    assert page.select_one("main [role=status]").get_text(strip=True) == confirm
    assert page.select_one("form.poll-form input[name=option][checked]")["value"] == str(chosen.pk)
    # A closed poll says it is closed, whatever answer was sent.
    closed = make_survey(locales[0], opens_in_days=-10, closes_in_days=-1)
    for sent in (999999, ""):
        page = soup(Client().get(url("survey", closed), {"option": sent, "website": ""}))
        assert page.select_one("main [role=alert]") is None, sent
        assert "Cuộc bình chọn đã kết thúc." in page.select_one("main").get_text(), sent
    assert not SurveyResponse.objects.exists()


def test_a_post_without_a_valid_csrf_token_is_refused_in_the_visitors_language(poll_box):
    browser = Client(enforce_csrf_checks=True)
    option = options(poll_box)[0]

    # A browser that keeps no cookie is told what reloading would not mend.
    page = post_vote(browser, poll_box, option, voter_cookie=False)
    assert page.status_code == 403
    assert "Vui lòng cho phép cookie đối với trang này" in page.content.decode()

    page = post_vote(browser, poll_box, option)  # with the cookies, but no token
    assert page.status_code == 403
    assert "Không xác thực được phiếu bình chọn của bạn" in page.content.decode()

    forged = browser.post(url("vote", poll_box, "en"), {"option": option.pk, "csrfmiddlewaretoken": "x" * 64})
    assert forged.status_code == 403
    assert "Your vote could not be verified" in forged.content.decode()

    as_json = post_vote(browser, poll_box, option, json=True)
    assert as_json.status_code == 403
    assert "Không xác thực được" in as_json.json()["message"]
    assert not SurveyResponse.objects.exists()


def test_a_citizen_who_has_voted_is_told_so_when_a_vote_fails_the_csrf_check(poll_box):
    browser = Client()
    assert post_vote(browser, poll_box, options(poll_box)[0]).status_code == 302
    checked = Client(enforce_csrf_checks=True)
    checked.cookies = browser.cookies
    for forgotten in (False, True):
        if forgotten:  # the poll's cookie is gone, the stored vote says it all the same
            del checked.cookies[f"feedback_voted_{poll_box.pk}"]
        response = post_vote(checked, poll_box, options(poll_box)[1])  # no token
        assert response.status_code == 302 and f"feedback_voted_{poll_box.pk}" not in response.cookies
        main = soup(checked.get(response["Location"])).select_one("main").get_text(" ", strip=True)
        assert "Bạn đã tham gia cuộc bình chọn này." in main
        assert "Không xác thực được" not in main and "bình chọn lại" not in main
        as_json = post_vote(checked, poll_box, options(poll_box)[1], json=True)
        assert as_json.status_code == 409 and as_json.json()["message"] == "Bạn đã bình chọn rồi."
        assert shown_results(as_json.json()["html"])[1] == 1
    assert SurveyResponse.objects.get().option == options(poll_box)[0]


def test_cached_pages_carry_no_token_and_the_javascript_vote_gets_a_fresh_one(poll_box):
    # The page as a page cache would keep it, after another visitor's request.
    first = Client(enforce_csrf_checks=True)
    cached = first.get("/vi/")
    assert "csrftoken" not in cached.cookies
    html = cached.content.decode()
    assert "csrfmiddlewaretoken" not in html and "csrf_token" not in html

    # A different visitor gets that very HTML, and votes as poll.js does.
    box = BeautifulSoup(html, "html.parser").select_one("[data-poll]")
    visitor = Client(enforce_csrf_checks=True)
    token_response = visitor.get(box["data-poll-csrf-url"], HTTP_ACCEPT="application/json")
    assert "no-store" in token_response["Cache-Control"]
    token = token_response.json()["token"]
    form = box.select_one("form")
    form.select("input[name=option]")[0]["checked"] = "checked"
    response = visitor.post(
        box["data-poll-vote-url"], form_fields(form), HTTP_ACCEPT="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200
    assert response.json()["ok"] is True
    votes, total = shown_results(response.json()["html"])
    assert votes["Rất hài lòng"] == 1 and total == 1
    assert SurveyResponse.objects.count() == 1


def test_with_javascript_the_box_sends_the_comment_and_the_department_with_the_answer(poll_box):
    justice = Department.objects.create(locale=poll_box.locale, name="Phòng Tư pháp")
    box = soup(Client().get("/vi/")).select_one("[data-poll]")
    form = box.select_one("form")
    more = form.select_one("fieldset[data-poll-more]")
    # Without JavaScript they stay hidden and unsent: the poll's page asks for them.
    assert more.has_attr("hidden") and more.has_attr("disabled")
    form.select("input[name=option]")[1]["checked"] = "checked"
    assert {"comment", "service"}.isdisjoint(form_fields(form))
    comment = more.select_one("textarea[name=comment]")
    assert more.select_one(f"label[for={comment['id']}]").get_text(strip=True) == "Ý kiến của bạn (không bắt buộc):"
    assert comment["maxlength"] == "1000"
    service = more.select_one("select[name=service]")
    assert [option.get_text(strip=True) for option in service.select("option")] == ["Không nêu rõ", "Phòng Tư pháp"]
    assert more.select_one(f"label[for={service['id']}]") is not None

    # poll.js enables them.
    del more["disabled"], more["hidden"]
    comment.string = "Cán bộ hướng dẫn tận tình."
    for choice in service.select("option"):
        choice.attrs.pop("selected", None)
    service.select("option")[1]["selected"] = "selected"
    visitor = Client(enforce_csrf_checks=True)
    token = visitor.get(box["data-poll-csrf-url"], HTTP_ACCEPT="application/json").json()["token"]
    response = visitor.post(
        box["data-poll-vote-url"], form_fields(form), HTTP_ACCEPT="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200
    stored = SurveyResponse.objects.get()
    assert stored.option == options(poll_box)[1]
    assert stored.comment == "Cán bộ hướng dẫn tận tình." and stored.service == justice


def test_the_box_asks_only_what_the_poll_asks(site, locales):
    about_one_service = make_survey(
        locales[0], allow_comment=False, service=Department.objects.create(locale=locales[0], name="Phòng Tư pháp")
    )
    add_sidebar_box(site, "poll", about_one_service)
    assert soup(Client().get("/vi/")).select_one("[data-poll] [data-poll-more]") is None


@pytest.mark.parametrize("json", [False, True], ids=["html", "json"])
def test_a_comment_written_before_the_poll_stopped_taking_them_is_refused_not_dropped(poll_box, json):
    option = options(poll_box)[1]
    comment = "Cán bộ tiếp dân chưa đúng giờ."
    page = soup(Client().get(url("survey", poll_box)))
    assert page.select_one("form.poll-form textarea[name=comment]") is not None
    Survey.objects.filter(translation_key=poll_box.translation_key).update(allow_comment=False)

    response = post_vote(Client(), poll_box, option, json=json, comment=comment)
    assert response.status_code == 422
    message = "Cuộc bình chọn này không còn nhận ý kiến. Nếu muốn giữ ý kiến của mình, bạn hãy sao chép ra nơi khác"
    if json:
        assert response.json()["message"].startswith(message)
    else:
        form = soup(response).select_one("form.poll-form")
        assert form.select_one("input[name=option][checked]")["value"] == str(option.pk)
        assert form_fields(form)["comment"] == comment  # to be copied
        assert message in form.select_one("textarea[name=comment]").find_next(class_="errorlist").get_text()
    assert not SurveyResponse.objects.exists()

    # The citizen deletes it and votes again; a form without a comment is a vote as any.
    assert post_vote(Client(), poll_box, option, agent="Chrome", comment=" ").status_code == 302
    assert post_vote(Client(), poll_box, option, agent="Safari").status_code == 302
    assert list(SurveyResponse.objects.values_list("comment", flat=True)) == ["", ""]
    fresh = soup(Client().get(url("survey", poll_box)))
    assert fresh.select_one("form.poll-form textarea[name=comment]") is None


def test_a_refused_vote_keeps_what_the_citizen_chose_and_wrote(poll_box, monkeypatch):
    option = options(poll_box)[2]
    comment = "Thủ tục nhanh gọn."

    def form_as_returned(response):
        form = soup(response).select_one("form.poll-form")
        assert form.select_one("input[name=option][checked]")["value"] == str(option.pk)
        assert form_fields(form)["comment"] == comment

    # The CSRF check failed (a page left open overnight): the citizen reloads nothing, and votes again.
    browser = Client(enforce_csrf_checks=True, HTTP_ORIGIN="http://testserver")
    response = post_vote(browser, poll_box, option, comment=comment)
    assert response.status_code == 403
    form_as_returned(response)
    # Not so what another site posted: the citizen would then send its text as their own.
    response = post_vote(Client(enforce_csrf_checks=True, HTTP_ORIGIN="https://evil.example"), poll_box, option)
    assert response.status_code == 403
    refilled = form_fields(soup(response).select_one("form.poll-form"))
    assert "option" not in refilled and refilled["comment"] == ""

    def locked(self, *args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(SurveyResponse, "save", locked)
    response = post_vote(Client(), poll_box, option, comment=comment)
    assert response.status_code == 503
    form_as_returned(response)
    assert not SurveyResponse.objects.exists()


def test_a_vote_refused_early_for_the_rate_limit_keeps_what_the_citizen_chose_and_wrote(
    poll_box, settings, minute_start
):
    settings.FEEDBACK_VOTE_RATE_LIMIT = 1
    option = options(poll_box)[3]
    comment = "Phải chờ quá lâu."
    assert post_vote(Client(), poll_box, options(poll_box)[0], agent="a neighbour").status_code == 302

    response = post_vote(Client(HTTP_ORIGIN="http://testserver"), poll_box, option, comment=comment)
    assert response.status_code == 429
    form = soup(response).select_one("form.poll-form")
    assert form.select_one("input[name=option][checked]")["value"] == str(option.pk)
    assert form_fields(form)["comment"] == comment
    # Not so what another site posted.
    response = post_vote(Client(HTTP_ORIGIN="https://evil.example"), poll_box, option, comment=comment)
    assert response.status_code == 429
    assert form_fields(soup(response).select_one("form.poll-form"))["comment"] == ""
    assert SurveyResponse.objects.count() == 1


def test_a_vote_too_large_to_read_gets_the_poll_page_in_the_visitors_language(poll_box, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 100
    # As a browser's form sends it (Django reads a multipart body it refused as empty; this one, again).
    body = urlencode({"next": "/vi/", **{f"f{i}": "x" for i in range(500)}})
    for language, message in (
        ("vi", "Không đọc được phiếu bình chọn của bạn. Vui lòng bình chọn lại bằng biểu mẫu."),
        ("en", "Your vote could not be read. Please vote again using the form."),
    ):
        response = Client().post(url("vote", poll_box, language), body, "application/x-www-form-urlencoded")
        assert response.status_code == 400
        page = soup(response)
        assert page.select_one("main [role=alert]").get_text(strip=True) == message
        assert page.select_one("form.poll-form") is not None
    assert not SurveyResponse.objects.exists()


def test_the_departments_are_listed_in_the_order_of_their_names_in_the_visitors_language(site, locales):
    vi, en = locales
    survey = make_survey(vi)
    translate(survey, en, {QUESTION: QUESTION_EN, **dict(SCALE)})
    for name, english in (("Văn phòng", "Office"), ("Phòng Văn hóa", "Culture office"), ("Ban Tiếp công dân", None)):
        unit = Department.objects.create(locale=vi, name=name)
        if english:
            translate(unit, en, {name: english})

    def listed(language):
        select = soup(Client().get(url("survey", survey, language))).select_one("select[name=service]")
        return [(option.get_text(), option.get("lang")) for option in select.select("option")]

    assert listed("vi") == [
        ("Không nêu rõ", None),
        ("Ban Tiếp công dân", None),
        ("Phòng Văn hóa", None),
        ("Văn phòng", None),
    ]
    # A name not translated yet is marked as Vietnamese.
    assert listed("en") == [
        ("Not specified", None),
        ("Ban Tiếp công dân", "vi"),
        ("Culture office", None),
        ("Office", None),
    ]


def test_show_results_answers_with_the_results_alone_for_javascript(poll_box):
    post_vote(Client(), poll_box, options(poll_box)[2])
    response = Client().get(url("survey", poll_box), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "Accept" in response["Vary"]
    votes, total = shown_results(response.json()["html"])
    assert votes["Bình thường"] == 1 and total == 1

    box = soup(Client().get("/vi/")).select_one("[data-poll]")
    assert box.select_one("button[type=submit]").get_text(strip=True) == "Bình chọn"
    link = box.select_one("a[data-poll-show-results]")
    assert link.get_text(strip=True) == "Hiển thị bình chọn"
    # Without JavaScript, the link leads to the poll's page, at its results.
    path, _hash, fragment = link["href"].partition("#")
    assert fragment == "results"
    votes, total = shown_results(soup(Client().get(path)).select_one(f"#{fragment}"))
    assert votes["Bình thường"] == 1 and total == 1


def test_a_second_vote_of_the_same_visitor_is_not_stored(poll_box):
    browser = Client()
    first, second = options(poll_box)[0], options(poll_box)[3]
    assert post_vote(browser, poll_box, first).status_code == 302

    again = post_vote(browser, poll_box, second)
    assert again.status_code == 302
    page = browser.get(again["Location"])
    assert "Bạn đã tham gia cuộc bình chọn này." in page.content.decode()
    assert shown_results(soup(page).select_one("#results"))[1] == 1

    as_json = post_vote(browser, poll_box, second, json=True)
    assert as_json.status_code == 409
    assert as_json.json()["message"] == "Bạn đã bình chọn rồi."
    assert shown_results(as_json.json()["html"])[0]["Rất hài lòng"] == 1

    # Having lost its "voted" cookie, the same browser is still recognised by its voter id.
    del browser.cookies[f"feedback_voted_{poll_box.pk}"]
    assert post_vote(browser, poll_box, second, json=True).status_code == 409
    assert list(SurveyResponse.objects.values_list("option", flat=True)) == [first.pk]


def test_a_browser_whose_address_changed_since_its_vote_is_still_recognised(poll_box):
    """A phone votes on Wi-Fi; the answer (and its "voted" cookie) is lost as it moves to the mobile
    network, and poll.js sends the form again from there."""
    phone = Client()
    assert post_vote(phone, poll_box, options(poll_box)[0], address="203.0.113.10", json=True).status_code == 200
    del phone.cookies[f"feedback_voted_{poll_box.pk}"]
    page = phone.get(url("survey", poll_box), REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="Firefox")
    assert "Bạn đã tham gia cuộc bình chọn này." in page.content.decode()
    again = post_vote(phone, poll_box, options(poll_box)[3], address="198.51.100.7", json=True)
    assert again.status_code == 409
    assert list(SurveyResponse.objects.values_list("option", flat=True)) == [options(poll_box)[0].pk]


def test_a_browser_without_cookies_is_recognised_by_address_and_browser(poll_box):
    first, second = options(poll_box)[0], options(poll_box)[3]
    assert post_vote(Client(), poll_box, first, json=True, voter_cookie=False).status_code == 200
    assert post_vote(Client(), poll_box, second, json=True, voter_cookie=False).status_code == 409
    assert SurveyResponse.objects.count() == 1


def test_citizens_behind_one_carrier_address_with_the_same_phone_each_vote(poll_box):
    """Carrier NAT: one address, and every phone of one model sends the same user agent."""
    for option in options(poll_box)[:3]:
        assert post_vote(Client(), poll_box, option, json=True).status_code == 200
    assert SurveyResponse.objects.count() == 3
    assert SurveyResponse.objects.values("visitor_token").distinct().count() == 3


def test_the_visitor_token_is_a_keyed_hash_not_an_address(rf, poll_box):
    browser = Client()
    post_vote(browser, poll_box, options(poll_box)[0], address="198.51.100.23", agent="Firefox")
    token = SurveyResponse.objects.get().visitor_token
    assert re.fullmatch(r"[0-9a-f]{64}", token)
    assert "198.51.100.23" not in token
    request = rf.get("/", REMOTE_ADDR="198.51.100.23", HTTP_USER_AGENT="Firefox")
    request.COOKIES = dict((name, morsel.value) for name, morsel in browser.cookies.items())
    voter_id = request.get_signed_cookie("feedback_voter", salt="feedback.voter")
    assert voter_id not in token
    assert token == hmac.digest(poll_box.visitor_key().encode(), voter_id.encode(), "sha256").hex()
    assert poll_box.visitor_key() != make_survey(poll_box.locale, question="Khác?").visitor_key()


@pytest.fixture
def minute_start(time_machine):
    """The rate limit counts per clock minute: start at the top of one, so that a test's votes
    never straddle two."""
    time_machine.move_to(timezone.now().replace(second=0, microsecond=0), tick=True)


@pytest.fixture(params=["local memory", "redis"])
def shared_cache(request, settings):
    """The cache the rate limit counts in: Django's local memory cache, and Redis (as in
    production) when CI_REDIS_URL names a database for tests (.ci/run sets it)."""
    if request.param == "redis":
        if not os.environ.get("CI_REDIS_URL"):
            pytest.skip("CI_REDIS_URL is not set")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": os.environ["CI_REDIS_URL"],
                "KEY_PREFIX": "portal-tests",
            }
        }
    cache.clear()
    yield
    cache.clear()


def test_the_rate_limit_answers_429_per_address(poll_box, settings, minute_start):
    settings.FEEDBACK_VOTE_RATE_LIMIT = 3
    option = options(poll_box)[0]
    # Votes refused for what they hold (no answer chosen) take nothing from the address's allowance.
    for agent in ("x", "y", "z", "w"):
        assert post_vote(Client(), poll_box, "", agent=agent).status_code == 422
    for agent in ("a", "b", "c"):
        assert post_vote(Client(), poll_box, option, agent=agent).status_code == 302
    refused = post_vote(Client(), poll_box, option, agent="d", json=True)
    assert refused.status_code == 429
    assert "Có quá nhiều lượt bình chọn từ mạng của bạn" in refused.json()["message"]
    refused_html = post_vote(Client(), poll_box, option, agent="e", language="en")
    assert refused_html.status_code == 429
    assert "Too many votes have come from your network" in refused_html.content.decode()
    # Past the limit, nothing from the address is even read.
    assert post_vote(Client(), poll_box, "", agent="f").status_code == 429
    assert SurveyResponse.objects.count() == 3

    assert post_vote(Client(), poll_box, option, address="203.0.113.99").status_code == 302
    assert SurveyResponse.objects.count() == 4


def test_the_default_rate_limit_lets_a_shared_address_vote_30_times_a_minute(poll_box, settings, minute_start):
    limit = settings.FEEDBACK_VOTE_RATE_LIMIT
    assert limit >= 30
    option = options(poll_box)[0]
    statuses = [post_vote(Client(), poll_box, option, agent=f"phone {i}").status_code for i in range(limit + 1)]
    assert statuses == [302] * limit + [429]


def test_votes_sent_again_take_nothing_from_the_address_allowance_and_write_nothing(poll_box, settings, minute_start):
    """A citizen whose browser keeps no cookie sends their vote again and again (409): the others
    behind the same carrier address still vote; and the repeats, however many, write nothing."""
    settings.FEEDBACK_VOTE_RATE_LIMIT = 3
    option = options(poll_box)[0]
    assert post_vote(Client(), poll_box, option, agent="a", voter_cookie=False).status_code == 302
    for _ in range(5):
        with CaptureQueriesContext(connection) as queries:
            again = post_vote(Client(), poll_box, option, agent="a", voter_cookie=False, json=True)
        assert again.status_code == 409 and again.json()["message"] == "Bạn đã bình chọn rồi."
        assert not [query["sql"] for query in queries if not query["sql"].startswith("SELECT")]
    for agent in ("b", "c"):
        assert post_vote(Client(), poll_box, option, agent=agent).status_code == 302
    assert post_vote(Client(), poll_box, option, agent="d").status_code == 429
    assert SurveyResponse.objects.count() == 3


def test_the_rate_limit_holds_while_redis_is_out_of_reach(poll_box, settings, minute_start, tmp_path, monkeypatch):
    monkeypatch.setattr(ops.cache, "_unavailable_until", {})
    settings.VAR_DIR = tmp_path
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "ops.cache.ResilientRedisCache", "LOCATION": f"redis://127.0.0.1:{free_port()}/0"},
    }
    settings.FEEDBACK_VOTE_RATE_LIMIT = 3
    option = options(poll_box)[0]
    for agent in ("a", "b", "c"):
        assert post_vote(Client(), poll_box, option, agent=agent).status_code == 302
    refused = post_vote(Client(), poll_box, option, agent="d", json=True)
    assert refused.status_code == 429
    assert "Có quá nhiều lượt bình chọn từ mạng của bạn" in refused.json()["message"]
    assert post_vote(Client(), poll_box, option, agent="e").status_code == 429
    assert SurveyResponse.objects.count() == 3
    # Other addresses vote as before.
    assert post_vote(Client(), poll_box, option, address="203.0.113.99").status_code == 302
    assert SurveyResponse.objects.count() == 4


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_rate_limit_holds_when_one_address_votes_concurrently(locales, settings, minute_start, shared_cache):
    settings.FEEDBACK_VOTE_RATE_LIMIT = 10
    survey = make_survey(locales[0])
    statuses = run_concurrently(
        20, lambda i: post_vote(Client(), survey, options(survey)[i % 5], agent=f"phone {i}", json=True).status_code
    )
    assert sorted(statuses) == [200] * 10 + [429] * 10
    assert survey.responses.count() == 10


def test_a_filled_in_honeypot_drops_the_vote_silently(poll_box):
    browser = Client()
    response = post_vote(browser, poll_box, options(poll_box)[0], website="http://spam.example/")
    assert response.status_code == 302
    page = browser.get(response["Location"])
    assert "Cảm ơn bạn, phiếu bình chọn đã được ghi nhận." in page.content.decode()
    as_json = post_vote(browser, poll_box, options(poll_box)[0], json=True, website="x")
    assert as_json.status_code == 200 and as_json.json()["ok"] is True
    assert not SurveyResponse.objects.exists()
    assert not any(name.startswith("feedback_voted") for name in browser.cookies)


# --- Bad input --------------------------------------------------------------------------------


def _other_surveys_option(survey):
    return options(make_survey(survey.locale, question="Một cuộc bình chọn khác?"))[0].pk


@pytest.mark.parametrize(
    "data, status, message",
    [
        ({"option": 999999}, 422, "Phương án này không thuộc cuộc bình chọn."),
        ({"option": _other_surveys_option}, 422, "Phương án này không thuộc cuộc bình chọn."),
        ({"option": "abc"}, 422, "Phương án này không thuộc cuộc bình chọn."),
        ({}, 422, "Vui lòng chọn một phương án trả lời."),
        ({"option": "first", "comment": "x" * 1001}, 422, "Vui lòng viết ý kiến không quá 1.000 ký tự."),
        ({"option": 10**20}, 422, "Phương án này không thuộc cuộc bình chọn."),
        ({"option": "first", "comment": "a\x00b"}, 422, "Ý kiến của bạn có ký tự không thể lưu."),
        ({"option": "first", "service": 999999}, 422, "Không tìm thấy phòng ban hoặc dịch vụ này."),
    ],
    ids=[
        "unknown option",
        "option of another survey",
        "not a number",
        "missing option",
        "long comment",
        "huge number",
        "null character",
        "unknown service",
    ],
)
@pytest.mark.parametrize("as_json", [False, True], ids=["html", "json"])
def test_bad_input_gets_a_4xx_with_a_clear_message_and_stores_nothing(survey, data, status, message, as_json):
    Department.objects.create(locale=survey.locale, name="Phòng Tư pháp")
    data = dict(data)
    if callable(data.get("option")):
        data["option"] = data["option"](survey)
    if data.get("option") == "first":
        data["option"] = options(survey)[0].pk
    headers = {"HTTP_ACCEPT": "application/json"} if as_json else {}
    response = Client().post(url("vote", survey), data, **headers)
    assert response.status_code == status
    if as_json:
        assert response.json() == {"ok": False, "message": message}
    else:
        assert message in response.content.decode()
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(
    "query, message",
    [
        ("option=999999&website=", "Phương án này không thuộc cuộc bình chọn."),
        ("option=%ff&website=", "Phương án này không thuộc cuộc bình chọn."),
        (f"option={10**20}&website=", "Phương án này không thuộc cuộc bình chọn."),
        (
            lambda survey: f"option={_other_surveys_option(survey)}&website=",
            "Phương án này không thuộc cuộc bình chọn.",
        ),
        ("option=", "Vui lòng chọn một phương án trả lời."),
    ],
    ids=["unknown option", "not text", "huge number", "option of another survey", "empty"],
)
def test_the_box_sent_with_an_answer_the_poll_does_not_have_says_so_on_the_poll_page(poll_box, query, message):
    """A page left open while the poll's answers changed, or an address made up."""
    query = query(poll_box) if callable(query) else query
    page = soup(Client().get(f"{url('survey', poll_box)}?{query}"))
    alert = page.select_one("main [role=alert]")
    assert alert is not None and alert.get_text(strip=True) == message
    assert page.select_one("fieldset.poll__options")["aria-describedby"] == alert["id"]  # read with the answers
    assert page.select_one("main [role=status]") is None  # no vote waits to be confirmed
    assert not page.select("form.poll-form input[name=option][checked]")
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(
    "data, described, message",
    [
        ({}, "fieldset", "Vui lòng chọn một phương án trả lời."),
        ({"option": "first", "comment": "x" * 1001}, "textarea", "Vui lòng viết ý kiến không quá 1.000 ký tự."),
    ],
    ids=["no answer", "long comment"],
)
def test_an_error_is_tied_to_its_field_for_screen_readers(survey, data, described, message):
    if data.get("option") == "first":
        data = {**data, "option": options(survey)[0].pk}
    page = BeautifulSoup(Client().post(url("vote", survey), data).content, "html.parser")
    field = page.select_one(f"form.poll-form {described}[aria-describedby]")
    assert field is not None
    errors = [page.find(id=ref) for ref in field["aria-describedby"].split()]
    assert message in [error.get_text(strip=True) for error in errors if error]


def test_a_comment_the_browser_let_through_is_not_too_long_for_its_line_breaks(survey):
    # The browser counts a line break as one character against the textarea's maxlength, and
    # sends it as two (CRLF).
    comment = "x" * 99 + "\r" + ("x" * 99 + "\r\n") * 9  # and a lone CR, as old Macs wrote
    assert len(comment) == 1009
    assert post_vote(Client(), survey, options(survey)[0], comment=comment).status_code == 302
    assert SurveyResponse.objects.get().comment == "\n".join(["x" * 99] * 10)  # the end stripped as before
    refused = post_vote(Client(), survey, options(survey)[0], agent="Chrome", comment=comment + "x")
    assert refused.status_code == 422
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize(
    "opens, closes, message, message_en",
    [
        (-30, -1, "Cuộc bình chọn đã kết thúc.", "This poll is closed."),
        (2, None, "Cuộc bình chọn chưa bắt đầu.", "This poll is not open yet."),
    ],
)
def test_a_closed_or_not_yet_open_survey_refuses_votes(locales, opens, closes, message, message_en):
    vi, en = locales
    survey = make_survey(vi, opens_in_days=opens, closes_in_days=closes)
    translate(survey, en, {QUESTION: QUESTION_EN})
    option = options(survey)[0]
    vi_response = post_vote(Client(), survey, option, json=True)
    en_response = post_vote(Client(), survey, option, language="en")
    assert vi_response.status_code == en_response.status_code == 409
    assert vi_response.json()["message"] == message
    assert en_response.content.decode().count(message_en) == 1
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize("json", [True, False])
def test_a_vote_the_database_cannot_take_is_refused_with_a_message_and_can_be_cast_again(
    client, survey, monkeypatch, json
):
    save = SurveyResponse.save

    def locked(self, *args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(SurveyResponse, "save", locked)
    response = post_vote(client, survey, options(survey)[0], json=json)
    assert response.status_code == 503
    message = "Chưa lưu được phiếu bình chọn của bạn. Vui lòng thử lại sau giây lát."
    if json:
        assert response.json() == {"ok": False, "message": message}
    else:
        assert message in response.content.decode()
    assert not SurveyResponse.objects.exists()

    monkeypatch.setattr(SurveyResponse, "save", save)  # the database is back: the same visitor votes
    response = post_vote(client, survey, options(survey)[0], json=json)
    assert response.status_code == (200 if json else 302)
    assert SurveyResponse.objects.get().option == options(survey)[0]


def test_a_malformed_body_gets_a_400(survey):
    response = Client().post(
        url("vote", survey),
        data=b"option=1",
        content_type="multipart/form-data",  # no boundary: the body cannot be split into fields
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert response.json()["message"].startswith("Không đọc được phiếu bình chọn của bạn")
    garbage = Client().post(url("vote", survey), data=b"\xff\xfe{not json", content_type="application/json")
    assert garbage.status_code == 422
    assert not SurveyResponse.objects.exists()


def test_unknown_surveys_and_translations_ids_are_404(survey, locales):
    english = survey.get_translation(locales[1])
    for pk in (999999, english.pk):
        with translation.override("vi"):
            assert Client().get(reverse("feedback:survey", args=[pk])).status_code == 404
            assert Client().post(reverse("feedback:vote", args=[pk]), {"option": 1}).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_a_vote_from_a_page_deleted_since_or_from_no_page_at_all_still_counts(survey):
    for i, page in enumerate((987654, 10**20, "trang-chu", "1e9", "9" * 5000)):
        assert post_vote(Client(), survey, options(survey)[0], agent=f"browser {i}", page=page).status_code == 302
    assert list(SurveyResponse.objects.values_list("page", flat=True)) == [None] * 5

    # The poll's page copies what its address says into the form: the vote is counted all the same.
    browser = Client()
    form = soup(browser.get(url("survey", survey), {"option": options(survey)[1].pk, "page": "abc"}))
    fields = form_fields(form.select_one("form.poll-form"))
    assert fields["page"] == "abc"
    assert browser.post(url("vote", survey), fields).status_code == 302
    assert SurveyResponse.objects.filter(option=options(survey)[1], page=None).exists()


def test_a_vote_names_a_live_page_of_its_own_site_or_none(site, ward, home_vi, home_en, make_category, locales):
    """Whatever id the form sends, the report names only a page the poll's citizens could read."""
    survey = make_survey(locales[0], site=site)
    draft = home_vi.add_child(instance=NewsIndexPage(title="Dự thảo chưa đăng", live=False))
    category = make_category("Tin tức")
    sent = [  # (the id sent, the page stored)
        (home_vi.pk, home_vi.pk),
        (home_en.pk, home_en.pk),  # the site in English: a tree beside the Vietnamese one
        (category.pk, category.pk),
        (Page.get_first_root_node().pk, None),
        (ward["site"].root_page_id, None),  # another agency's
        (ward["category"].pk, None),
        (draft.pk, None),
    ]
    for i, (page, _stored) in enumerate(sent):
        assert post_vote(Client(), survey, options(survey)[0], agent=f"browser {i}", page=page).status_code == 302
    stored = list(SurveyResponse.objects.order_by("pk").values_list("page", flat=True))
    assert stored == [page for _sent, page in sent]


def test_the_vote_address_opened_in_a_browser_leads_to_the_poll_and_counts_nothing(survey):
    for response in (
        Client().get(url("vote", survey), {"option": options(survey)[0].pk}),
        Client().head(url("vote", survey)),
    ):
        assert response.status_code == 302
        assert response["Location"] == url("survey", survey)
    assert Client().put(url("vote", survey)).status_code == 405
    assert not SurveyResponse.objects.exists()


def test_redirects_only_back_to_this_site(survey):
    response = post_vote(Client(), survey, options(survey)[0], next="https://evil.example/")
    assert response["Location"] == url("survey", survey) + "#results"


# --- Languages -------------------------------------------------------------------------------


def test_a_poll_not_translated_yet_is_marked_as_vietnamese_on_the_english_site(survey, locales):
    untranslated = make_survey(locales[0], question="Câu hỏi chưa dịch")
    page = soup(Client().get(url("survey", untranslated, "en")))
    assert page.select_one("h1")["lang"] == "vi"
    assert {label.get("lang") for label in page.select("form .poll__option, .poll-results__label")} == {"vi"}
    assert page.select_one("html")["lang"] == "en"  # the page around it stays English
    translated = soup(Client().get(url("survey", survey, "en")))
    assert not translated.select("main [lang]")
    # The results poll.js shows, after a vote or when asked for, are marked alike.
    as_json = Client().get(url("survey", untranslated, "en"), HTTP_ACCEPT="application/json").json()
    labels = BeautifulSoup(as_json["html"], "html.parser").select(".poll-results__label")
    assert labels and {label.get("lang") for label in labels} == {"vi"}


def test_a_vote_on_the_english_translation_counts_in_the_vietnamese_results(poll_box, home_en, locales):
    english_box = soup(Client().get("/en/")).select_one("[data-poll]")
    assert english_box.select_one(".box__title").get_text(strip=True) == QUESTION_EN
    choice = english_box.select("input[name=option]")[0]
    assert choice.parent.get_text(strip=True) == "Very satisfied"

    browser = Client()
    response = browser.post(
        english_box["data-poll-vote-url"],
        {"option": choice["value"], "page": home_en.pk},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    assert shown_results(response.json()["html"]) == (
        {"Very satisfied": 1, "Satisfied": 0, "Neutral": 0, "Dissatisfied": 0, "Very dissatisfied": 0},
        1,
    )
    stored = SurveyResponse.objects.get()
    assert stored.survey == poll_box and stored.option == options(poll_box)[0]
    assert stored.language == "en" and stored.page.pk == home_en.pk

    vietnamese = shown_results(soup(Client().get(url("survey", poll_box))).select_one("#results"))
    assert vietnamese == (
        {"Rất hài lòng": 1, "Hài lòng": 0, "Bình thường": 0, "Không hài lòng": 0, "Rất không hài lòng": 0},
        1,
    )
    # The English version is the same survey: a second vote from that visitor in Vietnamese is refused.
    again = post_vote(browser, poll_box, options(poll_box)[1], address="127.0.0.1", agent="", json=True)
    assert again.status_code == 409


def test_the_poll_page_has_language_versions(survey, home_en):
    vi_url, en_url = url("survey", survey, "vi"), url("survey", survey, "en")
    assert vi_url == f"/vi/binh-chon/{survey.pk}/" and en_url == f"/en/polls/{survey.pk}/"
    page = soup(Client().get(vi_url))
    assert page.select_one(f"a[hreflang=en][href='{en_url}']")
    assert page.select_one("h1").get_text(strip=True) == QUESTION
    assert soup(Client().get(en_url)).select_one("h1").get_text(strip=True) == QUESTION_EN


def test_the_poll_page_leaves_its_own_poll_out_of_the_sidebar_and_the_other_boxes_in(site, poll_box, info_box, locales):
    other = make_survey(locales[0], question="Bạn có hài lòng với Bộ phận Một cửa?")
    portal_settings = PortalSettings.for_site(site)
    portal_settings.sidebar.append(("poll", other))
    portal_settings.save()
    browser = Client()

    def boxes(path):
        sidebar = soup(browser.get(path)).select_one(".layout__sidebar")
        return [box.select_one(".box__title").get_text(strip=True) for box in sidebar.select(".box")]

    # Twice each, in turn: the sidebar of one page is not served from the cache on the other.
    for _ in range(2):
        assert boxes("/vi/") == [QUESTION, "Đường dây nóng", other.question]
        assert boxes(url("survey", poll_box) + "?option=1") == ["Đường dây nóng", other.question]
        assert boxes(url("survey", poll_box, "en")) == ["Hotline", other.question]
    page = soup(browser.get(url("survey", poll_box)))
    assert len(page.select("form.poll-form")) == 1 and page.select_one(f"#poll-{poll_box.pk}-title") is None

    post_vote(browser, poll_box, options(poll_box)[1])
    page = soup(browser.get(url("survey", poll_box)))
    assert "Bạn đã tham gia cuộc bình chọn này." in page.select_one("main").get_text()
    assert page.select(f"form[action='{url('survey', poll_box)}'], form[action='{url('vote', poll_box)}']") == []


# --- Results ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "counts, shares",
    [
        ([1, 1, 1], [34, 33, 33]),
        ([0, 0, 0, 0, 0], [0, 0, 0, 0, 0]),
        ([2, 1], [67, 33]),
        ([1, 0, 0], [100, 0, 0]),
        ([1, 1, 1, 1, 1, 1, 1], [15, 15, 14, 14, 14, 14, 14]),
        ([5, 3, 1, 1], [50, 30, 10, 10]),
    ],
)
def test_largest_remainder(counts, shares):
    assert largest_remainder(counts) == shares


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=12).filter(any))
def test_percentages_always_add_up_to_100_and_stay_within_one_of_the_exact_share(counts):
    shares = largest_remainder(counts)
    assert sum(shares) == 100
    total = sum(counts)
    for count, share in zip(counts, shares, strict=True):
        assert abs(share - 100 * count / total) < 1


@pytest.mark.parametrize(
    "counts, satisfied, rate",
    [
        ([3, 1, 2, 1, 1], [True, True, False, False, False], 50),
        ([1, 1, 1], [True, True, False], 67),
        ([1, 2], [True, False], 33),
        ([0, 0], [True, False], None),
        ([4, 4], [False, False], None),
    ],
)
def test_satisfaction_rate(counts, satisfied, rate):
    assert satisfaction_rate(counts, satisfied) == rate


@given(
    st.lists(st.tuples(st.integers(min_value=0, max_value=10_000), st.booleans()), min_size=1, max_size=8).filter(
        lambda answers: any(count for count, _flag in answers)
    )
)
def test_the_satisfied_answers_percentages_add_up_to_the_satisfaction_rate(answers):
    counts = [count for count, _flag in answers]
    satisfied = [flag for _count, flag in answers]
    rate = satisfaction_rate(counts, satisfied)
    shares = percentages(counts, satisfied, rate)
    assert sum(shares) == 100
    if rate is not None:
        assert sum(share for share, flag in zip(shares, satisfied, strict=True) if flag) == rate
    total = sum(counts)
    for count, share in zip(counts, shares, strict=True):
        assert abs(share - 100 * count / total) < 1.5


def test_the_poll_never_contradicts_itself():
    # 58 of 173 votes satisfied: 33.5%, shown as 34%. Rounded each on its own, the two satisfied
    # answers would show 16% and 17%, which a citizen adds up to 33%.
    counts, satisfied = [28, 30, 41, 24, 50], [True, True, False, False, False]
    rate = satisfaction_rate(counts, satisfied)
    assert rate == 34 and largest_remainder(counts) == [16, 17, 24, 14, 29]
    assert percentages(counts, satisfied, rate) == [16, 18, 23, 14, 29]


def _vote_many(survey, counts, **fields):
    """Store votes straight away: `counts[i]` votes for the i-th option."""
    responses = [
        SurveyResponse(survey=survey, option=option, language="vi", visitor_token=f"{option.pk}-{i}", **fields)
        for option, count in zip(options(survey), counts, strict=False)
        for i in range(count)
    ]
    SurveyResponse.objects.bulk_create(responses)


def test_results_show_counts_percentages_total_period_and_satisfaction_rate(survey):
    _vote_many(survey, [1, 1, 1])
    page = soup(Client().get(url("survey", survey)))
    results = page.select_one("#results")
    assert shown_results(results) == (
        {"Rất hài lòng": 1, "Hài lòng": 1, "Bình thường": 1, "Không hài lòng": 0, "Rất không hài lòng": 0},
        3,
    )
    percents = [int(mark["data-poll-percent"]) for mark in results.select("[data-poll-percent]")]
    assert percents == [34, 33, 33, 0, 0]
    assert sum(percents) == 100
    assert results.select_one("[data-poll-satisfaction]")["data-poll-satisfaction"] == "67"
    assert results.select_one(".poll-results__total").get_text(" ", strip=True) == "Tổng số phiếu: 3"
    assert "Tỷ lệ hài lòng: 67%" in results.get_text(" ", strip=True)
    opened = timezone.localdate(survey.opens_at)
    assert f"Tính từ {opened:%d/%m/%Y}" in results.get_text()
    english_results = soup(Client().get(url("survey", survey, "en"))).select_one("#results")
    assert english_results.select_one(".poll-results__total").get_text(" ", strip=True) == "Total votes: 3"
    english = english_results.get_text(" ", strip=True)
    assert f"Since {opened.day} {opened:%B %Y}" in english
    assert "Satisfaction rate: 67%" in english


def test_a_closed_polls_results_give_their_period_to_the_last_day_it_took_votes(site, locales, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 2, 9, 30, tzinfo=AGENCY_TZ), tick=True)
    survey = make_survey(locales[0])
    survey.opens_at = datetime.datetime(2026, 6, 4, 7, 0, tzinfo=AGENCY_TZ)
    survey.closes_at = datetime.datetime(2026, 6, 11, tzinfo=AGENCY_TZ)  # midnight: none on 11/06
    survey.save()
    translate(survey, locales[1], {QUESTION: QUESTION_EN})
    add_sidebar_box(site, "poll", survey)
    for path in ("/en/", url("survey", survey, "en")):
        period = soup(Client().get(path)).select_one(".poll-results__since").get_text(" ", strip=True)
        assert period == "From 4 June 2026 to 10 June 2026"
    for path in ("/vi/", url("survey", survey)):
        period = soup(Client().get(path)).select_one(".poll-results__since").get_text(" ", strip=True)
        assert "04/06/2026" in period and "10/06/2026" in period  # in the words of the Vietnamese catalog
    survey.closes_at = datetime.datetime(2026, 6, 11, 17, 0, tzinfo=AGENCY_TZ)
    survey.save()
    period = soup(Client().get(url("survey", survey, "en"))).select_one(".poll-results__since").get_text(strip=True)
    assert period == "From 4 June 2026 to 11 June 2026"
    # Open, it has no end yet.
    survey.closes_at = None
    survey.save()
    period = soup(Client().get(url("survey", survey, "en"))).select_one(".poll-results__since").get_text(strip=True)
    assert period == "Since 4 June 2026"


def test_counts_are_grouped_for_the_visitors_language(survey):
    _vote_many(survey, [1234])
    vi_mark = soup(Client().get(url("survey", survey))).select_one("[data-poll-votes='1234']")
    en_mark = soup(Client().get(url("survey", survey, "en"))).select_one("[data-poll-votes='1234']")
    assert vi_mark.get_text() == "1.234" and en_mark.get_text() == "1,234"


def test_a_closed_survey_box_shows_the_results_instead_of_the_form(site, locales):
    survey = make_survey(locales[0], closes_in_days=-1, opens_in_days=-10)
    _vote_many(survey, [2, 1])
    add_sidebar_box(site, "poll", survey)
    box = soup(Client().get("/vi/")).select_one("[data-poll]")
    assert box.select_one("form") is None
    assert shown_results(box)[1] == 3
    assert "Cuộc bình chọn đã kết thúc." in box.get_text()


def test_a_poll_not_open_yet_says_when_it_opens_and_a_closed_one_says_it_is_closed(site, locales):
    today = timezone.localtime(timezone.now(), AGENCY_TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    opens = today + datetime.timedelta(days=3)  # at midnight: the day says it all
    survey = make_survey(locales[0])
    survey.opens_at = opens
    survey.save()
    translate(survey, locales[1], {QUESTION: QUESTION_EN})
    add_sidebar_box(site, "poll", survey)
    for path, says in (
        ("/vi/", f"Cuộc bình chọn bắt đầu từ ngày {opens:%d/%m/%Y}."),
        ("/en/", f"This poll opens on {opens.day} {opens:%B %Y}."),
    ):
        box = soup(Client().get(path)).select_one("[data-poll]")
        assert says in box.get_text(" ", strip=True)
        assert box.select_one("form") is None and box.select_one("[data-poll-total]") is None

    survey.opens_at, survey.closes_at = opens - datetime.timedelta(days=10), opens - datetime.timedelta(days=5)
    survey.save()
    for path, says in (("/vi/", "Cuộc bình chọn đã kết thúc."), ("/en/", "This poll is closed.")):
        box = soup(Client().get(path)).select_one("[data-poll]")
        assert says in box.get_text(" ", strip=True) and shown_results(box)[1] == 0


def test_a_poll_opening_later_in_the_day_says_at_what_time(site, locales, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 2, 9, 30, tzinfo=AGENCY_TZ), tick=True)
    survey = make_survey(locales[0])
    survey.opens_at = datetime.datetime(2026, 12, 2, 17, 43, tzinfo=AGENCY_TZ)
    survey.save()
    translate(survey, locales[1], {QUESTION: QUESTION_EN})
    add_sidebar_box(site, "poll", survey)
    for path in ("/en/", url("survey", survey, "en")):
        assert "This poll opens at 17:43 on 2 December 2026." in soup(Client().get(path)).get_text(" ", strip=True)
    for path in ("/vi/", url("survey", survey)):
        opening = soup(Client().get(path)).find("p", string=re.compile("02/12/2026"))
        assert "17:43" in opening.get_text()  # in the words of the Vietnamese catalog


def test_an_approver_closes_a_poll_in_its_form_and_its_box_says_so_at_once(admin_client, site, poll_box):
    poll_box.site = site
    poll_box.save()
    assert soup(Client().get("/vi/")).select_one("[data-poll] form")  # cached, open
    data = form_fields(admin_form(admin_client.get(admin_url("edit", poll_box.pk))))
    closed = timezone.localtime(timezone.now() - datetime.timedelta(minutes=5), AGENCY_TZ)
    data["closes_at"] = f"{closed:%d/%m/%Y %H:%M}"
    assert admin_client.post(admin_url("edit", poll_box.pk), data).status_code == 302
    box = soup(Client().get("/vi/")).select_one("[data-poll]")
    assert box.select_one("form") is None and "Cuộc bình chọn đã kết thúc." in box.get_text()


def test_a_polls_period_out_of_the_calendar_is_refused_and_the_rest_of_its_form_kept(admin_client, site, poll_box):
    """Converted to UTC, the first minutes of year 1 in the agency's time zone fall before the
    calendar: the admin failed (OverflowError)."""
    poll_box.site = site
    poll_box.save()
    data = form_fields(admin_form(admin_client.get(admin_url("edit", poll_box.pk))))
    data["question"] = "Câu hỏi mới?"
    for name in ("opens_at", "closes_at"):
        response = admin_client.post(admin_url("edit", poll_box.pk), {**data, name: "01/01/0001 00:00"})
        assert response.status_code == 200
        assert response.context["form"].errors[name] == ["Nhập ngày trong khoảng từ 01/01/1900 đến 31/12/2999."]
        form = admin_form(response)
        assert form_fields(form)["question"] == "Câu hỏi mới?"
        assert form_fields(form)[name] == "01/01/0001 00:00"
    poll_box.refresh_from_db()
    assert poll_box.question == QUESTION

    data["opens_at"] = "01/01/2020 07:00"
    assert admin_client.post(admin_url("edit", poll_box.pk), data).status_code == 302
    poll_box.refresh_from_db()
    assert poll_box.question == "Câu hỏi mới?"
    assert poll_box.opens_at == datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


def test_closing_the_vietnamese_poll_closes_every_language_version(poll_box):
    english = poll_box.get_translation(Locale.objects.get(language_code="en"))
    assert english.is_open()
    poll_box.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    poll_box.save()

    english.refresh_from_db()
    assert english.closes_at == poll_box.closes_at and not english.is_open()
    response = post_vote(Client(), poll_box, options(poll_box)[0], language="en")
    assert response.status_code == 409 and "This poll is closed." in response.content.decode()
    assert soup(Client().get("/en/")).select_one("[data-poll] form") is None
    assert not SurveyResponse.objects.exists()


def test_a_translation_saved_in_the_admin_changes_neither_its_polls_period_nor_its_original(admin_client, poll_box):
    english = poll_box.get_translation(Locale.objects.get(language_code="en"))
    Translation.objects.filter(source__object_id=poll_box.translation_key).update(enabled=False)
    form = admin_form(admin_client.get(admin_url("edit", english.pk)))
    assert {field["name"] for field in form.select("[disabled][name]")} >= {"closes_at", "allow_comment", "site"}

    data = form_fields(form) | {"question": "How satisfied were you?", "closes_at": "01/01/2020 00:00"}
    del data["allow_comment"]
    assert admin_client.post(admin_url("edit", english.pk), data).status_code == 302
    english.refresh_from_db()
    assert english.question == "How satisfied were you?"
    # Saved without the admin's form, as before it: no other version takes its period.
    english.closes_at = timezone.now()
    english.save()
    poll_box.refresh_from_db()
    assert poll_box.closes_at is None and poll_box.allow_comment and poll_box.is_open()
    assert Survey.objects.get(pk=english.pk).allow_comment


def _queries(path, client=None):
    """Queries of a warm request to `path` (the first request fills Wagtail's site caches)."""
    client = client or Client()
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_sidebar_box_and_the_poll_page_cost_the_same_queries_whatever_the_poll_size(site, locales):
    vi, en = locales
    counts = []
    for labels, votes in ((["Có", "Không"], 0), ([f"Phương án {i}" for i in range(9)], 40)):
        survey = make_survey(vi, labels=labels)
        translate(survey, en, {})
        _vote_many(survey, [votes] * len(labels))
        portal_settings = PortalSettings.for_site(site)
        portal_settings.sidebar = [("poll", survey)]
        portal_settings.save()
        counts.append([_queries(path) for path in ("/vi/", "/en/", url("survey", survey), url("survey", survey, "en"))])
    assert counts[0] == counts[1]


# --- Editing ----------------------------------------------------------------------------------


def admin_url(name, *args):
    return reverse(f"wagtailsnippets_feedback_survey:{name}", args=args)


def admin_form(response):
    return soup(response).select_one("form:has(input[name=options-TOTAL_FORMS])")


def test_a_new_survey_starts_with_the_five_point_scale(admin_client, site, locales):
    page = admin_client.get(admin_url("add") + "?locale=vi")
    form = admin_form(page)
    data = form_fields(form)
    assert [data[f"options-{i}-label"] for i in range(5)] == [vi for vi, _en in SCALE]
    assert [f"options-{i}-counts_as_satisfied" in data for i in range(5)] == [True, True, False, False, False]
    assert "options-5-label" not in data

    # The editor writes the question and keeps the answers as they are.
    data["question"], data["site"] = QUESTION, site.pk
    response = admin_client.post(admin_url("add") + "?locale=vi", data)
    assert response.status_code == 302
    survey = Survey.objects.get()
    assert survey.locale == locales[0]
    assert [(o.label, o.counts_as_satisfied) for o in survey.options.all()] == [
        ("Rất hài lòng", True),
        ("Hài lòng", True),
        ("Bình thường", False),
        ("Không hài lòng", False),
        ("Rất không hài lòng", False),
    ]


def test_an_answer_with_votes_cannot_be_removed(admin_client, site, survey):
    _vote_many(survey, [1])
    edit_url = admin_url("edit", survey.pk)
    data = {**form_fields(admin_form(admin_client.get(edit_url))), "site": site.pk}
    data["options-0-DELETE"] = "1"
    refused = admin_client.post(edit_url, data)
    assert refused.status_code == 200
    assert "Không thể xóa phương án đã có người bình chọn" in refused.content.decode()
    assert survey.options.count() == 5

    del data["options-0-DELETE"]
    data["options-4-DELETE"] = "1"
    assert admin_client.post(edit_url, data).status_code == 302
    assert [o.label for o in survey.options.all()] == [vi for vi, _en in SCALE[:4]]


def test_an_answer_with_votes_keeps_its_wording_and_its_weight(admin_client, site, survey):
    """Votes were cast for the answer as it read: rewording it, or counting it otherwise in the
    satisfaction rate, would change what they say (and the other languages would still read it
    as it was). An answer without votes may change."""
    _vote_many(survey, [0, 3, 0, 0, 2])
    edit_url = admin_url("edit", survey.pk)
    form = {**form_fields(admin_form(admin_client.get(edit_url))), "site": site.pk}
    for change in ({"options-4-label": "Ý kiến khác"}, {"options-4-counts_as_satisfied": "on"}):
        refused = admin_client.post(edit_url, {**form, **change})
        assert refused.status_code == 200
        assert "Không thể sửa lời hay cách tính" in refused.content.decode()
    no_longer_satisfied = {key: value for key, value in form.items() if key != "options-1-counts_as_satisfied"}
    assert admin_client.post(edit_url, no_longer_satisfied).status_code == 200
    assert [(o.label, o.counts_as_satisfied) for o in survey.options.all()] == [
        (vi, i < 2) for i, (vi, _en) in enumerate(SCALE)
    ]

    assert admin_client.post(edit_url, {**form, "options-3-label": "Chưa hài lòng"}).status_code == 302
    assert sorted(o.label for o in survey.options.all()) == sorted(
        ["Rất hài lòng", "Hài lòng", "Bình thường", "Chưa hài lòng", "Rất không hài lòng"]
    )


def test_the_demo_polls_answers_keep_their_order_when_the_admin_saves_one(admin_client, demo):
    """The admin numbers only the answers it saves: the others must have their numbers already."""
    survey = Survey.objects.get(locale__language_code="vi", site=demo)
    survey.responses.all().delete()  # an answer with votes keeps its wording
    labels = [option.label for option in survey.options.all()]
    edit_url = admin_url("edit", survey.pk)
    form = form_fields(admin_form(admin_client.get(edit_url)))
    count = int(form["options-TOTAL_FORMS"])
    form.update(
        {"options-TOTAL_FORMS": count + 1, f"options-{count}-label": "Không ý kiến", "options-3-label": "Chưa hài lòng"}
    )
    assert admin_client.post(edit_url, form).status_code == 302
    assert [option.label for option in survey.options.all()] == labels[:3] + [
        "Chưa hài lòng",
        labels[4],
        "Không ý kiến",
    ]


def test_a_migration_numbers_the_answers_saved_without_a_number(survey):
    number_the_answers = import_module("feedback.migrations.0007_number_the_answers").number_the_answers
    labels = [option.label for option in survey.options.all()]
    SurveyOption.objects.filter(survey=survey).update(sort_order=None)
    number_the_answers(apps, None)
    assert [(option.sort_order, option.label) for option in survey.options.all()] == list(enumerate(labels))


def test_question_and_answers_are_translated_with_wagtail_localize(survey, locales):
    source, _created = TranslationSource.get_or_create_from_instance(survey)
    strings = set(StringSegment.objects.filter(source=source).values_list("string__data", flat=True))
    assert strings == {QUESTION, *(vi for vi, _en in SCALE)}
    english = survey.get_translation(locales[1])
    assert english.question == QUESTION_EN
    assert [(o.label, o.counts_as_satisfied) for o in english.options.all()] == [
        (en, i < 2) for i, (_vi, en) in enumerate(SCALE)
    ]
    assert english.source == survey


def test_each_site_chooses_its_own_poll(client, site, locales, survey):
    other_survey = make_survey(locales[0], question="Phường Hòa Cường phục vụ thế nào?")
    other_home = site.root_page.get_parent().add_child(
        instance=HomePage(title="Trang chủ phường", slug="trang-chu-phuong", locale=locales[0])
    )
    other_home.save_revision().publish()
    other_site = Site.objects.create(hostname="phuong.example.vn", port=80, root_page=other_home)
    add_sidebar_box(site, "poll", survey)
    add_sidebar_box(other_site, "poll", other_survey)

    default = soup(client.get("/vi/", HTTP_HOST="testserver")).select_one("[data-poll] .box__title")
    other = soup(client.get("/vi/", HTTP_HOST="phuong.example.vn")).select_one("[data-poll] .box__title")
    assert default.get_text(strip=True) == QUESTION
    assert other.get_text(strip=True) == "Phường Hòa Cường phục vụ thế nào?"


def test_a_poll_made_another_agencys_leaves_the_sidebar_and_the_dashboard(site, ward, locales):
    """As migration 0005 made a poll of several sites' sidebars the default site's: the others no
    longer show a box whose votes their address refuses."""
    poll = make_survey(locales[0], question="Phường K phục vụ thế nào?", site=ward["site"])
    add_sidebar_box(ward["site"], "poll", poll)
    ward_host = Client(HTTP_HOST="phuong-k.example.vn")
    assert soup(ward_host.get("/vi/")).select_one("[data-poll] .box__title").get_text(strip=True) == poll.question
    assert sidebar_polls([ward["site"]]) == {ward["site"].pk: poll}

    poll.site = site
    poll.save()
    assert soup(ward_host.get("/vi/")).select_one("[data-poll]") is None
    assert sidebar_polls([ward["site"]]) == {ward["site"].pk: None}


def test_an_agencys_poll_is_served_and_voted_on_at_its_own_sites_address_alone(site, ward, locales):
    vi = locales[0]
    district_poll = make_survey(vi, question="Quận phục vụ thế nào?", site=site)
    ward_poll = make_survey(vi, question="Phường K phục vụ thế nào?", site=ward["site"])
    orphan_poll = make_survey(vi, question="Câu hỏi của một phường đã giải thể?")  # its site has gone
    district, ward_host = Client(), Client(HTTP_HOST="phuong-k.example.vn")
    for client, own, other in ((district, district_poll, ward_poll), (ward_host, ward_poll, district_poll)):
        for poll, status in ((own, 200), (orphan_poll, 200), (other, 404)):
            assert client.get(url("survey", poll)).status_code == status, (poll, status)
            assert client.get(url("survey", poll), HTTP_ACCEPT="application/json").status_code == status
        assert post_vote(client, other, options(other)[0]).status_code == 404
        assert post_vote(client, own, options(own)[0]).status_code == 302
    assert post_vote(ward_host, orphan_poll, options(orphan_poll)[0]).status_code == 302
    assert sorted(SurveyResponse.objects.values_list("survey", flat=True)) == sorted(
        [district_poll.pk, ward_poll.pk, orphan_poll.pk]
    )


# --- The admin report ----------------------------------------------------------------------------


def local(*args):
    return datetime.datetime(*args, tzinfo=AGENCY_TZ)


@pytest.fixture
def report_data(survey):
    """Responses across months, services and languages; March has none."""
    justice = Department.objects.create(locale=survey.locale, name="Phòng Tư pháp")
    urban = Department.objects.create(locale=survey.locale, name="Phòng Quản lý đô thị")
    rows = [
        (local(2026, 1, 5, 9, 0), 0, justice, "Thủ tục nhanh gọn."),
        (local(2026, 1, 31, 23, 30), 1, None, ""),  # January in Đà Nẵng, though 16:30 UTC
        (local(2026, 2, 1, 0, 30), 3, urban, "Chờ lâu quá."),  # February in Đà Nẵng, 31 January in UTC
        (local(2026, 2, 14, 10, 0), 0, urban, ""),
        (local(2026, 4, 2, 8, 0), 4, justice, "Thiếu chỗ ngồi chờ."),
    ]
    answers = options(survey)
    SurveyResponse.objects.bulk_create(
        SurveyResponse(
            survey=survey,
            option=answers[option],
            service=service,
            created_at=created_at,
            comment=comment,
            language=["vi", "en"][i % 2],
            visitor_token=f"visitor-{i}",
        )
        for i, (created_at, option, service, comment) in enumerate(rows)
    )
    # Another survey's vote, in no report or export of this one.
    other = make_survey(survey.locale, question="Khác?")
    SurveyResponse.objects.create(survey=other, option=options(other)[0], language="vi", visitor_token="other")
    return rows


def table_rows(table):
    """{row heading: ([votes per answer], total)} of a figures table."""
    return {
        tr.select_one("th").get_text(strip=True): (
            [int(td["data-votes"]) for td in tr.select("[data-votes]")],
            int(tr.select_one("[data-total]")["data-total"]),
        )
        for tr in table.select("tbody tr")
    }


def test_the_report_gives_the_figures_per_month_in_the_agencys_time_zone(admin_client, survey, report_data):
    expected = {}
    for created_at, option, _service, _comment in report_data:
        month = f"{created_at:%Y-%m}"
        counts = expected.setdefault(month, [0] * 5)
        counts[option] += 1
    expected["2026-03"] = [0] * 5  # the months between are shown, empty

    page = soup(admin_client.get(admin_url("report", survey.pk)))
    months = {
        tr["data-month"]: [int(td["data-votes"]) for td in tr.select("[data-votes]")]
        for tr in page.select("tr[data-month]")
    }
    assert months == expected
    assert [tr["data-month"] for tr in page.select("tr[data-month]")] == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert len(page.select(".feedback-report__chart rect[fill]")) == len(page.select(".feedback-report__legend li")) + 5
    overall = table_rows(page.select_one("table[aria-labelledby=overall-title]"))
    assert overall == {"Tất cả phiếu trong khoảng thời gian": ([2, 1, 0, 1, 1], 5)}

    services = table_rows(page.select_one("table[aria-labelledby=services-title]"))
    assert services == {
        "Phòng Quản lý đô thị": ([1, 0, 0, 1, 0], 2),
        "Phòng Tư pháp": ([1, 0, 0, 0, 1], 2),
        "Không nêu phòng ban hoặc dịch vụ": ([0, 1, 0, 0, 0], 1),
    }
    comments = [td.get_text(strip=True) for td in page.select("table[aria-labelledby=responses-title] td:last-child")]
    assert comments == ["Thiếu chỗ ngồi chờ.", "", "Chờ lâu quá.", "", "Thủ tục nhanh gọn."]


def test_the_report_of_a_translation_names_the_answers_in_its_language_everywhere(
    admin_client, survey, report_data, locales
):
    english = survey.get_translation(locales[1])
    page = soup(admin_client.get(admin_url("report", english.pk)))
    headings = [th.get_text(strip=True) for th in page.select("table[aria-labelledby=overall-title] thead th")]
    answers = {td.get_text(strip=True) for td in page.select("table[aria-labelledby=responses-title] td:nth-child(2)")}
    english_labels = {en for _vi, en in SCALE}
    assert answers and answers <= english_labels and english_labels <= set(headings)


def test_the_report_filters_by_date_range_and_comment(admin_client, survey, report_data):
    february = soup(
        admin_client.get(
            admin_url("report", survey.pk), {"created_at_from": "2026-02-01", "created_at_to": "2026-02-28"}
        )
    )
    assert [tr["data-month"] for tr in february.select("tr[data-month]")] == ["2026-02"]
    overall = table_rows(february.select_one("table[aria-labelledby=overall-title]"))
    assert list(overall.values()) == [([1, 0, 0, 1, 0], 2)]

    commented = soup(admin_client.get(admin_url("report_results", survey.pk), {"has_comment": "true"}))
    comments = [
        td.get_text(strip=True) for td in commented.select("table[aria-labelledby=responses-title] td:last-child")
    ]
    assert comments == ["Thiếu chỗ ngồi chờ.", "Chờ lâu quá.", "Thủ tục nhanh gọn."]


def _export(admin_client, survey, export_format, **filters):
    response = admin_client.get(admin_url("report", survey.pk), {"export": export_format, **filters})
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_export_contains_exactly_the_stored_responses(admin_client, survey, report_data):
    stored = {
        r.pk: (r.created_at, r.option.label, r.service.name if r.service else "", r.language, r.comment)
        for r in survey.responses.select_related("option", "service")
    }

    exported = _export(admin_client, survey, "csv")
    assert exported.startswith(codecs.BOM_UTF8)  # or Excel garbles the Vietnamese
    header, *rows = csv.reader(io.StringIO(exported.decode("utf-8-sig")))
    assert header == ["Mã", "Thời gian", "Phương án", "Phòng ban hoặc dịch vụ", "Ngôn ngữ", "Trang", "Ý kiến"]
    from_csv = {
        int(pk): (datetime.datetime.fromisoformat(time), option, service, language, comment)
        for pk, time, option, service, language, _page, comment in rows
    }
    assert from_csv == stored

    sheet = openpyxl.load_workbook(io.BytesIO(_export(admin_client, survey, "xlsx"))).active
    header, *rows = sheet.iter_rows(values_only=True)
    assert header[0] == "Mã"
    from_xlsx = {
        pk: (time.replace(tzinfo=AGENCY_TZ), option, service or "", language, comment or "")
        for pk, time, option, service, language, _page, comment in rows
    }
    assert from_xlsx == stored

    january = _export(admin_client, survey, "csv", created_at_from="2026-01-01", created_at_to="2026-01-31")
    assert len(list(csv.reader(io.StringIO(january.decode("utf-8-sig"))))) == 1 + 2


@pytest.mark.parametrize("comment", ['=HYPERLINK("http://example.com/","Bấm vào đây")', "+1+2", "-2+3", "@SUM(1,2)"])
def test_a_comment_that_looks_like_a_formula_is_exported_as_text(admin_client, survey, comment):
    SurveyResponse.objects.create(
        survey=survey, option=options(survey)[0], language="vi", visitor_token="v", comment=comment
    )
    rows = list(csv.reader(io.StringIO(_export(admin_client, survey, "csv").decode("utf-8-sig"))))
    assert rows[1][-1] == "'" + comment
    sheet = openpyxl.load_workbook(io.BytesIO(_export(admin_client, survey, "xlsx"))).active
    cell = list(sheet.iter_rows())[1][-1]
    assert cell.value == comment and cell.data_type == "s"


def test_the_survey_listing_links_to_the_report(admin_client, survey):
    listing = admin_client.get(admin_url("list")).content.decode()
    assert admin_url("report", survey.pk) in listing
    assert f"/copy/{survey.pk}/" not in listing


def test_approvers_make_polls_editors_read_the_results_and_translators_only_translate(
    client, site, survey, report_data, role_user, locales
):
    """A poll is public once it exists: approvers make and change polls. Editors read and export
    the results; translators translate polls and never read what citizens answered."""
    english = survey.get_translation(locales[1])
    report = admin_url("report", survey.pk)

    def denied(response):
        return response.status_code == 403 or (
            response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
        )

    client.force_login(role_user(EDITORS, "bientap"))
    assert report in client.get(admin_url("list")).content.decode()
    assert client.get(report).status_code == 200
    assert len(list(csv.reader(io.StringIO(_export(client, survey, "csv").decode("utf-8-sig"))))) == 1 + len(
        report_data
    )
    assert denied(client.get(admin_url("add")))
    assert denied(client.post(admin_url("edit", survey.pk), {}))

    client.force_login(role_user(APPROVERS, "pheduyet"))
    assert client.get(admin_url("add")).status_code == 200
    assert client.get(admin_url("edit", survey.pk)).status_code == 200
    assert client.get(report).status_code == 200

    client.force_login(role_user(TRANSLATORS, "biendich"))
    assert client.get(admin_url("edit", english.pk)).status_code == 200
    assert report not in client.get(admin_url("list")).content.decode()
    for url in (report, admin_url("report", english.pk), admin_url("report_results", survey.pk)):
        assert denied(client.get(url)), url
    assert denied(client.get(report, {"export": "csv"}))
    # Not even an administrator's grant of "view" on polls opens the citizens' answers.
    Group.objects.get(name=TRANSLATORS).permissions.add(Permission.objects.get(codename="view_survey"))
    assert denied(client.get(report))


def test_a_poll_with_votes_is_not_deleted_and_its_usage_names_the_sites_showing_it(
    admin_client, poll_box, locales, site
):
    post_vote(Client(), poll_box, options(poll_box)[0])
    english = poll_box.get_translation(locales[1])
    unvoted = make_survey(locales[0], question="Chưa ai bình chọn")

    # The sidebar of the site's settings shows it: Wagtail's usage count and its warning say so.
    def usage():
        return soup(admin_client.get(admin_url("usage", poll_box.pk))).select_one("main").get_text(" ", strip=True)

    assert "Cấu hình cổng thông tin Cột bên → Khảo sát mức độ hài lòng" in usage()
    # Settings saved before they were indexed (an upgrade) are indexed by `migrate`.
    ReferenceIndex.objects.all().delete()
    assert "Cột bên" not in usage()
    index_site_settings()
    assert "Cấu hình cổng thông tin Cột bên → Khảo sát mức độ hài lòng" in usage()
    confirm = admin_client.get(admin_url("delete", poll_box.pk), follow=True)
    refused = "“Bạn có hài lòng với chất lượng phục vụ của UBND phường?” có phiếu bình chọn"
    assert refused in confirm.content.decode()
    back_to_the_list = admin_url("list")
    assert admin_client.post(admin_url("delete", poll_box.pk))["Location"] == back_to_the_list
    bulk = reverse("wagtail_bulk_action", args=["feedback", "survey", "delete"])
    assert admin_client.post(f"{bulk}?id={poll_box.pk}&id={unvoted.pk}")["Location"] == back_to_the_list
    assert Survey.objects.filter(pk__in=[poll_box.pk, unvoted.pk]).count() == 2
    assert SurveyResponse.objects.count() == 1

    # Deleting what holds no vote goes through: a poll nobody answered, a translation.
    for poll in (unvoted, english):
        assert admin_client.post(admin_url("delete", poll.pk)).status_code == 302
        assert not Survey.objects.filter(pk=poll.pk).exists()
    assert SurveyResponse.objects.count() == 1


def test_a_department_that_votes_or_polls_name_is_not_deleted(admin_client, survey, locales):
    vi = locales[0]
    voted = Department.objects.create(locale=vi, name="Phòng Tư pháp")
    polled = Department.objects.create(locale=vi, name="Phòng Quản lý đô thị")
    unrated = Department.objects.create(locale=vi, name="Phòng Nội vụ")
    assert post_vote(Client(), survey, options(survey)[0], service=voted.pk).status_code == 302
    make_survey(vi, question="Đô thị phục vụ thế nào?", service=polled)

    def delete_url(department):
        return reverse("wagtailsnippets_home_department:delete", args=[department.pk])

    back_to_the_list = reverse("wagtailsnippets_home_department:list")
    for department in (voted, polled):
        confirm = admin_client.get(delete_url(department), follow=True).content.decode()
        assert f"Không thể xóa “{department.name}”: có phiếu bình chọn hoặc cuộc bình chọn nêu đơn vị này" in confirm
        assert admin_client.post(delete_url(department))["Location"] == back_to_the_list
    bulk = reverse("wagtail_bulk_action", args=["home", "department", "delete"])
    assert admin_client.post(f"{bulk}?id={voted.pk}&id={unrated.pk}")["Location"] == back_to_the_list
    assert Department.objects.filter(pk__in=[voted.pk, polled.pk, unrated.pk]).count() == 3
    # Nor does the database let anything else take them from the votes and polls.
    for department in (voted, polled):
        with pytest.raises(ProtectedError):
            department.delete()
    assert SurveyResponse.objects.get().service == voted

    assert admin_client.post(delete_url(unrated))["Location"] == back_to_the_list
    assert not Department.objects.filter(pk=unrated.pk).exists()


def test_the_report_costs_the_same_queries_whatever_the_number_of_responses(admin_client, survey, locales):
    Department.objects.create(locale=locales[0], name="Phòng Tư pháp")
    counts = []
    for extra in (3, 60):
        SurveyResponse.objects.bulk_create(
            SurveyResponse(
                survey=survey,
                option=options(survey)[i % 5],
                service=Department.objects.first() if i % 2 else None,
                created_at=timezone.now() - datetime.timedelta(days=7 * i),
                comment="Ý kiến" if i % 3 else "",
                language="vi",
                visitor_token=f"{extra}-{i}",
            )
            for i in range(extra)
        )
        counts.append(_queries(admin_url("report", survey.pk), admin_client))
    assert counts[0] == counts[1]


# --- Concurrency and demo content -------------------------------------------------------------


def run_concurrently(count, task):
    """`task(i)` for i in range(count), in as many threads released at once; their results."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        try:
            barrier.wait()
            results[i] = task(i)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_50_concurrent_votes_from_50_visitors_are_all_stored(locales):
    survey = make_survey(locales[0])
    answers = options(survey)
    statuses = run_concurrently(
        50, lambda i: post_vote(Client(), survey, answers[i % 5], address=f"198.51.100.{i + 1}", json=True).status_code
    )
    assert statuses == [200] * 50
    assert survey.responses.count() == 50
    assert survey.responses.values("visitor_token").distinct().count() == 50
    assert shown_results(soup(Client().get(url("survey", survey))).select_one("#results"))[1] == 50


def test_the_demo_poll_has_votes_over_months_and_services_in_both_languages(client, demo):
    survey = Survey.objects.get(question="Đánh giá mức độ hài lòng với chất lượng phục vụ của UBND Quận Hải Châu")
    assert set(Survey.objects.filter(translation_key=survey.translation_key).values_list("site", flat=True)) == {
        demo.pk
    }
    responses = survey.responses
    assert responses.count() >= 200
    assert responses.dates("created_at", "month").count() >= 5
    assert responses.exclude(service=None).values("service").distinct().count() >= 3
    assert responses.exclude(comment="").exists()

    vietnamese = soup(client.get("/vi/")).select_one("[data-poll]")
    assert vietnamese.select_one(".box__title").get_text(strip=True) == survey.question
    english = soup(client.get("/en/")).select_one("[data-poll]")
    assert "Hai Chau District People's Committee" in english.select_one(".box__title").get_text()
    assert english.select_one(".poll__option").get_text(strip=True) == "Very satisfied"
    page = soup(client.get(url("survey", survey, "en")))
    assert shown_results(page.select_one("#results"))[1] == responses.count()
