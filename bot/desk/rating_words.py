"""Publishers' rating words (English, Ukrainian, Russian) and the verdict of ours each means.

Normalised as `bot.desk.claimreview.normalise_rating` leaves them: lower case, punctuation and
hyphens as spaces. docs/export.md ("Ratings to verdicts") lists them; add words here.
"""

from __future__ import annotations

from storage.models import ClaimStatus

_FALSE = (
    "false", "incorrect", "wrong", "fake", "fabricated", "fabrication", "pants on fire",
    "pants fire", "four pinocchios", "hoax", "scam", "not true", "untrue", "inaccurate",
    "altered", "altered photo", "altered video", "altered image", "doctored", "false headline",
    "fake news", "фейк", "неправда", "брехня", "хибно", "не правда",
    "не відповідає дійсності", "вигадка", "ложь", "не соответствует действительности",
    "вымысел", "фальшивка", "fake photo", "false claim",
)  # fmt: skip
_MISLEADING = (
    "misleading", "false context", "mostly false", "half true", "half truth", "mixture", "mixed",
    "partly false", "partially false", "partly true", "partially true", "missing context",
    "lacks context", "needs context", "out of context", "exaggerated", "exaggeration", "distorted",
    "miscaptioned", "misattributed", "manipulated", "manipulation", "three pinocchios",
    "two pinocchios", "spin", "cherry picking", "misrepresented", "selective", "imprecise",
    "маніпуляція", "напівправда", "перебільшення", "частково правда", "частково неправда",
    "поза контекстом", "вирвано з контексту", "перекручування", "манипуляция", "полуправда",
    "скорее неправда", "преувеличение", "вырвано из контекста", "частично правда",
    "частично неправда", "искажение",
)  # fmt: skip
_TRUE = (
    "true", "correct", "accurate", "mostly true", "correct attribution", "geppetto checkmark",
    "one pinocchio", "правда", "вірно", "правдиво", "відповідає дійсності", "скоріше правда",
    "скорее правда", "верно", "соответствует действительности", "достоверно",
)  # fmt: skip
_UNPROVEN = (
    "unproven", "unverified", "unsupported", "no evidence", "unsubstantiated",
    "not enough evidence", "insufficient evidence", "unverifiable", "cannot be verified",
    "can't be verified", "research in progress", "not proven", "недостатньо доказів",
    "неперевірено", "не доведено", "бездоказово", "немає доказів", "нет доказательств",
    "не доказано", "недостаточно данных", "не подтверждено", "непідтверджено",
)  # fmt: skip
RATING_WORDS: dict[str, str] = {
    **{w: ClaimStatus.FALSE for w in _FALSE},
    **{w: ClaimStatus.MISLEADING for w in _MISLEADING},
    **{w: ClaimStatus.TRUE for w in _TRUE},
    **{w: ClaimStatus.UNPROVEN for w in _UNPROVEN},
}
