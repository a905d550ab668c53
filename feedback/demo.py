"""Demo content: the district's satisfaction poll in the sidebar, with a few hundred votes spread
over the last six months and the departments citizens dealt with."""

import random
from datetime import timedelta

from django.utils import timezone
from django.utils.crypto import salted_hmac
from wagtail.models import Site

from home.demo import add_sidebar_box, department, locales, translate
from home.models import HomePage

from .models import Survey, SurveyOption, SurveyResponse

QUESTION = "Đánh giá mức độ hài lòng với chất lượng phục vụ của UBND Quận Hải Châu"
QUESTION_EN = "How satisfied are you with the service of the Hai Chau District People's Committee?"
OPTIONS = [
    ("Rất hài lòng", "Very satisfied", True),
    ("Hài lòng", "Satisfied", True),
    ("Bình thường", "Neutral", False),
    ("Không hài lòng", "Dissatisfied", False),
    ("Rất không hài lòng", "Very dissatisfied", False),
]
SERVICES = {
    "Bộ phận Tiếp nhận và Trả kết quả": "One-stop reception and results desk",
    "Phòng Tư pháp": "Justice Division",
    "Phòng Tài nguyên và Môi trường": "Natural Resources and Environment Division",
    "Phòng Quản lý đô thị": "Urban Management Division",
    "Phòng Lao động - Thương binh và Xã hội": "Labour, Invalids and Social Affairs Division",
}
COMMENTS = [
    "Cán bộ hướng dẫn tận tình, hồ sơ được trả đúng hẹn.",
    "Thời gian chờ lấy số hơi lâu vào buổi sáng thứ Hai.",
    "Nên bố trí thêm chỗ ngồi chờ và nước uống cho người dân.",
    "Thủ tục chứng thực nhanh gọn, chỉ mất khoảng mười lăm phút.",
    "Mong quận mở rộng dịch vụ công trực tuyến để đỡ phải đi lại.",
    "Hồ sơ cấp phép xây dựng bị trả lại hai lần vì thiếu giấy tờ mà không được báo trước.",
    "Nhân viên thân thiện, giải thích rõ ràng từng bước.",
    "Bãi giữ xe máy chật, khó tìm chỗ vào giờ cao điểm.",
]
RESPONSES = 360
DAYS = 180


def _services(site):
    return [department(site, name, name_en) for name, name_en in SERVICES.items()]


def _survey(site, vi, en, opens_at):
    survey = Survey.objects.filter(locale=vi, question=QUESTION).first()
    if survey is None:
        survey = Survey(locale=vi, question=QUESTION, opens_at=opens_at, site=site)
        # In the order the admin gives them: it numbers only the answers it saves (a new one, say).
        survey.options = [
            SurveyOption(label=label, counts_as_satisfied=best, sort_order=number)
            for number, (label, _en, best) in enumerate(OPTIONS)
        ]
        survey.save()
    translate(survey, en, {QUESTION: QUESTION_EN, **{label: label_en for label, label_en, _best in OPTIONS}})
    return survey


def _responses(survey, services, pages, now):
    """Votes drawn from a fixed seed: mostly content, some not, a comment now and then."""
    rng = random.Random(2026)
    options = list(survey.options.all())
    responses = []
    for i in range(RESPONSES):
        language = "en" if rng.random() < 0.1 else "vi"
        responses.append(
            SurveyResponse(
                survey=survey,
                option=rng.choices(options, weights=[40, 33, 15, 8, 4])[0],
                service=rng.choice(services) if rng.random() < 0.8 else None,
                created_at=now - timedelta(days=rng.uniform(0, DAYS)),
                language=language,
                page=pages.get(language),
                comment=rng.choice(COMMENTS) if rng.random() < 0.12 else "",
                visitor_token=salted_hmac("feedback.demo", str(i), algorithm="sha256").hexdigest(),
            )
        )
    SurveyResponse.objects.bulk_create(responses)


def load():
    vi, en = locales()
    now = timezone.now()
    site = Site.objects.get(is_default_site=True)
    services = _services(site)
    survey = _survey(site, vi, en, opens_at=now - timedelta(days=DAYS + 1))
    if not survey.responses.exists():
        pages = {page.locale.language_code: page for page in HomePage.objects.select_related("locale")}
        _responses(survey, services, pages, now)
    add_sidebar_box(site, "poll", survey)
