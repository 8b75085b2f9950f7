"""Word lists in English, Ukrainian and Russian that signal (or rule out) a checkable claim.

Matching is on lower-cased tokens; entries ending in ``*`` match as prefixes, which lets one
entry cover the many inflections of a Ukrainian or Russian word.
"""

from __future__ import annotations

ATTRIBUTION = """
said says say told tells added stated states announced announces reported reports reporting
claimed claims claim confirmed confirms according noted notes wrote writes tweeted posted
testified estimated estimates found finds showed shows revealed reveals disclosed acknowledged
insisted warned warns accused accuses alleged alleges denied denies admitted argued explained
data figures statistics survey poll study report census
заяв* повідоми* сказа* зазнач* підтверди* наголоси* додав* додала* додали* розповіл* розповів*
повідомля* інформу* даними даних опитуван* дослідженн* звіт* статистик* оцінк* підрахун*
сообщ* заяви* заявля* сказал* отмети* подтверди* добави* рассказа* данным данных опрос*
исследован* отчет* отчёт* статистик* оценк* подсчет* утвержда* стверджу* напис* пише пишет
""".split()

ACCORDING_TO = """
according за по слов* словам даними данным повідомленням сообщению інформацією информации
""".split()

OPINION = """
think thinks thought believe believes feel feels felt hope hopes wish opinion seems seem
great terrible wonderful horrible awful best worst good bad nice beautiful disgrace
disgraceful shameful cowardly coward desperate desperation evil stupid ridiculous absurd
outrageous amazing fantastic tremendous disaster disastrous pathetic sad wrong right love
hate proud strongly important fair unfair must deserve deserves lie lies liar lying crazy
incredible вважаю вважаємо думаю думаємо ганеб* жахлив* чудов* прекрасн* підлий підла підло
боягуз* брехн* брехун* неймовірн* ганьба мерзен* огидн* дурн* сподіва* переконан* мабуть
считаю считаем думаю думаем позор* ужасн* прекрасн* замечательн* подлый подло подлость трус*
ложь лжи лжец* невероятн* мерзк* отвратительн* глуп* надеюсь надеемся убежден* наверное
""".split()

FIRST_SINGULAR = """
i me my mine myself i'm i've i'd i'll я мене мені мій моя моє мої мне меня мой моя мое моё
мои
""".split()

FIRST_PLURAL = """
we us our ours ourselves we're we've we'll ми нас нам наш наша наше наші мы нам наш наша
наше наши
""".split()

SECOND_PERSON = """
you your yours you're you've ви вас вам ваш ваша ваше ваші ти тебе твій вы вас вам ваш ваша
ваше ваши ты тебя твой
""".split()

MODAL_FUTURE = """
will would should could might may shall going gonna can must ought plan plans intend
expects expect expected aims forecast forecasts projected
'll буде будуть будемо буду може можуть мусить повинен повинна повинні має мають планує
планують збирається будет будут будем буду может могут должен должна должны планирует
планируют собирается
""".split()

# Words that open an English sentence and are never a name ("If"; not "I", "May", "US", "Will").
COMMON_OPENERS = frozenset(
    """
    the a an there this these that those it its they their them some many most he she his her
    we our you your in on at for by since after before about if every each all any both either
    neither no not when while although though because unless whether once as with without from
    to during until over under nearly almost around roughly only even more less fewer much such
    other another several few half what where why how one two three four five six seven eight
    nine ten
    """.split()
)

# Sentence openers that are commands whatever follows: never a claim.
COMMAND_START = """
let's please subscribe join imagine click download donate mark delete ignore forget call
підписуйтесь підписуйтеся читайте дивіться долучайтесь долучайтеся поширте поширюйте
приєднуйтесь приєднуйтеся голосуйте підтримайте подписывайтесь читайте смотрите
присоединяйтесь поделитесь делитесь голосуйте поддержите
""".split()

IMPERATIVE_START = """
let let's please join vote imagine look listen subscribe share follow read click download
watch sign donate support tell remember think consider stop
підписуйтесь підписуйтеся читайте дивіться долучайтесь поширте поширюйте приєднуйтесь
голосуйте підтримайте
подписывайтесь читайте смотрите присоединяйтесь поделитесь делитесь голосуйте поддержите
""".split()

COMPARISON = """
more less fewer than higher lower increase increased increases decrease decreased decreases
rise rose risen fell fall fallen doubled tripled half twice times largest smallest highest
lowest most least record percent percentage per majority growth grew cut cuts
більше менше ніж зріс зросла зросли знизи* скороти* вдвічі рекорд* відсот* найбільш*
найменш* половин* більшість
больше меньше чем вырос выросла выросли снизи* сократи* вдвое рекорд* процент* наибольш*
наименьш* половин* большинство
""".split()

QUANTITY = """
one two three four five six seven eight nine ten eleven twelve hundred hundreds thousand
thousands million millions billion billions trillion dozen dozens percent half quarter
dollars dollar cents euro euros pounds
тисяч* мільйон* мільярд* десят* сотн* сотен дюжин* відсот* гривень гривні долар* євро
тысяч* миллион* миллиард* десятк* процент* рубл* млн млрд трлн тис тыс
""".split()

MONTHS = """
january february march april june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
monday tuesday wednesday thursday friday saturday sunday yesterday today
січн* лют* берез* квітн* травн* червн* липн* серпн* вересн* жовтн* листопад* грудн*
понеділ* вівтор* середа середу четвер* п'ятниц* субот* неділ* вчора сьогодні
январ* феврал* март* апрел* мая май июн* июл* август* сентябр* октябр* ноябр* декабр*
понедельник* вторник* среда среду четверг* пятниц* суббот* воскресень* вчера сегодня
""".split()

PAST_AUXILIARY = """
was were had did been ago last earlier previously був була було були был была было были
""".split()

PRONOUN_START = {
    "he": "m",
    "she": "f",
    "it": "n",
    "they": "p",
    "він": "m",
    "вона": "f",
    "воно": "n",
    "вони": "p",
    "он": "m",
    "она": "f",
    "оно": "n",
    "они": "p",
}


def compile_lexicon(words: list[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    """Split a word list into exact words and prefixes (entries ending in ``*``)."""
    exact = frozenset(w for w in words if not w.endswith("*"))
    prefixes = tuple(sorted({w[:-1] for w in words if w.endswith("*")}))
    return exact, prefixes


def in_lexicon(token: str, lexicon: tuple[frozenset[str], tuple[str, ...]]) -> bool:
    """Whether a lower-cased token is in a compiled lexicon."""
    exact, prefixes = lexicon
    return token in exact or (bool(prefixes) and token.startswith(prefixes))
