"""Short news texts in many scripts, written for the hostile corpus (fictional towns and people).

Each sample: a language code, a title and three paragraphs. The texts are plain (no curly
quotes) so that what the pipeline stores can be compared with them exactly.
"""

SAMPLES = {
    "en": (
        "Harbour town opens a new public library",
        [
            "The harbour town of Wexmoor opened its new public library on Monday, after three years of "
            "building work and a long argument about the cost.",
            "Mayor Elsa Brandt said the library would stay open until ten in the evening, so that people "
            "who work late could still borrow books and use the reading rooms.",
            "The building holds forty thousand books, a small theatre and a workshop where children can "
            "learn to repair bicycles and radios.",
        ],
    ),
    "de": (
        "Hafenstadt eröffnet neue Stadtbibliothek",
        [
            "Die Hafenstadt Wexmoor hat am Montag ihre neue Stadtbibliothek eröffnet, nach drei Jahren "
            "Bauzeit und einem langen Streit über die Kosten.",
            "Bürgermeisterin Elsa Brandt sagte, die Bibliothek bleibe bis zehn Uhr abends geöffnet, damit "
            "auch Menschen mit späten Schichten Bücher ausleihen können.",
            "Das Gebäude fasst vierzigtausend Bücher, ein kleines Theater und eine Werkstatt, in der Kinder "
            "Fahrräder und Radios reparieren lernen.",
        ],
    ),
    "fr": (
        "La ville portuaire inaugure une nouvelle bibliothèque",
        [
            "La ville portuaire de Wexmoor a inauguré lundi sa nouvelle bibliothèque publique, après trois "
            "années de travaux et une longue dispute sur le coût.",
            "La maire Elsa Brandt a déclaré que la bibliothèque resterait ouverte jusqu'à dix heures du soir, "
            "pour que ceux qui travaillent tard puissent emprunter des livres.",
            "Le bâtiment abrite quarante mille livres, un petit théâtre et un atelier où les enfants "
            "apprennent à réparer des vélos et des radios.",
        ],
    ),
    "ru": (
        "Портовый город открыл новую библиотеку",
        [
            "Портовый город Уэксмур в понедельник открыл новую публичную библиотеку после трёх лет "
            "строительства и долгого спора о её стоимости.",
            "Мэр Эльза Брандт сказала, что библиотека будет работать до десяти часов вечера, чтобы люди, "
            "которые поздно заканчивают работу, тоже могли брать книги.",
            "В здании сорок тысяч книг, небольшой театр и мастерская, где дети учатся чинить велосипеды и "
            "радиоприёмники.",
        ],
    ),
    "el": (
        "Η λιμενική πόλη εγκαινίασε νέα βιβλιοθήκη",
        [
            "Η λιμενική πόλη Γουέξμουρ εγκαινίασε τη Δευτέρα τη νέα δημόσια βιβλιοθήκη της, μετά από τρία "
            "χρόνια εργασιών και μια μακρά διαμάχη για το κόστος.",
            "Η δήμαρχος Έλσα Μπραντ είπε ότι η βιβλιοθήκη θα μένει ανοιχτή ως τις δέκα το βράδυ, ώστε όσοι "
            "δουλεύουν αργά να μπορούν να δανείζονται βιβλία.",
            "Το κτίριο έχει σαράντα χιλιάδες βιβλία, ένα μικρό θέατρο και ένα εργαστήριο όπου τα παιδιά "
            "μαθαίνουν να επισκευάζουν ποδήλατα.",
        ],
    ),
    "he": (
        "עיר הנמל פתחה ספרייה ציבורית חדשה",
        [
            "עיר הנמל וקסמור פתחה ביום שני את הספרייה הציבורית החדשה שלה, אחרי שלוש שנות בנייה וויכוח "
            "ארוך על העלות.",
            "ראש העיר אלזה ברנדט אמרה שהספרייה תהיה פתוחה עד עשר בערב, כדי שגם מי שעובד עד מאוחר יוכל "
            "לשאול ספרים.",
            "בבניין ארבעים אלף ספרים, תיאטרון קטן וסדנה שבה ילדים לומדים לתקן אופניים ומכשירי רדיו.",
        ],
    ),
    "ar": (
        "مدينة الميناء تفتتح مكتبة عامة جديدة",
        [
            "افتتحت مدينة الميناء ويكسمور يوم الاثنين مكتبتها العامة الجديدة، بعد ثلاث سنوات من البناء "
            "وجدال طويل حول التكلفة.",
            "وقالت رئيسة البلدية إلسا براندت إن المكتبة ستبقى مفتوحة حتى العاشرة مساء، حتى يتمكن من "
            "يعملون حتى وقت متأخر من استعارة الكتب.",
            "ويضم المبنى أربعين ألف كتاب ومسرحا صغيرا وورشة يتعلم فيها الأطفال إصلاح الدراجات وأجهزة الراديو.",
        ],
    ),
    "zh": (
        "港口城市新图书馆开放",
        [
            "港口城市韦克斯莫尔周一开放了新的公共图书馆。这座建筑经过三年施工，关于费用的争论也持续了很久。",
            "市长布兰特说，图书馆每天开放到晚上十点，让下班很晚的居民也能借书和使用阅览室。",
            "图书馆藏书四万册，还有一个小剧场和一个工作坊，孩子们可以在那里学习修理自行车和收音机。",
        ],
    ),
    "zh-hant": (
        "港口城市新圖書館開放",
        [
            "港口城市韋克斯莫爾週一開放了新的公共圖書館。這座建築經過三年施工，關於費用的爭論也持續了很久。",
            "市長布蘭特說，圖書館每天開放到晚上十點，讓下班很晚的居民也能借書和使用閱覽室。",
            "圖書館藏書四萬冊，還有一個小劇場和一個工作坊，孩子們可以在那裡學習修理自行車和收音機。",
        ],
    ),
    "ja": (
        "港町に新しい図書館が開館",
        [
            "港町ウェックスムーアで月曜日、新しい公立図書館が開館した。三年間の工事と、費用をめぐる長い議論の末の完成となった。",
            "エルザ・ブラント市長は、仕事が遅く終わる人も本を借りられるよう、図書館を夜十時まで開けると述べた。",
            "館内には四万冊の本と小さな劇場、子どもたちが自転車やラジオの修理を学べる工房がある。",
        ],
    ),
    "ko": (
        "항구 도시에 새 공공 도서관 개관",
        [
            "항구 도시 웩스무어가 월요일 새 공공 도서관을 열었다. 삼 년간의 공사와 비용을 둘러싼 긴 논쟁 끝에 문을 열었다.",
            "엘자 브란트 시장은 늦게까지 일하는 시민도 책을 빌릴 수 있도록 도서관을 밤 열 시까지 운영한다고 말했다.",
            "건물에는 책 사만 권과 작은 극장, 아이들이 자전거와 라디오 수리를 배우는 작업실이 있다.",
        ],
    ),
    "th": (
        "เมืองท่าเปิดห้องสมุดประชาชนแห่งใหม่",
        [
            "เมืองท่าเว็กซ์มัวร์เปิดห้องสมุดประชาชนแห่งใหม่เมื่อวันจันทร์ หลังจากก่อสร้างมาสามปีและมีการถกเถียงเรื่องค่าใช้จ่ายอยู่นาน",
            "นายกเทศมนตรีเอลซา บรันต์ กล่าวว่าห้องสมุดจะเปิดถึงสี่ทุ่ม เพื่อให้คนที่เลิกงานดึกยังยืมหนังสือได้",
            "อาคารนี้มีหนังสือสี่หมื่นเล่ม โรงละครเล็ก ๆ และห้องปฏิบัติการที่เด็ก ๆ ได้เรียนซ่อมจักรยานและวิทยุ",
        ],
    ),
    "hi": (
        "बंदरगाह शहर में नया सार्वजनिक पुस्तकालय खुला",
        [
            "बंदरगाह शहर वेक्समूर ने सोमवार को अपना नया सार्वजनिक पुस्तकालय खोला, तीन साल के निर्माण और लागत पर "
            "लंबी बहस के बाद।",
            "महापौर एल्सा ब्रांट ने कहा कि पुस्तकालय रात दस बजे तक खुला रहेगा, ताकि देर तक काम करने वाले लोग भी "
            "किताबें ले सकें।",
            "इमारत में चालीस हज़ार किताबें, एक छोटा रंगमंच और एक कार्यशाला है जहाँ बच्चे साइकिल और रेडियो ठीक "
            "करना सीखते हैं।",
        ],
    ),
    "tr": (
        "Liman kenti yeni halk kütüphanesini açtı",
        [
            "Liman kenti Wexmoor, üç yıllık inşaat ve maliyet üzerine uzun bir tartışmanın ardından yeni halk "
            "kütüphanesini pazartesi günü açtı.",
            "Belediye başkanı Elsa Brandt, geç saatlere kadar çalışanların da kitap ödünç alabilmesi için "
            "kütüphanenin akşam saat ona kadar açık kalacağını söyledi.",
            "Binada kırk bin kitap, küçük bir tiyatro ve çocukların bisiklet ile radyo tamir etmeyi öğrendiği bir "
            "atölye bulunuyor.",
        ],
    ),
}

# The ten scripts of the HTML pages: language and the legacy charset a site in it might declare.
HTML_SCRIPTS = [
    ("en", "windows-1252"), ("ru", "windows-1251"), ("el", "iso-8859-7"), ("he", "windows-1255"),
    ("ar", "windows-1256"), ("zh", "gb2312"), ("ja", "shift_jis"), ("ko", "euc-kr"), ("th", "tis-620"),
    ("hi", "utf-8"),
]
