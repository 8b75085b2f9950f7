"""The patterns and word lists of the junk filter (``junk.py``), compiled once at import.

English, Ukrainian and Russian, gathered from real pages: see ``tests/fixtures/junk/``.
"""

from __future__ import annotations

import re


def caseless(pattern: str) -> re.Pattern[str]:
    """Compile a pattern for LOWER-CASED text: several times faster than re.IGNORECASE."""
    # Lower the letters of the pattern but not those of escapes such as \S, \W or \b.
    return re.compile(re.sub(r"(?<!\\)[^\W\d_]", lambda m: m.group(0).lower(), pattern))


TERMINAL = tuple(".!?…;")

# --- code -------------------------------------------------------------------------------------
CODE_START_RE = re.compile(
    r"^\s*(?:from\s+[\w.]+\s+import\s+[\w*,( ]+"
    r"|import\s+[\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+)*\s*;?"
    r"|(?:sudo\s+)?(?:pip3?|npm|yarn|pnpm|apt(?:-get)?|brew|conda|gem|cargo|go|poetry|uv)\s+"
    r"(?:install|add|get|i|update|upgrade|remove|run|build)\b|\$\s+\S|>>>\s|\.\.\.\s{2,}"
    r"|(?:async\s+)?def\s+\w+\s*\(|class\s+\w+\s*[(:{]|function\s+\w*\s*\(|(?:const|let"
    r"|var)\s+\w+\s*="
    r"|#include\s*[<\"]|(?:public|private|protected)\s+(?:static\s+)?(?:void|int|class|String"
    r"|string"
    r"|function|async|final|boolean|var|fun|def)\b|return\b.*[;)]\s*$"
    r"|git\s+(?:clone|checkout|commit|push|pull)\b|docker\s+(?:run|build|compose)\b"
    r"|(?:if|for|while)\s*\(.*\)\s*\{?\s*$|[}\])]+\s*[;,]?\s*$|@\w+(?:\.\w+)*\s*(?:\(.*\))?\s*$"
    r"|<\/?[a-z][\w-]*(?:\s[^>]*)?>|SELECT\s.+\sFROM\s|CREATE\s+TABLE\s"
    r"|(?:python3?|node|ruby|perl|bash|java|php)\s+(?:-m\s+)?[\w./-]+"
    r"|(?:raise|return|yield|await|print|assert)\b.*[(\[.]"
    r"|(?:if|elif|for|while|with|try|except|else)\b.*[(._].*:\s*$"
    r"|[A-Za-z_][\w.]*(?:\[[^\]]*\])?\s*[-+*/]?=\s*\S"
    r"|[A-Za-z_][\w.]*\([^()]*(?:\([^()]*\)[^()]*)*\)\s*;?\s*$)",
)
# A character without which no code token can match: skips the token search on plain prose.
CODE_HINT_RE = re.compile(r"[(){}=;_`]|->|::|[a-z]\.[a-z]|[a-z][A-Z]")
# ``name(...)``, ``obj.attr``, ``x = 1``, ``a == b``, ``=>``, ``->``, ``::``, ``{``/``}``/``;``.
CODE_TOKEN_RE = re.compile(
    r"\b[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*\([^()]*\)|\b[a-z_]\w*\.[a-z_]\w*\b(?!\.\s)|\s=\s|[=!<>]="
    r"|=>|->|::"
    r"|[{};]|\b[a-z]+_[a-z_]+\b|\b[A-Z]+_[A-Z_]+\b|\b[a-z]+[A-Z][a-zA-Z]*\b|`[^`]+`"
)

