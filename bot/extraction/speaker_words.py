"""Word lists for attribution: reporting verbs, role nouns, first names, sentence openers.

Kept apart from ``attribution.py`` so the grammar there stays readable. All lists are lower-case.
"""

from __future__ import annotations

VERBS_EN = (
    r"said|says|told|tells|added|adds|stated|states|announced|announces|reported|reports|claimed"
    r"|claims|confirmed|confirms|noted|notes|wrote|writes|tweeted|posted|warned|warns|insisted"
    r"|estimated|estimates|testified|explained|argued|argues|revealed|alleged|alleges"
    r"|acknowledged|denied|denies|admitted|declared|found|finds|concluded|showed|shows|stressed"
    r"|emphasised|emphasized|maintained|countered|replied|responded|suggested|predicted|asserted"
    r"|indicated|accused|accuses|cautioned|conceded|observed|recalled|commented|pointed|told"
    r"|say|tell|estimate|claim|warn|insist|allege|report"
)
VERBS_SLAVIC = (
    r"заяви\w*|повідоми\w*|сказа\w*|зазначи\w*|додав|додала|додали|наголоси\w*|підтверди\w*"
    r"|розповів|розповіла|розповіли|написа\w*|заявил\w*|сообщил\w*|отметил\w*|добавил\w*"
    r"|подчеркну\w*|подтверди\w*|рассказа\w*|уточни\w*|пише|пишет|повідомляє|сообщает"
    r"|попереди\w*|предупреди\w*|попереджа\w*|предупрежда\w*|нагада\w*|напомни\w*|наголошу\w*"
    r"|заявля\w*|зазнача\w*|сообща\w*|утвержда\w*|повідомля\w*|подсчита\w*|підрахува\w*"
    r"|разъясн\w*|роз'ясн\w*|роз’ясн\w*|пояснил\w*|поясни\w*"
)

# Heads of a noun phrase that can speak without a capital letter: "the ministry said".
ROLE_EN = frozenset(
    """
    spokesman spokeswoman spokesperson spokespeople minister ministry secretary president
    lawmakers legislators observers diplomats diplomat leader leaders commission residents
    witnesses activists critics campaigners organisers organizers officials medics rescuers
    workers volunteers employees teachers nurses farmers drivers passengers doctors
    official officials police government office department agency military army navy force forces
    company firm group report study paper survey analysis research researchers scientists experts
    analysts authorities prosecutors prosecutor investigators source sources coordinator director
    chief executive head leader chairman chairwoman chair governor mayor commander general
    statement spokesperson's officer officers ambassador envoy administration council committee
    court judge regulator watchdog union employers organisation organization institute
    university lawyer lawyers attorney attorneys adviser advisor representative service staff
    monitors mission operator ceo founder manager economist economists doctors body
    broadcaster broadcasters newspaper outlet channel magazine daily tabloid network website
    customs coastguard airline carrier drugmaker carmaker retailer lender insurer presidency
    command headquarters coalition member members
    """.split()
)
DOCUMENT_EN = frozenset("report study paper survey analysis research data review".split())
# Sources that only "according to" makes speak: "according to the release notes", "… court filings".
ACCORDING_SOURCES = frozenset(
    "notes filing filings records documents figures statistics estimates results minutes"
    " transcript transcripts census data".split()
)
DOCUMENT_SLAVIC = ("дослідженн", "звіт", "доповід", "исследовани", "доклад", "отчет", "отчёт")
ROLE_SLAVIC = (
    "міністр",
    "министр",
    "міністерств",
    "министерств",
    "відомств",
    "ведомств",
    "поліці",
    "полици",
    "уряд",
    "правительств",
    "штаб",
    "джерел",
    "джерело",
    "источник",
    "представник",
    "представител",
    "прес-служб",
    "пресс-служб",
    "речник",
    "речниц",
    "спікер",
    "спикер",
    "військов",
    "военн",
    "служб",
    "мер",
    "голов",
    "глав",
    "президент",
    "прем'єр",
    "премьер",
    "прокуратур",
    "генштаб",
    "командувач",
    "командующ",
    "губернатор",
    "сил",
    "мвс",
    "мвд",
    "експерт",
    "эксперт",
    "аналітик",
    "аналитик",
    "науковц",
    "учен",
    "учён",
    "дипломат",
    "депутат",
    "синоптик",
    "председател",
    "заступник",
    "заместител",
    "директор",
    "керівник",
    "руководител",
    "правлін",
    "правлен",
    "адвокат",
    "юрист",
    "лікар",
    "врач",
    "свідк",
    "свидетел",
    "очевид",
    "мешкан",
    "жител",
    "рятувальник",
    "спасател",
    "організаці",
    "организаци",
    "бюро",
    "очільник",
    "очільниц",
    "минздрав",
    "мінздоров",
    "слідств",
    "следств",
    "детектив",
    "активіст",
    "активист",
    "центр",
    "департамент",
    "адміністраці",
    "администраци",
)
ORG_WORDS = frozenset(
    """
    ministry office department agency government army navy forces force union council committee
    company firm group police service authorities court administration organisation organization
    institute university commission bank fund party house kremlin pentagon nato un eu
    operator ukrenergo association federation military ministries presidency coalition
    """.split()
)
PLURAL_WORDS = frozenset(
    """
    officials researchers scientists experts analysts authorities prosecutors investigators
    sources police lawyers attorneys monitors economists doctors officers employers forces
    """.split()
)
FEMALE_ROLE = frozenset("spokeswoman chairwoman".split())
MALE_ROLE = frozenset("spokesman chairman".split())

