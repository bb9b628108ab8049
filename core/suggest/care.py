"""Distress in a journal entry: the kinds of pain that call for a warm line instead of a
goal, self-harm language first. Matched on chat_form text, over the whole entry."""

from __future__ import annotations

import functools
import re

from core.suggest.text import chat_form
from core.suggest.vocab import CareKind

_CARE_SOURCES: list[tuple[CareKind, str]] = [
    (
        "help",
        r"kill(?:ing)?\s+myself|\bkms\b|end(?:ing)?\s+(?:it\s+all|my\s+life)|take\s+my\s+(?:own\s+)?"
        r"life|(?:want|wanted|wanting)\s+to\s+die|wish\s+i\s+(?:was|were)\s+dead|wish\s+i\s+(?:wasn't"
        r"|was\s+not|weren't)\s+(?:alive|here|born)|(?:don't|do\s+not)\s+want\s+to\s+(?:live|exist"
        r"|be\s+alive|be\s+here\s+any\s*more|wake\s+up\s*(?:again|any\s*more|ever|tomorrow|[.!]|$))"
        r"|never\s+wake\s+up|\bif\s+i\s+(?:wasn't|weren't|was\s+not)\s+(?:here|around|alive)\b"
        r"|\bstep(?:ping)?\s+(?:forward|out)\b[^.!?]{0,40}\b(?:platform|train|edge|traffic|road)"
        r"|\b(?:platform|edge|ledge|bridge)\b[^.!?]{0,60}\bstep(?:ping)?\s+(?:forward|off|out)"
        r"|\b(?:letters|notes)\s+to\s+(?:everyone|my\s+(?:family|kids|parents))\s+(?:just\s+)?in\s+case\b|driv(?:e|ing)\s+(?:my\s+car\s+|the\s+car\s+)?(?:into|off)\s+(?:a|the)\s+(?:wall|tree"
        r"|bridge|cliff|river|lorry|truck)|how\s+many\s+(?:of\s+)?(?:my\s+|the\s+)?(?:pills|meds|tablets|painkillers)"
        r"\s+(?:it\s+)?(?:would|will)\s+take|\b(?:be|are|feel)\s+(?:fine|happier|okay|ok|easier|relieved)"
        r"\s+without\s+me\b|\b(?:till|until)\s+(?:they|it|i)\s+bleeds?\b"
        r"|better\s+off\s+if\s+i\s+(?:just\s+)?(?:wasn't|weren't|was\s+not)\s+(?:around|here|alive)"
        r"|better\s+off\s+(?:without\s+me|if\s+i\s+(?:wasn't|weren't|was\s+not|didn't\s+exist|was\s+gone)"
        r"|with\s+me\s+gone)|(?:hurt|hurting|harm|harming|cut|cutting|burn|burning|starv\w+|hit|hitting|punch\w*)\s+myself"
        r"|(?:don't|can't|do\s+not)\s+see\s+why\s+i\s+should\s+(?:keep\s+going|go\s+on|bother\s+living)"
        r"|\buntil\s+(?:they|it|i)\s+bleeds?\b|\bbetter\s+(?:off\s+)?without\s+me\b|\bno\s+(?:reason|point)\s+"
        r"(?:to|in)\s+(?:keep\s+going|keeping\s+going|go(?:ing)?\s+on|liv(?:e|ing)|be(?:ing)?\s+alive)"
        r"|\bgiving\s+(?:my|all\s+my)\s+(?:things|stuff|belongings)\s+away\b|\bdon't\s+see\s+(?:any|the)\s+"
        r"(?:reason|point)\s+(?:to|in|of)\s+(?:keep\s+going|keeping\s+going|going\s+on|living)|\b(?:not|never)\s+waking\s+up\b|(?:dying|death|not\s+being\s+"
        r"here)\s+(?:feels|would\s+be)\s+(?:like\s+)?(?:a\s+)?relief|\b(?:notice|care|miss\s+me)\s+if\s+i\s+(?:was|were|'m|am)\s+"
        r"(?:gone|dead)|\bif\s+i\s+(?:was|were)\s+gone\b|\bif\s+i\s+(?:just\s+)?(?:disappeared|died)\b"
        r"|\bstep(?:ping)?\s+off\s+(?:the|a)\s+(?:platform|edge|ledge|roof|bridge)|\bstepping\s+off\b"
        r"|\bjump(?:ing)?\s+(?:off|in\s+front)|\bin\s+front\s+of\s+(?:a|the)\s+(?:train|bus|car|lorry|truck)"
        r"|\boff\s+(?:a|the)\s+(?:bridge|roof|ledge|cliff)\b|\bmake\s+myself\s+bleed|(?:want|wants|wanting)\s+to\s+"
        r"(?:just\s+)?(?:not\s+(?:exist|be\s+here|be\s+alive|wake\s+up)|disappear\s+forever|stop\s+existing)|\bcut\s+(?:again|my\s+"
        r"(?:arms?|wrists?|legs?|thighs?))\b|\bnot\s+(?:be\s+)?around\s+any\s*more|easier\s+if\s+i\s+(?:just\s+)?"
        r"(?:wasn't|weren't|was\s+not)\s+(?:here|around|alive)|(?:goodbye|suicide)\s+(?:note|letter)"
        r"|tired\s+of\s+(?:living|being\s+alive|existing)|(?:don't|can't)\s+see\s+the\s+point\s+(?:in|of)\s+"
        r"(?:living|going\s+on|anything)|\bcan't\s+go\s+on\b|want\s+(?:it\s+all|everything)\s+to\s+"
        r"(?:stop|end)|\bno\s+way\s+out\b|\bend(?:ing)?\s+it\b(?!\s+(?:with|early|there|here|now|on|off|at|by"
        r"|for|before|after|today|tonight|tomorrow|soon))"
        r"|self[-\s]?harm\w*|suicid\w*|unalive|no\s+reason\s+to\s+(?:live|go\s+on)|overdos\w*",
    ),
    (
        "grief",
        r"passed\s+away|funeral|\b(?:a\s+year|years|months|weeks)\s+since\s+(?:my\s+)?(?:mum|mom|dad|mother"
        r"|father|grandma|grandad|grandpa|gran|nan|brother|sister|husband|wife|partner|son|daughter)\s+"
        r"(?:went|died|passed|left\s+us)\b|\b(?:mum|mom|dad|mother|father|grandma|grandad|grandpa|granny|gran|nan"
        r"|nana|uncle|aunt|auntie|brother|sister|husband|wife|partner|son|daughter)\s+(?:has\s+|just\s+)?"
        r"passed\b(?!\s+(?:her|his|my|their|the|a|an|it|its|with|first|all|both)\b)|to\s+be\s+put\s+(?:down|to\s+sleep)|\b\w+'s\s+death\b|death\s+of\s+my\b|\bgrie(?:f|ving|ve)\b|miscarr\w+|stillborn|\blost\s+(?:the|our)\s+baby\b|(?:had|have)\s+to\s+put\s+"
        r"(?:\w+\s+)?(?:down|to\s+sleep)|\b(?:mum|mom|dad|mother|father|grandma|grandad|grandpa"
        r"|granny|gran|nan|nana|uncle|aunt|auntie|brother|sister|friend|husband|wife|partner|son"
        r"|daughter|baby|dog|cat|pet)\s+(?:has\s+|just\s+)?died|lost\s+my\s+(?:mum|mom|dad|mother"
        r"|father|grandma|grandad|grandpa|gran|nan|brother|sister|friend|husband|wife|partner|baby"
        r"|son|daughter|dog|cat)\b",
    ),
    (
        "panic",
        r"panic\s+attacks?|anxiety\s+attacks?|(?:had|having)\s+(?:a\s+)?(?:full[\s-]on\s+|massive\s+|huge\s+)?"
        r"panic\b|\bpanicking\b|anxiety\s+spiral|thought\s+i\s+was\s+dying|heart\s+(?:going|beating)\s+"
        r"(?:crazy|so\s+fast|like\s+mad)|can't\s+breathe|couldn't\s+breathe|heart\s+(?:was\s+)?"
        r"(?:racing|pounding)|heart\s+(?:is\s+|kept\s+)?(?:racing|pounding)|hyperventilat\w*|anxiety\s+(?:through\s+the\s+roof|is\s+(?:so\s+)?bad)",
    ),
    (
        "burnout",
        r"burn(?:t|ed)\s+out|running\s+on\s+fumes|\bburnout|running\s+on\s+empty|(?:have|got)\s+nothing\s+left|can't\s+keep"
        r"\s+(?:doing|going\s+on\s+like)\s+this|can't\s+cope|\bi\s+broke\s+down|had\s+a\s+(?:mental\s+)?(?:breakdown|meltdown)|no\s+energy\s+for"
        r"\s+anything|stare\s+at\s+the\s+wall|breaking\s+down"
        r"|falling\s+apart|(?:can't|couldn't|haven't\s+been\s+able\s+to|unable\s+to)\s+get\s+out\s+of\s+bed|completely\s+drained|exhausted\s+all\s+the\s+time"
        r"|dread\s+every|eating\s+me\s+alive|can't\s+do\s+this\s+any\s*more|at\s+breaking\s+point"
        r"|not\s+coping|chest\s+(?:tight|pain)|hands?\s+(?:were\s+|was\s+)?shaking",
    ),
    (
        "hurt",
        r"\bbroke\s+up\b|\bshell\s+of\s+(?:myself|my\s+former\s+self)|\bbetray\w*|been\s+lying\s+to\s+me"
        r"|cheat(?:ed|ing)\s+on\s+me|\b(?:she|he|they)\s+ended\s+(?:things|it)\b|\bended\s+things\b"
        r"|\b(?:boyfriend|girlfriend|husband|wife|partner|fianc[eé]e?)\s+(?:has\s+|just\s+)?(?:walked\s+out"
        r"|left\b(?!\s+(?:for\s+work|early|the\s+(?:house|office)|work|at|on\s+time))|moved\s+out|cheated)|\b(?:doesn't|don't|didn't)\s+(?:know|remember)\s+who\s+i\s+am\b"
        r"|\b(?:best\s+friend|partner)\s+moved\s+(?:away|abroad|to)\b|\bbreak\s*up\b|dumped\s+me|\b(?:she|he|they)\s+(?:left|walked\s+out\s+on)\s+me\b"
        r"|broke\s+up\s+with\s+me|divorce|\bdepress(?:ed|ion)|can't\s+stop\s+"
        r"(?:crying|shaking)|heartbroken|so\s+(?:alone|lonely)|\bnumb\b|\babuse\w*|\bassault\w*"
        r"|scan\s+results|\bfound\s+out\s+i\s+have\b|\bi\s+have\s+(?:diabetes|cancer|ms|epilepsy|lupus|hiv"
        r"|a\s+tumou?r)\b|\bnicu\b|\bheart\s+(?:problem|condition|defect)|(?:scan|biopsy|test)\s+(?:results\s+)?came\s+back|\b(?:it's|it\s+has|has)\s+spread\b|\bdiagnos\w+|\bcancer\b|\bchemo\b|\btumou?r\b|\bbiopsy\b|\bterminal\b"
        r"|\bin\s+(?:the\s+)?hospital\b|\bicu\b|\bdementia\b|\balzheimer\w*|\b(?:had|having|has|suffered|after)\s+(?:a\s+)?(?:massive\s+|major\s+|mini\s+)?stroke\b|\bstroke\s+(?:unit|ward)\b|heart\s+attack"
        r"|\b(?:went|gone|is|has\s+gone)\s+missing\b|\b(?:doesn't|didn't|don't)\s+recogni[sz]e\s+me\b|been\s+admitted|\ba\s?&\s?e\b|emergency\s+room|\bhospice\b|\bpalliative\b|made\s+redundant|laid\s+off"
        r"|lost\s+my\s+job|\b(?:didn't|doesn't|don't|did\s+not)\s+(?:know|remember)\s+my\s+name\b|\b(?:moved|going|went)\s+into\s+(?:a\s+)?care\s+home\b|\b(?:stopped|stopping|isn't|is\s+not|not)\s+(?:talking|speaking)\s+to\s+me\b|\bghosted\s+me\b"
        r"|\b(?:haven't|have\s+not|not)\s+(?:made|got)\s+(?:one|a\s+single|any)\s+friends?\b|\bno\s+friends\s+(?:here|at\s+all)\b"
        r"|\b(?:ate|eat|eating|had)\s+(?:dinner|lunch|tea|breakfast)\s+(?:alone|on\s+my\s+own|by\s+myself)\b|\bfeel\s+(?:so\s+|completely\s+|totally\s+)?(?:worthless|empty|broken|hollow)\b",
    ),
]
_CARE_RES = [(kind, re.compile(rf"(?:{src})")) for kind, src in _CARE_SOURCES]