# --- references and citations ----------------------------------------------------------------
REFERENCE_STRONG_RE = caseless(
    r"\bdoi\s*:\s*10\.\d|doi\.org/10\.|\bISBN(?:-1[03])?[:\s]+[\d-]{9,}|\bISSN\s*\d|\barXiv:\s*\d"
    r"|\bPMID\s*:?\s*\d|\bPMC\d{5,}|\bpp?\.\s*\d+\s*[–—-]\s*\d+"
    r"|\bRetrieved(?: on)? (?:\d{1,2} \w+ \d{4}"
    r"|\w+ \d{1,2},? \d{4}|\d{4}-\d\d-\d\d)|Archived from the original"
    r"|\bAccessed(?: on)? \d{1,2} \w+ \d{4}"
    r"|\b(?:Vol|Volume|Bd|Т|Том)\.?\s*\d+\s*[,–—-]?\s*(?:No|Nr|Issue|Iss|Number|№|вип)\.?\s*\d+"
    r"|\b(?:19|20)\d\d;\s*\d+(?:\(\d+\))?:\s*\d+"
    r"|\b(?:Дата звернення|Дата обращения|Режим доступу|Режим доступа)\b"
    r"|\b[Сс]\.\s*\d+\s*[–—-]\s*\d+"
    # "Sources: INSP weekly bulletin (week 44); ECDC report, October 2026": a list of sources
    # (a list: "Sources: X did Y" is an anonymous source's claim)
    r"|^\W*(?:sources?|references|further reading|джерела|джерело|источники|источник"
    r"|література|литература)\s*:(?=.*(?:;|https?://|www\.|\(\w))",
)
REFERENCE_WEAK_RE = re.compile(
    r"\bet al\.|\(\d{4}[a-z]?\)|\.\s\d{4}[a-z]?\.\s|\bIn:\s|\b(?:Vol|No|Ed|eds|ed|Hrsg)\.\s"
    r"|\bJournal\b"
    r"|\bProceedings\b|\bUniversity Press\b|\bpp?\.\s*\d|\b\d+\s*\(\d+\)\s*:\s*\d+|;\s*\d+\(\d+\)"
    r"|https?://\S+|\b[A-Z][\w'’-]+,\s(?:[A-Z]\.\s?){1,3}(?=,|&|and\b|\(|;)"
    r"|\b\d+\s*:\s*\d+\s*[–-]\s*\d+"
)
REFERENCE_ENTRY_RE = re.compile(
    r"^\s*(?:\[\d+\]|\^|\d{1,3}\.\s+\^?\s*[A-Z][\w'’-]+,\s"
    # Vancouver "Lee BH, Amon A." and Chicago "Lampel, Joseph, …, and Jamal Shamsie. 2000."
    r"|(?:[A-Z][\w'’-]+ [A-Z]{1,3}(?:, | and |\. ))+|[A-Z][\w'’-]+, [A-Z][^.]{1,80}\. (?:19"
    r"|20)\d\d\.)"
)

YEAR_RE = re.compile(r"\b(?:1[5-9]|20)\d\d\b")

# --- table rows ------------------------------------------------------------------------------
TABLE_SEPARATOR_RE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)+\|?\s*$")
NUMBER_TOKEN_RE = re.compile(r"(?<!\S)[(+−–-]?[$€£₴₽¥]?\d[\d.,:/%‰°]*[%‰)]?[,;]?(?!\S)")
LONG_WORD_RE = re.compile(r"(?<!\S)[^\W\d_]{4,}(?!\S)")

