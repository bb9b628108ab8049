"""Setbacks already met with a plan: the writer's own next step, read back to them as
"Follow through on your plan to ..." instead of a new task."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.suggest.text import Sentence

_SETBACK_RE = re.compile(
    r"\b(?:didn't\s+get|did\s+not\s+get|failed|fail|rejected|rejection|lost|bombed|flopped"
    r"|went\s+(?:badly|wrong)|didn't\s+go\s+well|messed\s+up|screwed\s+up|blew\s+it|rushed|sloppy"
    r"|too\s+(?:long|slow|late)|didn't\s+pass|turned\s+down|mistakes?|said\s+my|says\s+my"
    r"|feedback|comments|froze|struggled|disaster|didn't\s+(?:make|win)|wasn't\s+(?:picked|chosen"
    r"|selected)|missed|couldn't|lost\s+marks|marked\s+down|fell\s+off|slipped|lapsed|broke\s+my\s+"
    r"streak|came\s+(?:last|bottom)|flunked|no\s+(?:callbacks|replies|responses|interviews)|overspent|over\s*spent|burnt|burned|stalled|was\s+(?:awful|terrible|rubbish|shocking)|slower\s+than|was\s+(?:rough|a\s+mess)|all\s+over\s+the\s+(?:shop|place)|shouted\s+at|gutted|like\s+a\s+brick|broke\s+my\s+(?:[\w-]+\s+){1,3}streak|ran\s+(?:way\s+)?over|came\s+out\s+(?:flat|wrong"
    r"|burnt|badly|awful)|died|ruined|sank|collapsed|didn't\s+(?:hit|reach|meet))\b|\b\d+\s+out\s+of\s+\d+\b|\bgot\s+an?\s+[cdef]\b|\d+%|\b(?:got|came\s+back\s+with)\s+an?\s+\d+"
)
_PLAN_RE = re.compile(
    r"(?:\bI(?:'m|\s+am|m)\s+(?:going\s+to|gonna)|\bI(?:'ll|\s+will)|^(?:going\s+to|gonna)"
    r"|\bnext\s+time\s+ill(?=\s)|\bgonna(?=\s+\w+\s)"
    r"|\bill(?=\s+(?:just|do|try|ask|book|practi[cs]e|work|go|start|email|call|get|make|write|study|redo"
    r"|retake|sign|train|keep|look|read|rehearse|bring|plan|put)\b)"
    r"|^(?:will|gonna)(?=\s+(?:\w+)\s)|\bnext\s+time\s+I(?:'m\s+(?:going\s+to|gonna)|m\s+(?:going\s+to|gonna)|'ll|\s+will)?|\b(?:my\s+|the\s+)?plan\s+is\s+to|\bplan(?:\s+is)?:|\bI\s+plan\s+to"
    r"|\bI'm\s+planning\s+to)\s+(?P<vp>[^.!?\n]{3,200})",
    re.I,
)
# "Tomorrow I'm writing the codes on my hand": a plan in the present tense, told by a day.
_GERUND_PLAN_RE = re.compile(
    r"(?:\bI(?:'m|\s+am|m)\s+|^|[^\w\s,.'-]\s+)(?P<vp>(?!(?:feeling|getting|thinking|going|being|struggling|trying|failing"
    r"|quitting|giving|dropping|dreading|losing|panicking|crying|freaking|starting\s+to\s+feel)\b)"
    r"[a-z]{2,}ing\b[^.!?\n]{3,200})",
    re.I,
)
_PLANNING_RE = re.compile(
    r"(?:booking|signing\s+up|enrolling|scheduling|joining|hiring|finding|emailing|asking|calling"
    r"|setting\s+up|starting)\b",
    re.I,
)
_FIRST_STEP_RE = re.compile(
    r"(?:re[a-z]+ing|setting|practi[sc]ing|booking|making|asking|emailing|signing\s+up)\b", re.I
)
_DAYS = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_WHEN_RE = re.compile(
    r"\b(?:tomorrow|tonight|every\s+\w+|a\s+(?:night|day|week)|each\s+\w+|from\s+now\s+on|till\s+then"
    r"|until\s+then|next\s+[a-z]{3,}|this\s+(?:weekend|week|month)|(?:on\s+)?" + _DAYS + r")\b"
)
# "From tomorrow shoes go by the door": a plan told without "I", led by when it starts.
_FROM_WHEN_RE = re.compile(
    r"^(?:so\s+|and\s+)?(?:from|starting)\s+(?:tomorrow|tonight|now\s+on|next\s+\w+|"
    + _DAYS
    + r")\b[\s,]+"
    r"(?P<rest>\w+\s+\w+[^.!?\n]*)"
)
# "Next month im going back, practising with the lyrics": the time leads, then what happens.
_NEXT_LEAD_RE = re.compile(
    r"(?:^|[,;]\s*)next\s+[a-z]{3,}\s+(?:i'm|i\s+am|im)\s+(?P<vp>[a-z]{2,}ing\b[^.!?\n]{3,200})",
    re.I,
)
_NEXT_TIME_RE = re.compile(r"next\s+time", re.I)
_NOT_A_PLAN_RE = re.compile(
    r"^(?:just\s+)?(?:never|not|quit|give\s+up|stop|just\s+give|probably|fail|die"
    r"|be\s+(?:fine|ok|okay)|stick\s+to|stay\s+(?:with|in|away|safe)|avoid|skip|forget|just\s+stick|get\s+(?:it|there|better)\s*$"
    r"|be\s+(?:alright|better)|survive|manage|see|figure\s+it\s+out\s*$)\b",
    re.I,
)
# "not gonna lie", "im not gonna bother": a refusal or a figure of speech, never a plan.
_NEGATED_RE = re.compile(r"\b(?:not|never|no|don'?t|won'?t|ain'?t)\s+$", re.I)
_SWAPS = {
    "i": "you",
    "me": "you",
    "my": "your",
    "myself": "yourself",
    "mine": "yours",
    "i'm": "you're",
    "i've": "you've",
    "i'd": "you'd",
    "i'll": "you'll",
    "am": "are",
}
_CUT_RE = re.compile(
    r"\s+(?:but|because|though|although|lol|haha)\b.*$|\s+from\s+now\s+on\b.*$|[\s,;:]+$", re.I
)


# "Booked two more lessons for next week": the next step is already in the diary.
_BOOKED_RE = re.compile(
    r"(?:^|[,;]\s*|\band\s+)(?:i've\s+|i\s+)?(?:booked|scheduled|arranged)\s+(?P<obj>(?:an?\s+|two\s+|three\s+|some\s+|more\s+)"
    r"[a-z][\w'-]*(?:\s+(?!and\b|but\b|so\b|for\b|on\b|with\b)[a-z][\w'-]*){0,2})"
)


@dataclass(frozen=True)
class Plan:
    sentence: Sentence
    action: str | None  # the plan as a verb phrase in the second person, when it reads well
    gerund: bool = False  # "doing 20 clips a night": read as "your plan of ..."
    told: bool = False  # "shoes go by the door": a decision told as a clause
    joined: bool = False  # "joined toastmasters": a step already taken, to stick with
    booked: bool = False  # "booked two more lessons for next week"


# "Anyway joined toastmasters": the step already taken answers the doubt before it.
_JOINED_RE = re.compile(
    r"\b(?:just\s+|finally\s+)?(?:joined|signed\s+up\s+(?:for|to)|enrolled\s+(?:in|on)"
    r"|registered\s+for)\s+(?:a\s+|an\s+)?(?P<obj>[a-z][\w'-]*(?:\s+(?!and\b|but\b|so\b|lol\b)[a-z][\w'-]*){0,2})"
    r"(?=\s*(?:[,.;!?]|$)|\s+(?:and|but|so|lol)\b)"
)


def _second_person(vp: str) -> str | None:
    out: list[str] = []
    for token in vp.split():
        core = token.rstrip(",;:")
        low = core.lower()
        if low in _SWAPS:
            out.append(_SWAPS[low] + token[len(core) :])
        elif not re.fullmatch(r"[\w'&%/+£$€-]+[,;:]?", token):
            return None  # emoji, quotes or symbols: quote the plan instead of reshaping it
        else:
            out.append(token)
    phrase = " ".join(out)
    return phrase if len(out) >= 2 and len(phrase) <= 120 else None


def find_plan(sentences: list[Sentence], after: int, doubt: bool = False) -> Plan | None:
    """A plan made in or after sentence ``after``, when the entry speaks of a setback
    (``doubt``: or of a fixed-mindset belief, which a step already taken can answer)."""
    setback = any(_SETBACK_RE.search(s.norm) for s in sentences)
    for s in sentences[after:]:
        joined = _JOINED_RE.search(s.norm) if doubt and s.index > after else None
        if joined:
            obj = joined.group("obj")
            article = (
                "the " if joined.group(0).split()[-len(obj.split()) - 1] in ("a", "an") else ""
            )
            return Plan(s, article + obj, joined=True)
        for m in _PLAN_RE.finditer(s.text):
            if not setback and not _NEXT_TIME_RE.match(m.group(0)):
                continue
            if _NEGATED_RE.search(s.text[: m.start()]):
                continue
            vp = _CUT_RE.sub("", m.group("vp").strip())
            if _NOT_A_PLAN_RE.match(vp):
                continue
            return Plan(s, _second_person(vp))
        lead = _NEXT_LEAD_RE.search(s.text)
        if lead and (setback or _NEXT_TIME_RE.match(lead.group(0).lstrip(", ;"))):
            vp = _CUT_RE.sub("", lead.group("vp").strip())
            return Plan(s, _second_person(vp), gerund=True)
        if setback:
            if lead:
                vp = _CUT_RE.sub("", lead.group("vp").strip())
                return Plan(s, _second_person(vp), gerund=True)
            booked = _BOOKED_RE.search(s.norm)
            if booked and _WHEN_RE.search(s.norm):
                return Plan(s, _second_person(booked.group("obj")), booked=True)
            told = _FROM_WHEN_RE.search(s.norm)
            if told:
                return Plan(s, _second_person(_CUT_RE.sub("", told.group("rest"))), told=True)
            for m in _GERUND_PLAN_RE.finditer(s.text):
                if not (_WHEN_RE.search(s.norm) or _PLANNING_RE.match(m.group("vp"))):
                    continue
                dated = re.search(r"\b" + _DAYS + r"\b", s.norm)
                if m.start("vp") == 0 and not (_FIRST_STEP_RE.match(m.group("vp")) or dated):
                    continue  # "Starting a new one tomorrow": no "I'm", so only a clear step
                vp = _CUT_RE.sub("", m.group("vp").strip())
                vp = vp[0].lower() + vp[1:]
                return Plan(s, _second_person(vp), gerund=True)
    return None
