"""Demo news: departments, categories and 32 articles over the last two years, written for the
demo; some of them translated into English. Idempotent: everything is looked up first."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Site
from wagtail.rich_text import RichText

from editorial.roles import portal_collection
from home.demo import demo_image, department, locales, translate
from home.text import slugify_vi

from .models import NewsArticlePage, NewsIndexPage, NewsTag, RelatedArticle

DEPARTMENTS = {
    "office": ("Văn phòng", "Office"),
    "culture": ("Phòng Văn hóa - Thông tin", "Culture and Information Division"),
    "environment": ("Phòng Tài nguyên và Môi trường", "Natural Resources and Environment Division"),
    "economy": ("Phòng Kinh tế", "Economic Division"),
    "social": ("Phòng Lao động - Thương binh và Xã hội", "Labour, Invalids and Social Affairs Division"),
    "education": ("Phòng Giáo dục và Đào tạo", "Education and Training Division"),
}

# key: (parent key or None, title, intro, English title, English slug, English intro)
CATEGORIES = {
    "news": (
        None,
        "Tin tức - Sự kiện",
        "Hoạt động của Ủy ban nhân dân quận và các sự kiện nổi bật trên địa bàn.",
        "News and events",
        "news-and-events",
        "The work of the district People's Committee and the main events in the district.",
    ),
    "digital": (
        "news",
        "Chuyển đổi số",
        "Chính quyền số, kinh tế số và xã hội số ở Hải Châu.",
        "Digital transformation",
        "digital-transformation",
        "Digital government, digital economy and digital society in Hai Chau.",
    ),
    "wards": (
        None,
        "Hoạt động của phường",
        "Tin từ các phường trong quận.",
        "Ward activities",
        "ward-activities",
        "News from the wards of the district.",
    ),
    "notices": (
        None,
        "Thông báo",
        "Thông báo của Ủy ban nhân dân quận và các phòng, ban chuyên môn.",
        "Announcements",
        "announcements",
        "Announcements of the district People's Committee and its divisions.",
    ),
}

DAN_VAN_KHEO = "Quận Hải Châu: Tiếp tục thực hiện hiệu quả phong trào “dân vận khéo”"

# The photo's own alternative text, translated with its article (the gallery's have their images').
FESTIVAL_PHOTO_ALT = "Thực khách xếp hàng trước gian hàng, đầu bếp chan nước dùng vào những tô mì Quảng"
GALLERY = [
    ("Quang cảnh hội nghị sơ kết phong trào dân vận khéo", "Quang cảnh Hội nghị", "The conference hall"),
    (
        "Bí thư Quận ủy phát biểu tại hội nghị",
        "Bí thư Quận ủy phát biểu chỉ đạo",
        "The district Party Secretary speaks",
    ),
    ("Đại biểu các phường tham dự hội nghị", "Đại biểu các phường", "Delegates of the wards"),
    ("Trưng bày sản phẩm của mô hình dân vận khéo", "Gian trưng bày các mô hình", "The exhibition of the models"),
    ("Khen thưởng tập thể tiêu biểu", "Khen thưởng các tập thể tiêu biểu", "Awards for outstanding groups"),
    ("Khen thưởng cá nhân tiêu biểu", "Khen thưởng các cá nhân tiêu biểu", "Awards for outstanding individuals"),
    (
        "Tham luận của phường Thạch Thang",
        "Phường Thạch Thang trình bày tham luận",
        "Thach Thang Ward presents its report",
    ),
    ("Các đại biểu chụp ảnh lưu niệm", "Các đại biểu chụp ảnh lưu niệm", "A group photo of the delegates"),
]

# (category, title, lead, paragraphs, department, byline, tags)
ARTICLES = [
    (
        "news",
        DAN_VAN_KHEO,
        "Sáng nay, Ban Dân vận Quận ủy tổ chức hội nghị sơ kết phong trào thi đua “dân vận khéo”, "
        "biểu dương 24 mô hình tiêu biểu của các phường, cơ quan và đơn vị trên địa bàn.",
        [
            "Sau ba năm triển khai, phong trào đã lan tỏa đến từng tổ dân phố. Nhiều mô hình gắn với "
            "việc chỉnh trang đô thị, giữ gìn vệ sinh môi trường và chăm lo cho người có hoàn cảnh khó "
            "khăn, được người dân đồng tình hưởng ứng.",
            "Các phường đã vận động nhân dân hiến hơn 1.200 mét vuông đất để mở rộng kiệt, hẻm, lắp đặt "
            "gần 300 bóng đèn chiếu sáng và duy trì 40 tuyến đường hoa do người dân tự chăm sóc.",
            "Hội nghị đề ra nhiệm vụ thời gian tới: mỗi cơ quan, đơn vị đăng ký ít nhất một mô hình, "
            "chú trọng công tác dân vận trong giải quyết thủ tục hành chính và tiếp nhận phản ánh của "
            "người dân.",
        ],
        "office",
        "Minh Anh",
        ["dân vận khéo"],
    ),
    (
        "news",
        "Hải Châu tổng kết công tác cải cách hành chính",
        "Quận Hải Châu tiếp tục đứng trong nhóm dẫn đầu thành phố về chỉ số cải cách hành chính, với "
        "tỷ lệ hồ sơ giải quyết đúng hạn đạt trên 99%.",
        [
            "Trong năm, bộ phận một cửa của quận và các phường tiếp nhận hơn 48.000 hồ sơ. Thời gian chờ "
            "trung bình của người dân giảm còn chưa đến mười phút nhờ hệ thống xếp hàng tự động.",
            "Ủy ban nhân dân quận yêu cầu các phòng, ban tiếp tục rà soát quy trình nội bộ, công khai "
            "minh bạch tiến độ giải quyết và xin lỗi người dân khi hồ sơ bị trễ hẹn.",
        ],
        "office",
        "Thanh Tùng",
        [],
    ),
    (
        "news",
        "Khai mạc Lễ hội ẩm thực đường phố bên sông Hàn",
        "Tối qua, lễ hội ẩm thực đường phố lần thứ ba khai mạc tại công viên APEC với gần 100 gian "
        "hàng đặc sản của Đà Nẵng và các tỉnh miền Trung.",
        [
            "Du khách có thể thưởng thức mì Quảng, bánh tráng cuốn thịt heo, bún chả cá và nhiều món ăn "
            "dân dã khác. Ban tổ chức bố trí khu vực phân loại rác và khuyến khích các gian hàng dùng "
            "bao bì thân thiện với môi trường.",
            "Lễ hội kéo dài bốn ngày, mở cửa từ 16 giờ đến 23 giờ mỗi ngày, kèm theo chương "
            "trình biểu diễn nghệ thuật đường phố.",
        ],
        "culture",
        "Hoài Thu",
        ["du lịch"],
    ),
    (
        "news",
        "Quận ra quân tổng vệ sinh môi trường chào đón mùa du lịch",
        "Hơn 2.000 đoàn viên, hội viên và người dân tham gia dọn dẹp các tuyến đường, bờ kè sông Hàn "
        "và khu vực chợ trong ngày Chủ nhật xanh.",
        [
            "Các lực lượng đã thu gom gần 30 tấn rác thải, phát quang bụi rậm tại các khu đất trống và "
            "khơi thông nhiều đoạn mương thoát nước.",
            "Quận sẽ duy trì ngày Chủ nhật xanh vào tuần cuối mỗi tháng, đồng thời tăng cường kiểm tra, "
            "xử lý các trường hợp vứt rác không đúng nơi quy định.",
        ],
        "environment",
        "Quốc Bảo",
        ["môi trường"],
    ),
    (
        "news",
        "Gặp mặt các doanh nghiệp tiêu biểu trên địa bàn quận",
        "Lãnh đạo quận lắng nghe kiến nghị của hơn 80 doanh nghiệp về mặt bằng kinh doanh, thủ tục "
        "đầu tư và nguồn nhân lực.",
        [
            "Nhiều doanh nghiệp đề nghị rút ngắn thời gian cấp phép xây dựng và hỗ trợ kết nối với các "
            "trường đại học để tuyển dụng lao động có tay nghề.",
            "Chủ tịch Ủy ban nhân dân quận giao các phòng chuyên môn trả lời bằng văn bản từng kiến nghị "
            "trong vòng 15 ngày và công khai kết quả trên cổng thông tin.",
        ],
        "economy",
        "Ngọc Hân",
        [],
    ),
    (
        "news",
        "Trao học bổng “Thắp sáng ước mơ” cho học sinh vượt khó",
        "120 suất học bổng, mỗi suất hai triệu đồng, được trao cho học sinh có hoàn cảnh khó khăn, vươn lên học tốt.",
        [
            "Quỹ học bổng được hình thành từ sự đóng góp của các doanh nghiệp, nhà hảo tâm và cán bộ, "
            "công chức của quận.",
            "Bên cạnh học bổng, các em còn được tặng xe đạp, sách vở và được các tình nguyện viên phụ "
            "đạo miễn phí trong năm học.",
        ],
        "social",
        "Hoài Thu",
        [],
    ),
    (
        "news",
        "Chủ tịch UBND quận đối thoại với nhân dân về chỉnh trang đô thị",
        "Hơn 200 người dân các phường Bình Hiên, Bình Thuận và Hòa Thuận Đông đã nêu ý kiến về vỉa hè, "
        "cây xanh và thoát nước.",
        [
            "Người dân phản ánh tình trạng ngập cục bộ khi mưa lớn tại một số kiệt, hẻm và đề nghị sớm "
            "cải tạo hệ thống cống.",
            "Chủ tịch Ủy ban nhân dân quận cam kết đưa các công trình thoát nước cấp thiết vào kế hoạch "
            "đầu tư năm tới và giao các phường giám sát chất lượng thi công cùng người dân.",
        ],
        "office",
        "Thanh Tùng",
        [],
    ),
    (
        "news",
        "Ngày hội Đại đoàn kết toàn dân tộc ở các khu dân cư",
        "Trong tháng 11, tất cả các tổ dân phố của quận tổ chức Ngày hội Đại đoàn kết với nhiều hoạt "
        "động văn hóa, thể thao sôi nổi.",
        [
            "Ngày hội là dịp biểu dương các gia đình văn hóa tiêu biểu và trao quà cho các hộ nghèo, "
            "người cao tuổi neo đơn.",
            "Nhiều khu dân cư tổ chức bữa cơm đoàn kết, thi kéo co, nấu ăn và văn nghệ do chính người dân dàn dựng.",
        ],
        "culture",
        "Đức Trí",
        [],
    ),
    (
        "news",
        "Đoàn công tác tỉnh Quảng Ngãi trao đổi kinh nghiệm quản lý đô thị",
        "Đoàn tìm hiểu cách quận Hải Châu quản lý trật tự vỉa hè, chiếu sáng đô thị và vận hành bộ phận một cửa.",
        [
            "Đoàn đã tham quan tuyến phố đi bộ, trung tâm giám sát camera và bộ phận tiếp nhận, trả kết "
            "quả của một số phường.",
            "Hai bên thống nhất duy trì trao đổi thường xuyên, nhất là trong lĩnh vực chuyển đổi số và "
            "cải cách hành chính.",
        ],
        "office",
        "Minh Anh",
        [],
    ),
    (
        "news",
        "Sơ kết sáu tháng thực hiện nhiệm vụ phát triển kinh tế - xã hội",
        "Tổng thu ngân sách trên địa bàn sáu tháng đầu năm đạt 58% dự toán; các chỉ tiêu an sinh xã hội được bảo đảm.",
        [
            "Hoạt động thương mại, dịch vụ và du lịch tiếp tục phục hồi, số lượt khách lưu trú tăng "
            "khá so với cùng kỳ.",
            "Sáu tháng cuối năm, quận tập trung đẩy nhanh giải ngân vốn đầu tư công và giải quyết dứt "
            "điểm các kiến nghị kéo dài của người dân.",
        ],
        "office",
        "Thanh Tùng",
        [],
    ),
    (
        "news",
        "Tuyên dương 50 gương người tốt, việc tốt",
        "Những tấm gương được tuyên dương là những người bình dị, lặng lẽ giúp đỡ cộng đồng trong công việc hằng ngày.",
        [
            "Trong số đó có bác tổ trưởng tổ dân phố hơn mười năm vận động bà con giữ gìn vệ sinh kiệt, "
            "hẻm và một em học sinh trả lại tài sản nhặt được.",
            "Ủy ban nhân dân quận tặng giấy khen và mong những câu chuyện đẹp tiếp tục được nhân rộng.",
        ],
        "culture",
        "Ngọc Hân",
        [],
    ),
    (
        "news",
        "Tập huấn phòng cháy, chữa cháy cho hộ kinh doanh",
        "Gần 300 chủ hộ kinh doanh được hướng dẫn sử dụng bình chữa cháy và thoát nạn khi có sự cố.",
        [
            "Lớp tập huấn chú trọng các nhà ống vừa ở vừa kinh doanh, nơi nguy cơ cháy nổ cao.",
            "Sau buổi học, các hộ được khuyến cáo trang bị bình chữa cháy, lắp thiết bị báo khói và mở "
            "lối thoát nạn thứ hai.",
        ],
        "office",
        "Quốc Bảo",
        [],
    ),
    (
        "digital",
        "Hải Châu triển khai thanh toán không dùng tiền mặt tại chợ truyền thống",
        "Tiểu thương ở các chợ Hàn, chợ Cồn và chợ Đống Đa đã niêm yết mã QR để khách thanh toán bằng điện thoại.",
        [
            "Hơn 1.500 tiểu thương được hướng dẫn mở tài khoản và sử dụng mã QR miễn phí với sự hỗ trợ "
            "của các ngân hàng.",
            "Khách du lịch đánh giá cao sự tiện lợi, còn tiểu thương không phải lo chuẩn bị tiền lẻ "
            "hay nhầm lẫn khi trả lại tiền thừa.",
        ],
        "economy",
        "Ngọc Hân",
        ["chuyển đổi số"],
    ),
    (
        "digital",
        "Ra mắt tổ công nghệ số cộng đồng tại các phường",
        "Mỗi tổ công nghệ số cộng đồng gồm cán bộ phường, đoàn viên thanh niên và người dân am hiểu công nghệ.",
        [
            "Các tổ sẽ hướng dẫn người dân cài đặt ứng dụng định danh điện tử, nộp hồ sơ trực tuyến và "
            "nhận biết các thủ đoạn lừa đảo qua mạng.",
            "Tổ công nghệ số cũng đến tận nhà hỗ trợ người cao tuổi và người khuyết tật.",
        ],
        "culture",
        "Đức Trí",
        ["chuyển đổi số"],
    ),
    (
        "digital",
        "Hồ sơ trực tuyến tăng mạnh tại bộ phận một cửa",
        "Tỷ lệ hồ sơ nộp trực tuyến toàn trình tại quận đạt 72%, tăng gần gấp đôi so với năm trước.",
        [
            "Người dân có thể theo dõi tiến độ giải quyết hồ sơ bằng tin nhắn và nhận kết quả qua đường bưu điện.",
            "Quận tiếp tục bố trí công chức hướng dẫn tại chỗ cho những người chưa quen sử dụng dịch vụ "
            "công trực tuyến.",
        ],
        "office",
        "Thanh Tùng",
        ["chuyển đổi số"],
    ),
    (
        "digital",
        "Tập huấn kỹ năng số cho cán bộ khu dân cư",
        "Hơn 400 tổ trưởng tổ dân phố và cán bộ mặt trận khu dân cư tham gia lớp tập huấn kỹ năng số.",
        [
            "Học viên được hướng dẫn sử dụng nhóm trò chuyện của tổ dân phố để thông tin nhanh đến bà "
            "con và tiếp nhận phản ánh.",
            "Nội dung bảo vệ thông tin cá nhân trên mạng được nhiều học viên quan tâm.",
        ],
        "culture",
        "Hoài Thu",
        ["chuyển đổi số"],
    ),
    (
        "wards",
        "Phường Thạch Thang ra mắt mô hình “Tuyến phố văn minh”",
        "Tuyến đường Lê Lợi được chọn làm điểm với cam kết của các hộ dân về giữ gìn vỉa hè thông thoáng, sạch đẹp.",
        [
            "Các hộ kinh doanh ký cam kết không lấn chiếm vỉa hè, để rác đúng giờ và trồng cây xanh trước nhà.",
            "Ủy ban nhân dân phường sẽ đánh giá sau sáu tháng để nhân rộng mô hình ra các tuyến đường khác.",
        ],
        "culture",
        "Minh Anh",
        ["dân vận khéo"],
    ),
    (
        "wards",
        "Phường Hòa Cường Bắc tổ chức hội thi nấu ăn dinh dưỡng",
        "Mười đội thi của các chi hội phụ nữ trình bày những bữa ăn ngon, đủ chất và tiết kiệm cho gia đình.",
        [
            "Mỗi đội chế biến một mâm cơm cho bốn người với chi phí không quá 200 nghìn đồng.",
            "Ban giám khảo đánh giá cao các món ăn sử dụng rau sạch do chính hội viên trồng.",
        ],
        "culture",
        "Hoài Thu",
        [],
    ),
    (
        "wards",
        "Phường Bình Hiên trồng mới 200 cây xanh trên các kiệt, hẻm",
        "Người dân góp công, góp tiền cùng phường trồng cây bóng mát, tạo không gian xanh cho khu dân cư.",
        [
            "Các loại cây được chọn là giáng hương, lim xẹt và bằng lăng, phù hợp với khí hậu và không "
            "làm hư hỏng hạ tầng.",
            "Mỗi cây được giao cho một hộ gia đình chăm sóc, gắn biển tên để theo dõi.",
        ],
        "environment",
        "Quốc Bảo",
        ["môi trường"],
    ),
    (
        "wards",
        "Phường Phước Ninh thăm, tặng quà gia đình chính sách",
        "Nhân kỷ niệm Ngày Thương binh - Liệt sĩ 27/7, phường trao 150 suất quà cho các gia đình chính sách.",
        [
            "Lãnh đạo phường đã đến thăm hỏi, động viên các thương binh nặng và mẹ Việt Nam anh hùng.",
            "Đoàn viên thanh niên phường cũng dọn dẹp, thắp hương tại nghĩa trang liệt sĩ.",
        ],
        "social",
        "Đức Trí",
        [],
    ),
    (
        "wards",
        "Phường Hải Châu I tổ chức giải bóng đá thiếu niên hè",
        "Mười hai đội bóng của các tổ dân phố tranh tài, tạo sân chơi bổ ích cho thiếu niên trong dịp hè.",
        [
            "Giải đấu diễn ra vào các buổi chiều cuối tuần tại sân vận động phường.",
            "Ban tổ chức trao giải phong cách cho đội thi đấu đẹp nhất bên cạnh các giải nhất, nhì, ba.",
        ],
        "culture",
        "Thanh Tùng",
        [],
    ),
    (
        "wards",
        "Phường Nam Dương vận động xây dựng ba nhà tình nghĩa",
        "Ba gia đình có hoàn cảnh đặc biệt khó khăn sắp có nhà mới trước mùa mưa bão.",
        [
            "Kinh phí xây dựng được vận động từ các doanh nghiệp, nhà hảo tâm và người dân trong phường.",
            "Đoàn viên thanh niên và lực lượng dân quân góp ngày công để rút ngắn thời gian thi công.",
        ],
        "social",
        "Ngọc Hân",
        [],
    ),
    (
        "wards",
        "Phường Hòa Thuận Tây lắp camera an ninh tại các tổ dân phố",
        "Hệ thống 60 camera do người dân đóng góp giúp phòng ngừa trộm cắp và vi phạm trật tự đô thị.",
        [
            "Hình ảnh từ camera được kết nối về trụ sở công an phường và tổ dân phố.",
            "Từ khi lắp đặt, số vụ trộm cắp tài sản trên địa bàn giảm rõ rệt.",
        ],
        "office",
        "Quốc Bảo",
        [],
    ),
    (
        "wards",
        "Phường Thuận Phước tổ chức ngày hội hiến máu tình nguyện",
        "Gần 250 người dân, đoàn viên và chiến sĩ tham gia hiến máu, thu được hơn 200 đơn vị máu.",
        [
            "Nhiều người đã hiến máu nhiều lần, có người hiến đến lần thứ hai mươi.",
            "Số máu thu được chuyển đến bệnh viện thành phố để cấp cứu và điều trị người bệnh.",
        ],
        "social",
        "Minh Anh",
        [],
    ),
    (
        "wards",
        "Phường Hòa Cường Nam ra quân xóa quảng cáo rao vặt",
        "Lực lượng đoàn viên thanh niên đã xóa hơn 1.000 quảng cáo rao vặt dán sai quy định trên cột "
        "điện và tường nhà.",
        [
            "Phường đề nghị các đơn vị viễn thông khóa các số điện thoại trên quảng cáo vi phạm.",
            "Người dân được khuyến khích chụp ảnh, phản ánh qua ứng dụng của thành phố khi phát hiện vi phạm.",
        ],
        "culture",
        "Đức Trí",
        [],
    ),
    (
        "wards",
        "Phường Bình Thuận lấy ý kiến người dân về chỉnh trang vỉa hè",
        "Phương án lát lại vỉa hè và trồng bổ sung cây xanh trên ba tuyến đường được niêm yết công "
        "khai tại trụ sở phường.",
        [
            "Người dân có thể góp ý trực tiếp hoặc qua hộp thư điện tử của phường đến hết tháng này.",
            "Ý kiến của người dân sẽ được tổng hợp, báo cáo Ủy ban nhân dân quận trước khi triển khai.",
        ],
        "environment",
        "Hoài Thu",
        ["môi trường"],
    ),
    (
        "notices",
        "Lịch tiếp công dân của lãnh đạo UBND quận tháng 10",
        "Chủ tịch và các Phó Chủ tịch Ủy ban nhân dân quận tiếp công dân định kỳ tại trụ sở tiếp công dân quận.",
        [
            "Chủ tịch Ủy ban nhân dân quận tiếp công dân vào sáng thứ Năm tuần thứ hai và tuần thứ tư của tháng.",
            "Công dân đến liên hệ mang theo giấy tờ tùy thân và các tài liệu liên quan đến nội dung "
            "khiếu nại, tố cáo, kiến nghị.",
        ],
        "office",
        "",
        [],
    ),
    (
        "notices",
        "Thông báo tuyển dụng viên chức giáo dục năm học mới",
        "Quận tuyển 45 viên chức giáo viên mầm non, tiểu học và trung học cơ sở.",
        [
            "Hồ sơ nhận tại Phòng Nội vụ quận trong giờ hành chính, từ ngày thông báo đến hết ngày 30 của tháng.",
            "Thí sinh xem chi tiết điều kiện, chỉ tiêu từng vị trí tại trụ sở Ủy ban nhân dân quận và "
            "trên cổng thông tin này.",
        ],
        "education",
        "",
        [],
    ),
    (
        "notices",
        "Tạm ngừng cung cấp nước trên một số tuyến đường",
        "Để thi công đấu nối đường ống, việc cấp nước sẽ tạm ngừng từ 22 giờ đến 5 giờ sáng hôm sau.",
        [
            "Các tuyến đường bị ảnh hưởng gồm Trưng Nữ Vương, Núi Thành và các kiệt, hẻm lân cận.",
            "Người dân vui lòng chủ động dự trữ nước; mọi thắc mắc xin liên hệ đường dây nóng của công ty cấp nước.",
        ],
        "environment",
        "",
        [],
    ),
    (
        "notices",
        "Kế hoạch tuyển sinh lớp 1 và lớp 6 năm học mới",
        "Việc tuyển sinh thực hiện trực tuyến theo tuyến, địa bàn cư trú của học sinh.",
        [
            "Phụ huynh đăng ký trên hệ thống tuyển sinh của thành phố; các trường hỗ trợ những gia đình "
            "gặp khó khăn khi đăng ký.",
            "Kế hoạch chi tiết được đính kèm dưới đây.",
        ],
        "education",
        "",
        [],
    ),
    (
        "notices",
        "Điều chỉnh tổ chức giao thông phục vụ lễ hội pháo hoa",
        "Một số tuyến đường ven sông Hàn cấm các loại phương tiện vào các tối diễn ra lễ hội.",
        [
            "Thời gian cấm từ 17 giờ đến 23 giờ 30 các ngày thi trình diễn.",
            "Người dân và du khách gửi xe tại các điểm trông giữ được cấp phép và đi bộ vào khu vực khán đài.",
        ],
        "office",
        "",
        [],
    ),
    (
        "notices",
        "Lấy ý kiến dự thảo quy hoạch chi tiết công viên ven sông",
        "Hồ sơ dự thảo được trưng bày tại trụ sở Ủy ban nhân dân quận và các phường liên quan trong 30 ngày.",
        [
            "Dự thảo bố trí khu vui chơi cho trẻ em, đường đi bộ, khu tập thể dục và bãi đỗ xe ngầm.",
            "Ý kiến góp ý xin gửi bằng văn bản về Phòng Tài nguyên và Môi trường quận.",
        ],
        "environment",
        "",
        ["môi trường"],
    ),
]

# The tags' English names (the articles' tags are given in Vietnamese).
TAGS = {
    "chuyển đổi số": "digital transformation",
    "dân vận khéo": "skilful mass mobilisation",
    "du lịch": "tourism",
    "môi trường": "environment",
}


def _english(number, title, slug, lead, paragraphs, other=None):
    """The English version of ARTICLES[number]: its strings and their translations."""
    _category, vi_title, vi_lead, vi_paragraphs, *_rest = ARTICLES[number]
    strings = {
        vi_title: title,
        slugify_vi(vi_title): slug,
        vi_lead: lead,
        **dict(zip(vi_paragraphs, paragraphs, strict=True)),
    }
    return vi_title, {**strings, **(other or {})}


ENGLISH = dict(
    [
        _english(
            0,
            "Hai Chau District keeps the “skilful mass mobilisation” movement going",
            "hai-chau-skilful-mass-mobilisation",
            "This morning, the Mass Mobilisation Board of the district Party Committee reviewed "
            "the “skilful mass mobilisation” emulation movement and commended 24 outstanding models of the "
            "wards, agencies and units of the district.",
            [
                "Three years on, the movement has reached every residential group. Many models, linked to tidying "
                "up the city, keeping the environment clean and caring for people in difficulty, have won the "
                "support of the residents.",
                "The wards persuaded residents to give more than 1,200 square metres of land to widen alleys, "
                "installed nearly 300 street lamps and keep up 40 flower-lined streets tended by the residents "
                "themselves.",
                "The conference set the tasks ahead: every agency and unit registers at least one model, with "
                "attention to mass mobilisation in administrative procedures and in handling citizens' feedback.",
            ],
            {
                "Kết quả nổi bật": "Main results",
                "Công tác dân vận phải bắt đầu từ việc lắng nghe người dân.": "Mass mobilisation starts with "
                "listening to the people.",
                "Bí thư Quận ủy": "Secretary of the district Party Committee",
                "Một số hình ảnh tại Hội nghị:": "Some pictures from the conference:",
                **{caption: english for _title, caption, english in GALLERY},
            },
        ),
        _english(
            2,
            "Street food festival opens by the Han River",
            "street-food-festival-opens-by-the-han-river",
            "Last night, the third street food festival opened in APEC Park with nearly 100 "
            "stalls of specialities from Da Nang and the central provinces.",
            [
                "Visitors can taste Quang noodles, rice paper rolls with pork, fish cake noodle soup and many other "
                "homely dishes. The organisers set up waste sorting points and encourage the stalls to use "
                "environmentally friendly packaging.",
                "The festival lasts four days, from 4 pm to 11 pm every day, with street performances.",
            ],
            {
                "Gian hàng mì Quảng tại lễ hội": "A Quang noodle stall at the festival",
                FESTIVAL_PHOTO_ALT: "Diners queue at a stall where a cook ladles broth over bowls of Quang noodles",
                "Ảnh: Hoài Thu": "Photo: Hoài Thu",
            },
        ),
        _english(
            9,
            "Six-month review of the district's economic and social tasks",
            "six-month-review-of-economic-and-social-tasks",
            "Budget revenue in the first six months reached 58% of the year's estimate; social welfare targets "
            "were met.",
            [
                "Trade, services and tourism keep recovering, with clearly more overnight guests than a year ago.",
                "In the second half of the year, the district will speed up public investment and settle the "
                "long-standing petitions of its residents.",
            ],
            {
                "Một số chỉ tiêu sáu tháng đầu năm": "Some indicators of the first six months",
                "Chỉ tiêu": "Indicator",
                "Kế hoạch năm": "Year's plan",
                "Thực hiện sáu tháng": "Six months' result",
                "Thu ngân sách (tỷ đồng)": "Budget revenue (billion dong)",
                "Hồ sơ hành chính giải quyết đúng hạn": "Administrative files settled on time",
                "Hộ nghèo giảm (hộ)": "Fewer poor households",
                "99,2%": "99.2%",
                "2.450": "2,450",
                "1.421": "1,421",
            },
        ),
        _english(
            12,
            "Hai Chau brings cashless payment to its traditional markets",
            "hai-chau-brings-cashless-payment-to-its-markets",
            "Traders at Han, Con and Dong Da markets now display QR codes so that customers can pay by phone.",
            [
                "With the help of the banks, more than 1,500 traders were shown how to open an account and use a "
                "QR code free of charge.",
                "Tourists appreciate the convenience, and traders no longer need to keep small change or worry "
                "about mistakes when giving it back.",
            ],
        ),
        _english(
            18,
            "Binh Hien Ward plants 200 new trees along its alleys",
            "binh-hien-ward-plants-200-new-trees",
            "Residents gave their time and money to plant shade trees with the ward, creating green spaces in "
            "the neighbourhood.",
            [
                "The species chosen are Burmese rosewood, yellow flame and crape myrtle, suited to the climate and "
                "harmless to the infrastructure.",
                "Each tree is looked after by one household and carries a name plate so that it can be followed.",
            ],
        ),
        _english(
            26,
            "October schedule of citizen receptions by the district leaders",
            "october-citizen-reception-schedule",
            "The Chairman and Vice-Chairmen of the district People's Committee receive citizens regularly at the "
            "district's citizen reception office.",
            [
                "The Chairman of the district People's Committee receives citizens on the mornings of the second "
                "and fourth Thursdays of the month.",
                "Citizens should bring an identity document and the papers related to their complaint, "
                "denunciation or petition.",
            ],
        ),
    ]
)


def _departments(site):
    return {key: department(site, name, english) for key, (name, english) in DEPARTMENTS.items()}


def _categories(home, en):
    categories = {}
    for key, (parent_key, title, intro, english, english_slug, english_intro) in CATEGORIES.items():
        parent = categories[parent_key] if parent_key else home
        category = NewsIndexPage.objects.child_of(parent).filter(title=title).first()
        if category is None:
            category = parent.add_child(instance=NewsIndexPage(title=title, intro=intro, show_in_menus=not parent_key))
            category.save_revision().publish()
        translate(category, en, {title: english, category.slug: english_slug, intro: english_intro})
        categories[key] = category
    return categories


def _document():
    Document = get_document_model()
    title = "Kế hoạch tuyển sinh lớp 1 và lớp 6"
    document = Document.objects.filter(title=title).first()
    if document is None:
        document = Document(title=title, collection=portal_collection())
        text = (
            "KẾ HOẠCH TUYỂN SINH LỚP 1 VÀ LỚP 6\n\n"
            "1. Đăng ký trực tuyến: từ ngày 1 đến ngày 15 tháng 7.\n"
            "2. Công bố kết quả: ngày 25 tháng 7.\n"
            "3. Nhập học: từ ngày 1 tháng 8.\n"
        )
        document.file.save("ke-hoach-tuyen-sinh.txt", ContentFile(text.encode()), save=False)
        document.save()
    return document


def _body(title, paragraphs, images):
    """The paragraphs, with a heading, quote, photos, table or file for the articles that have one."""
    body = [("paragraph", RichText(f"<p>{paragraph}</p>")) for paragraph in paragraphs]
    if title == DAN_VAN_KHEO:
        quote = {"quote": "Công tác dân vận phải bắt đầu từ việc lắng nghe người dân.", "attribution": "Bí thư Quận ủy"}
        photos = [
            {"image": image, "caption": caption} for image, (_title, caption, _en) in zip(images, GALLERY, strict=True)
        ]
        body.insert(1, ("heading", "Kết quả nổi bật"))
        body += [("quote", quote), ("gallery", {"intro": "Một số hình ảnh tại Hội nghị:", "images": photos})]
    elif title == "Khai mạc Lễ hội ẩm thực đường phố bên sông Hàn":
        image = demo_image("Gian hàng mì Quảng tại lễ hội ẩm thực", seed=330)
        body.insert(
            1,
            (
                "image",
                {
                    "image": image,
                    "alt_text": FESTIVAL_PHOTO_ALT,
                    "caption": "Gian hàng mì Quảng tại lễ hội",
                    "credit": "Ảnh: Hoài Thu",
                },
            ),
        )
    elif title == "Sơ kết sáu tháng thực hiện nhiệm vụ phát triển kinh tế - xã hội":
        table = {
            "first_row_is_table_header": True,
            "first_col_is_header": True,
            "table_caption": "Một số chỉ tiêu sáu tháng đầu năm",
            "data": [
                ["Chỉ tiêu", "Kế hoạch năm", "Thực hiện sáu tháng"],
                ["Thu ngân sách (tỷ đồng)", "2.450", "1.421"],
                ["Hồ sơ hành chính giải quyết đúng hạn", "98%", "99,2%"],
                ["Hộ nghèo giảm (hộ)", "120", "74"],
            ],
        }
        body.append(("table", table))
    elif title == "Kế hoạch tuyển sinh lớp 1 và lớp 6 năm học mới":
        body.append(("document", {"document": _document(), "title": "Kế hoạch tuyển sinh (tệp văn bản)"}))
    return body


def _articles(categories, departments, en):
    gallery = [demo_image(title, seed=400 + number) for number, (title, _caption, _en) in enumerate(GALLERY)]
    featured = [demo_image(f"Ảnh minh họa tin tức {number + 1}", seed=300 + number) for number in range(10)]
    now = timezone.localtime()
    articles = {}
    for number, (category_key, title, lead, paragraphs, department_key, byline, tags) in enumerate(ARTICLES):
        category = categories[category_key]
        article = NewsArticlePage.objects.child_of(category).filter(slug=slugify_vi(title)).first()
        if article is None:
            article = category.add_child(
                instance=NewsArticlePage(
                    title=title,
                    lead=lead,
                    department=departments[department_key],
                    byline=byline,
                    featured_image=gallery[0] if title == DAN_VAN_KHEO else featured[number % len(featured)],
                    publication_date=(now - timedelta(days=3 + number * 23)).replace(
                        hour=8 + number % 9, minute=0, second=0, microsecond=0
                    ),
                    body=_body(title, paragraphs, gallery),
                )
            )
            article.tags.add(*tags)
            article.save_revision().publish()
        articles[title] = article
    dan_van = articles[DAN_VAN_KHEO]
    if not dan_van.related_links.exists():
        dan_van.related_links = [
            RelatedArticle(page=articles[ARTICLES[number][1]], sort_order=order) for order, number in enumerate((16, 1))
        ]
        dan_van.save_revision().publish()
    for title, strings in ENGLISH.items():
        translate(articles[title], en, strings)
    for tag in NewsTag.objects.filter(locale__language_code="vi", name__in=TAGS):
        translate(tag, en, {tag.name: TAGS[tag.name]})


def load():
    vi, en = locales()
    site = Site.objects.get(is_default_site=True)
    home = site.root_page
    departments = _departments(site)
    categories = _categories(home, en)
    _articles(categories, departments, en)