# --- navigation and footers ------------------------------------------------------------------
FOOTER_RE = caseless(
    r"©|\(c\)\s*(?:19|20)\d\d|\bcopyright\s*(?:©\s*)?(?:19|20)\d\d|all rights reserved"
    r"|всі права захищені|усі права захищені|все права защищены|при (?:використанні|копіюванні|"
    r"использовании|копировании) матеріал\w*|при (?:использовании|копировании) материал\w*"
    r"|(?:гіпер|гипер)посилання\s+обов|ссылка на\s+\S+\s+обязательна|alle rechte vorbehalten"
    # an opinion page's disclaimer
    r"|views expressed (?:in this (?:article|column|piece)|here) are (?:the author|those of)"
    r"|(?:точка зору|думка) автора може не збігатися|мнение автора может не совпадать"
    r"|редакція може не поділяти|редакция может не разделять",
)
NAV_TERM_RE = caseless(
    r"\b(?:privacy (?:policy|notice|statement|settings)|terms (?:of (?:use|service)|and conditions"
    r"|&"
    r" conditions)|cookies? (?:policy|settings|preferences|notice)|manage (?:cookies|preferences)"
    r"|do not sell my|accessibility statement|contact us|about us|advertise with us|sitemap"
    r"|skip to (?:main )?content|back to top|log ?in|sign ?in|sign up|create (?:an )?account"
    r"|forgot (?:your )?password|newsletter|rss feed|follow us|our partners|site map|careers"
    r"|політика конфіденційності|умови використання|правила користування|про нас|контакти"
    r"|реклама на сайті|зворотний зв'язок|политика конфиденциальности|пользовательское соглашение"
    r"|условия использования|о нас|контакты|обратная связь|реклама на сайте|карта сайту|карта сайта"
    r"|згода на обробку персональних даних|согласие на обработку персональных данных|download pdf"
    r"|завантажити pdf|скачать pdf|enable javascript|повернутися до|вернуться к|back to (?:top"
    r"|home))\b",
)
COOKIE_RE = caseless(
    r"\b(?:we use cookies|this (?:web)?site uses cookies|uses cookies to|accept (?:all )?cookies"
    r"|by (?:continuing|using) (?:to use )?(?:this|our) (?:site|website)"
    r"|використовує (?:файли )?cookie"
    r"|использует (?:файлы )?cookie|файли cookie|файлы cookie|(?:используем"
    r"|використовуємо) (?:файлы )?куки"
    r"|\b(?:cookie|cookies|куки)\b.{0,80}\b(?:сайт\w*|site|website|browser|браузер\w*)"
    r"|\b(?:сайт\w*|site|website)\b.{0,80}\b(?:cookie|cookies|куки)\b)",
)
MENU_SPLIT_RE = re.compile(r"\s+[|·•/»>]\s+|\s{2,}|\t")
# A row of social networks, or opening hours: the furniture of a site's header and footer.
SOCIAL_RE = caseless(
    r"\b(?:facebook|twitter|instagram|telegram|whatsapp|viber|vkontakte|vk|youtube|tiktok|linkedin"
    r"|email|e-mail|rss|x\.com|threads)\b"
)
HOURS_RE = caseless(r"^(?:пн|пон|mon|monday|понеділок|понедельник)\w*\s*[-–—]\s*\w+\s*:?\s*\d")
MENU_WORD_RE = caseless(
    r"\b(?:home|about|contacts?|terms|policy|disclaimer|privacy|help|faq|login|search|menu|news"
    r"|sport"
    r"|politics|business|culture|opinion|weather|головна|новини|контакти|главная|новости"
    r"|контакты)\b",
)

# --- related-article lists -------------------------------------------------------------------
RELATED_RE = caseless(
    r"^\W*(?:view all|see all|show more|load more|читати (?:далі|повністю)|дивитися (?:все|всі)"
    r"|читать (?:дальше|далее|полностью)|смотреть все|показати (?:все|ще)|показать (?:все|еще)"
    r"|related(?:\s+(?:articles?|stories|content|coverage|news|posts?|reading|topics))?"
    r"|featured(?: stories| articles)?|top news|in other news|more news|головне|главное(?: сейчас)?"
    r"|key events|key updates|ключові події|ключевые события|show key events only"
    r"|read (?:more|also|next|the full story)|see also|also read|more (?:from|on|about|stories|news"
    r"|like this)\b|more:|recommended(?: for you| reading)?|you (?:may|might) (?:also )?(?:like"
    r"|enjoy"
    r"|be interested)|most (?:read|popular|viewed)|trending(?: now)?|further reading|top stories"
    r"|latest (?:news|stories|articles)|editor'?s picks|what to read next|don'?t miss|explore more"
    r"|keep reading|continue reading|previous (?:article|post)|next (?:article|post)|(?:older"
    r"|newer) posts?"
    r"|читайте (?:також|також:|ще|більше|также|тоже|еще)|дивіться також|смотрите также|більше новин"
    r"|больше новостей|по темі|по теме|схожі (?:новини|матеріали|статті)|похожие (?:новости"
    r"|материалы"
    r"|статьи)|популярне|популярное|новини за темою|новости по теме|рекомендуємо|рекомендуем"
    r"|інші новини|другие новости|останні новини|последние новости|вас може зацікавити"
    r"|вас может заинтересовать|також читайте|также читайте|раніше ми (?:писали|повідомляли)"
    r"|ранее мы (?:писали|сообщали))\b\s*[:»>.-]?",
)