# Each alone is an ordinary bad day; two or more together are a hard time.
_STRAIN_RE = re.compile(
    r"\b(?:overwhelmed|exhausted|can't\s+sleep|can't\s+eat|crying|cried|so\s+scared|terrified"
    r"|i'm\s+a\s+(?:mess|wreck)|shaking|numb|hopeless|empty|dread\w*|heavy|alone|lonely"
    r"|can't\s+focus|can't\s+think|hit\s+a\s+wall|can't\s+do\s+anything|falling\s+apart|breaking|pointless|so\s+tired|haven't\s+left\s+(?:the|my)\s+\w+"
    r"|feel\s+sick|(?:shouted|yelled|screamed)\s+at\s+me|i'm\s+(?:so\s+)?(?:useless|worthless|a\s+failure)"
    r"(?!\s+(?:at|with|when|in)\b))\b"
)


# The handler asks before the engine does, about the same entry: answer twice from one look.
@functools.lru_cache(maxsize=64)
def distress(plain: str) -> CareKind | None:
    """The kind of pain an entry speaks of, most serious first; None for none."""
    norm = chat_form(plain)
    for kind, pattern in _CARE_RES:
        if pattern.search(norm):
            return kind
    if len({m.group(0) for m in _STRAIN_RE.finditer(norm)}) >= 2:
        return "hurt"
    return None