# Capitalised words that open a sentence without naming anyone: "That", "Earlier", "Citing".
OPENERS = frozenset(
    """
    a an the this that these those there here it its in on at by for from with without of to
    and but or so yet however also earlier later soon then now today yesterday meanwhile both
    all some many most several few each every another other such as after before during while
    when where if although though because since until instead still even only just last next
    first second finally overall separately elsewhere previously recently currently citing
    according despite amid under over about against between through speaking asked writing
    meanwhile moreover furthermore additionally indeed thus nevertheless nonetheless what who
    we i you his her their our my your ми мы я ви вы ти ты про це об этом часом тем
    які також раніше водночас тим після крім окрім проте утім втім натомість згодом нині
    також также ранее между тем после кроме однако впрочем позже ныне при у в на з із за по
    one two three four five six seven eight nine ten eleven twelve dozens hundreds thousands
    roughly nearly approximately almost around reportedly allegedly apparently exactly precisely
    як как
    """.split()
)
# Ukrainian and Russian stems of bodies rather than people ("Повітряні сили", "МВД").
ORG_SLAVIC = (
    "міністерств",
    "министерств",
    "відомств",
    "ведомств",
    "поліці",
    "полици",
    "уряд",
    "правительств",
    "штаб",
    "служб",
    "сил",
    "прокуратур",
    "генштаб",
    "мвс",
    "мвд",
    "військов",
    "военн",
    "кабінет",
    "кабинет",
    "міноборон",
    "минобороны",
    "минздрав",
    "мінздоров",
    "росстат",
    "держстат",
    "мінфін",
    "минфин",
    "укренерго",
    "нафтогаз",
)
CONNECTIVES = ("however", "but", "and", "але", "однак", "но", "однако", "та й", "а також")
NEGATIONS = frozenset("not no never nor n't none nobody nothing не ні ніколи нет никогда".split())

MALE_NAMES = frozenset(
    """
    john james robert michael william david richard joseph thomas charles christopher daniel
    matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy
    ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott
    brandon benjamin samuel gregory alexander frank patrick raymond jack dennis jerry tyler aaron
    jose adam nathan henry douglas zachary peter kyle noah ethan jeremy walter christian keith
    roger terry austin sean gerald carl harold dylan arthur lawrence jordan jesse bryan billy
    bruce gabriel joe logan alan juan albert willie elijah wayne randy vincent mason roy ralph
    bobby russell bradley philip eugene boris emmanuel olaf vladimir volodymyr dmytro denys
    sergei sergey mykhailo oleksandr andriy andrii vitali vitaliy antony rishi keir trevor
    volodymyr kyrylo yuriy yuri ivan mykola oleg oleh igor ihor viktor petro pavlo taras
    володимир віталій денис дмитро олександр андрій сергій михайло юрій іван микола олег ігор
    віктор петро павло тарас кирило владимир виталий денис дмитрий александр андрей сергей
    михаил юрий иван николай олег игорь виктор петр павел кирилл борис алексей олексій
    """.split()
)
FEMALE_NAMES = frozenset(
    """
    mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa betty
    margaret sandra ashley kimberly emily donna michelle dorothy carol amanda melissa deborah
    stephanie rebecca sharon laura cynthia kathleen amy shirley angela helen anna brenda pamela
    nicole emma samantha katherine christine debra rachel catherine carolyn janet ruth maria
    heather diane virginia julie joyce victoria olivia kelly christina lauren joan evelyn judith
    megan cheryl andrea hannah martha jacqueline frances gloria ann teresa kathryn sara janice
    jean alice madison doris abigail julia judy grace denise amber marilyn beverly danielle
    theresa sophia marie diana brittany natalie isabella charlotte rose alexis kayla ursula
    kamala hillary theresa liz suella priti olena iryna oksana yulia natalia tetiana kateryna
    олена ірина оксана юлія наталія тетяна катерина марія ганна анна елена ирина юлия наталья
    татьяна екатерина мария ольга світлана светлана людмила
    """.split()
)
# Cyrillic first names ending in -а/-я that are male.
MALE_A_NAMES = frozenset("микола ілля никита илья кузьма фома лука".split())

BOUNDARY_WORDS = frozenset("that and but as while що і й та а але что и но как як".split())
ADVERBS = frozenset(
    "also has had have later previously again further recently then publicly repeatedly there here"
    " once often long subsequently openly privately famously"
    " initially already too later reportedly separately earlier also також теж вже уже также"
    " тоже ранее раніше".split()
)
TIME_WORDS = frozenset(
    "on last this earlier late today yesterday tonight monday tuesday wednesday thursday friday"
    " saturday sunday week month year night morning evening сьогодні вчора учора сегодня вчера"
    " в у во понеділок вівторок середу четвер п'ятницю суботу неділю понедельник вторник среду"
    " четверг пятницу субботу воскресенье".split()
)
MODIFIERS = frozenset(
    "chief senior former deputy foreign prime defence defense national security press general"
    " executive human rights air health interior finance top lead military local state federal"
    " regional city emergency company police government union university white house grid"
    " independent private public acting vice assistant special communications nuclear energy"
    " employers' employers workers' environment climate economy trade justice education".split()
)
FORWARD_STOP_EN = frozenset(
    "in on at during to after before with that who which whose adding as when while because but"
    " than if from by into over about told".split()
)
FORWARD_STOP_SLAVIC = frozenset(
    "в у на з із що что і и та а під до від про о об для через після після при із-за со".split()
)
PERSON_NOUNS = frozenset(
    "captain woman man soldier officer guard girl boy wife husband mother father sister brother"
    " daughter son king queen prince princess".split()
)