# --- editors' notes --------------------------------------------------------------------------
NOTE_START_RE = caseless(
    r"^\W*(?:(?:update|updated|upd|correction|clarification|editor'?s note|ed\.? note|note|"
    r"оновлення|оновлено|доповнено|уточнення|виправлення|поправка|примітка редакції|від редакції"
    r"|обновление|обновлено|дополнено|уточнение|исправление|примечание редакции|от редакции)\b"
    r"[^:\n]{0,60}:|(?:upd|апд)\b|(?:update|corrected|refile)\s*\d*\s*-)",
)
NOTE_ANYWHERE_RE = caseless(
    r"\b(?:this (?:article|story|post|piece|report) (?:was|has been|is being|had been) (?:updated"
    r"|corrected|amended|changed|edited)|an earlier version of this (?:article|story|post|report)"
    r"|the original version of this (?:article|story)"
    r"|in the version of (?:the|this) (?:article|story|paper) (?:originally|first) published"
    r"|we have (?:updated|corrected|amended) this (?:article|story)|(?:this|the) (?:article|story)"
    r" will be updated|this is a developing story|this story is developing|матеріал (?:оновлюється|"
    r"доповнюється|буде оновлено)|новина (?:оновлюється|доповнюється)|материал (?:обновляется"
    r"|дополняется|будет обновл)|новость (?:обновляется|дополняется))",
)

# --- forecasts -------------------------------------------------------------------------------
FUTURE_RE = caseless(
    r"\b(?:will|won't|shall|is (?:expected|forecast|predicted|likely|set) to|are (?:expected"
    r"|forecast"
    r"|predicted|likely|set) to|буде|будуть|очіку\w+|прогнозу\w+|будет|будут|ожида\w+|прогнозиру\w+"
    r"|обеща\w+|обіця\w+|[а-яіїєґ]{3,}тим(?:е|уть)|tomorrow|tonight|this weekend|завтра|вихідн\w+"
    r"|выходн\w+)\b",
)
WEATHER_RE = caseless(
    r"\b(?:(?:temperatures?|degrees|rain|showers?|snow|sleet|hail|thunderstorms?|winds?|gusts?"
    r"|sunny|sunshine|cloudy|clouds?|fog|frost|humid|forecast|forecasters?|weather|heatwave|highs"
    r"|lows)\b|°|температур\w*|градус\w*|дощ\w*|злив\w*|сніг\w*|вітер|вітр\w*|опад\w*|хмарн\w*"
    r"|сонячн\w*"
    r"|мороз\w*|туман\w*|погод\w*|синоптик\w*|дожд\w*|ливн\w*|снег\w*|ветер|ветр\w*|осадк\w*"
    r"|облачн\w*|солнечн\w*)|метр\w* (?:за|в) секунду|м/с|\bmph\b|km/h",
)
MARKET_RE = caseless(
    r"\b(?:stocks?|shares|markets?|index|indices|S&P|Nasdaq|Dow|prices?|inflation|interest rates?"
    r"|bond yields?|oil|bitcoin|crypto|курс\w*|ціни|ціна|інфляці\w*|цены|цена|инфляци\w*|акці\w*"
    r"|акци\w*"
    r"|бірж\w*|бирж\w*)",
)
FORECAST_WORD_RE = caseless(
    r"\b(?:forecasts?|forecasters|predicts?|projected|projections?|outlook|прогноз\w*"
    r"|синоптик\w*)\b",
)

CLIMATE_RE = caseless(r"\b(?:climate|global warming|warming|emissions|клімат\w*|климат\w*)")

# Past events that make a weather or market sentence a report: "reached 40C", "rose 5%".
# English "-ed" is not enough on its own: "scattered showers", "is expected to".
FACT_PAST_RE = caseless(
    r"\b(?:was|were|had|has|have|did|reached|rose|fell|hit|recorded|broke|climbed|dropped|jumped"
    r"|surged|plunged|soared|topped|killed|destroyed|caused|flooded|був|була|було|були|был|была"
    r"|было"
    r"|были|[а-яіїєґ]{2,}[аиу]в|[а-яіїєґ]{2,}[аеиіїоуяюыэё](?:ла|ли|ло|лася|лися|лось|лся|лись))\b",
)

# --- calls to action -------------------------------------------------------------------------
CTA_START_RE = caseless(
    r"^\W*(?:please\s+)?(?:subscribe|donate|click|tap|download|register|unsubscribe|sign up|sign in"
    r"|заказать|замовити|позвонить|позвоните|зателефонуйте|зателефонувати|call now"
    r"|log in|sign (?:the|our|this|up)|share (?:this|it|on|with|the (?:article|story|post)|your)"
    r"|follow (?:us|me|our|the link)|join (?:us|our|the (?:conversation|discussion|campaign"
    r"|movement))"
    r"|support (?:us|our|independent|this|the work)|help (?:us|support|fund|keep)|give (?:now"
    r"|today|to)"
    r"|make a (?:donation|gift|contribution)|become a (?:member|supporter|patron|subscriber)"
    r"|learn more|find out (?:more|how)|get (?:the|our|your|access|started|in touch|unlimited)"
    r"|buy (?:now|tickets|your)|order (?:now|today|your)|shop now|try (?:it|for free|now)"
    r"|call (?:us|now"
    r"|today)|email us|write to us|contact (?:us|our)|visit (?:our|us|the website)|watch (?:now"
    r"|live"
    r"|the (?:video|full))|listen (?:now|to (?:the|our))|read (?:the full|our|more)|don'?t miss"
    r"|tell us|let us know|send us|apply now|enroll|book (?:now|your)|vote (?:now|for)|discover\b"
    r"|please\b|check out|you can (?:share|subscribe|donate|support|follow|sign|help|read|watch)"
    r"|підпиш\w+|підписуй\w+|підтримайте|задонать\w*|поширте|поширюйте|поділіться|приєднуй\w+"
    r"|долучай\w+|зареєструй\w+|дізнайтеся|дізнавайтеся|слухайте|пишіть нам|надсилайте|голосуйте"
    r"|купуйте|замовляйте|переходьте|тисніть|натисніть|завантажуйте|завантажте|допоможіть"
    r"|зробіть внесок"
    r"|подпиш\w+|подписыва\w+|поддержите|пожертвуйте|поделитесь|делитесь|присоединя\w+"
    r"|зарегистрир\w+|узнайте|слушайте|пишите нам|присылайте|покупайте|заказывайте|переходите"
    r"|нажмите|жмите|скачайте|скачивайте|помогите|сделайте (?:пожертвование|взнос))\b",
)
CTA_ANYWHERE_RE = caseless(
    # the reader addressed in the imperative: "не трогайте", "плануйте маршрут", "телефонуйте 102"
    r"(?:^|[—–:,!]\s*|\s)(?:не\s+)?[а-яіїєґ]{3,}(?:йте|йтеся|йтесь)\b"
    r"|\b(?:(?:нагадуємо|напоминаем)\b[^.]{0,80}\b(?:необхідно|потрібно|необходимо|нужно|слід|следует)"
    r"|(?:просять|просим|прохання)\s+(?:[\w'’-]+\s+){0,2}?[\w'’-]+(?:тися|ти|ться|ть)\b"
    r"|(?:are|is) (?:encouraged|urged|invited|asked|advised|reminded) to (?:register|apply"
    r"|sign|donate|submit|contact|call|visit|report|check|share|follow|subscribe|update)"
    r"|sign (?:the|our) petition|donate (?:now|today|here)|make a donation|click (?:here"
    r"|the link"
    r"|below)|tap (?:here|the link)|link in (?:bio|the description)"
    r"|use (?:the )?(?:promo )?code\s+[A-Z0-9]"
    r"|support (?:our|independent) journalism|become a (?:patron|member|supporter)"
    r"|subscribe (?:now|today"
    r"|to (?:our|the|my))|підпиш\w+ (?:на|петицію)|підтримайте (?:нас|наш|редакцію|проєкт|проект)"
    r"|подпиш\w+ (?:на|петицию)|поддержите (?:нас|наш|редакцию|проект)|за посиланням|по ссылке)\b",
)

# --- fiction and narrative -------------------------------------------------------------------
NARRATIVE_SUBJECT_RE = caseless(
    r"^(?:[A-Z][a-z]+, )?\W*(?:he|she|they|i|we|він|вона|вони|я|ми|ти|он|она|они|мы"
    r"|ты)\s+(?:\w+ly\s+|then\s+|just\s+"
    r"|slowly\s+|quickly\s+|still\s+|also\s+|потім\s+|тоді\s+|затем\s+|потом\s+)?(\w+)",
)
NARRATIVE_VERBS = frozenset(
    """
    turns turned looks looked walks walked smiles smiled nods nodded whispers whispered stares
    stared
    grabs grabbed runs ran opens opened closes closed sits sat stands stood shrugs shrugged sighs
    sighed laughs laughed glances glanced reaches reached pulls pulled pushes pushed heads headed
    steps stepped eyes eyed wakes woke waits waited watches watched falls fell draws drew takes took
    picks picked leans leaned leaps leapt jumps jumped climbs climbed kneels knelt hugs hugged
    kisses
    kissed cries cried screams screamed smirks smirked frowns frowned blinks blinked gazes gazed
    wanders wandered rushes rushed sneaks snuck creeps crept feels felt thinks wonders wondered
    remembers remembered realises realizes realised realized begins began hurries hurried finds
    found slips slipped drops dropped lifts lifted throws threw swings swung strikes struck
    approaches approached enters entered leaves left returns returned follows followed grins grinned
    wake walk look smile nod sit stand run open close grab sigh laugh glance reach turn head step
    wait
    watch wander feel wonder remember realise realize begin hurry lean jump climb
    обертається повертається дивиться посміхається усміхається киває шепоче йде іде підходить сідає
    встає бере відкриває закриває кидає біжить чекає хапає хитає зітхає сміється обертається
    поворачивается смотрит улыбается кивает шепчет идёт идет подходит садится встаёт встает берёт
    берет открывает закрывает бросает бежит ждёт ждет хватает вздыхает смеётся смеется
    """.split()
)
DIARY_VERBS = NARRATIVE_VERBS | frozenset(
    """
    saw ran took got went traveled travelled crept listened picked clutched screamed charged drew
    spotted searched snuck lured equipped sat slept ate woke decided noticed
    """.split()
)
OBJECT_PRONOUN_RE = caseless(
    r"\b(?:him|her|them|me|his|my|its|їй|його|їх|мене|йому|неї|нього|ей|его|их|меня|ему|неё"
    r"|него)\b",
)
DIALOGUE_RE = caseless(
    r"^\s*[—–-]\s*[^—–]{2,}[,!?.…]\s*[—–]\s*(?:сказа\w*|спита\w*|запита\w*|відпові\w*|промови\w*"
    r"|прошепоті\w*|вигукну\w*|спроси\w*|ответи\w*|произн\w*|прошепта\w*|воскликну\w*|said|asked"
    r"|replied|whispered)",
)
REPORTING_RE = caseless(
    r"\b(?:said|says|told|stated|claimed|claims|denied|denies|accused|announced|reported|according"
    r"|заяви\w*|повідоми\w*|сказа\w*|зазначи\w*|сообщи\w*|отмети\w*|за словами|по словам|за даними"
    r"|по данным)\b",
)

# --- claim protection ------------------------------------------------------------------------
DIGIT_RE = re.compile(r"\d")
MID_CAPITAL_RE = re.compile(r"(?<=[\w,;:] )[A-ZА-ЯІЇЄҐ][\w'’-]+")
PAST_RE = caseless(
    r"\b(?:was|were|had|has|have|did|\w{3,}ed|був|була|було|були|был|была|было|были"
    r"|[а-яіїєґ]{2,}(?:ла|ли|ло|ив|ав|ув|вся|лась|лася|лися|лось|лся|ил|ал|ел|ял|ыл|ул))\b",
)
