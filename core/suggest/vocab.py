"""Word lists and goal templates of the suggestion engine.

A template slot only ever takes a phrase from the curated topic vocabulary below, so every
goal reads as a sentence; when an entry names nothing from it, a topic-free goal is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args

MetricType = Literal["resilience", "effort", "challenge", "feedback", "learning"]
METRIC_TYPES: tuple[MetricType, ...] = get_args(MetricType)

Pattern = Literal[
    "identity",  # "I'm not a maths person", "just how I'm wired"
    "helpless",  # "no point trying", "I'll never"
    "comparison",  # "everyone else gets it", "she's a natural"
    "avoidance",  # "didn't sign up in case I looked stupid"
    "dismiss_feedback",  # "they don't get my style"
    "giving_up",  # "I give up", "quitting piano"
    "feedback",  # feedback received, not yet acted on
    "plan",  # a setback already met with a plan
]
PATTERNS: tuple[Pattern, ...] = get_args(Pattern)

PATTERN_METRICS: dict[Pattern, MetricType] = {
    "identity": "effort",
    "helpless": "resilience",
    "comparison": "learning",
    "avoidance": "challenge",
    "dismiss_feedback": "feedback",
    "giving_up": "resilience",
    "feedback": "feedback",
    "plan": "resilience",
}

# named: a plain noun the writer used that the vocabulary lacks ("business", "push-ups").
TopicForm = Literal["skill", "event", "thing", "habit", "named"]


@dataclass(frozen=True)
class Topic:
    """A curated phrase known to read well in the templates of its form.

    skill: practised, used bare ("public speaking"); event: prepared for ("your next exam");
    thing: worked on ("your essay"); habit: willpower and the like.
    """

    text: str
    form: TopicForm


def _t(form: TopicForm, text: str, *surfaces: str) -> list[tuple[str, Topic]]:
    topic = Topic(text, form)
    return [(s, topic) for s in (surfaces or (text,))]


# Surface forms as they appear in chat_form text (lower case) -> the phrase used in goals.
# fmt: off
_TOPIC_TABLE: list[tuple[str, Topic]] = [
    *_t("skill", "maths", "maths", "math", "mathematics", "algebra", "calculus", "geometry",
        "times tables"),
    *_t("skill", "statistics", "statistics", "stats"),
    *[p for s in ("physics", "chemistry", "biology", "history", "geography", "economics",
                  "accounting", "recursion", "chess", "tennis", "football", "basketball", "golf",
                  "yoga", "pottery", "knitting", "sewing", "photography", "gardening", "baking",
                  "piano", "guitar", "violin", "drums", "ukulele", "cello", "networking",
                  "painting", "sql", "bass", "rhythm", "boxing", "spelling", "grammar", "python",
                  "javascript", "backhand", "serve")
      for p in _t("skill", s)],
    *[p for s in ("Spanish", "French", "German", "Italian", "Japanese", "Mandarin", "Chinese",
                  "Korean", "Arabic", "Portuguese", "Russian", "Dutch", "Excel")
      for p in _t("skill", s, s.lower())],
    *_t("skill", "languages", "languages", "language learning", "duolingo"),
    *_t("thing", "website", "website", "site redesign"),
    *_t("skill", "coding", "coding", "programming", "code", "programmer", "coder", "developer",
        "leetcode"),
    *_t("skill", "debugging", "debugging", "bug", "bugs"),
    *_t("skill", "sprinting", "sprinting", "sprinter", "sprint", "sprints"),
    *_t("skill", "communication", "communication", "communicate", "communicating"),
    *_t("skill", "tackling", "tackling", "tackles", "tackle"),
    *_t("skill", "perspective drawing", "perspective"),
    *_t("skill", "translating", "translating", "translate"),
    *_t("skill", "studying", "studies"),
    *_t("event", "tryout", "tryout", "tryouts", "trials"),
    *_t("thing", "code", "code review", "my code", "the code"),
    *_t("skill", "networking", "network", "networking events"),
    *_t("skill", "data structures", "data structures", "algorithms"),
    *_t("skill", "drawing", "drawing", "draw", "sketching", "drawing faces"),
    *_t("skill", "writing", "writing", "writer", "write"),
    *_t("skill", "singing", "singing", "sing", "singer", "karaoke", "high notes"),
    *_t("skill", "reading", "reader", "readers"),
    *_t("thing", "draft", "draft", "first draft"),
    *_t("skill", "running", "running", "runs", "runner", "run", "jogging"),
    *_t("skill", "swimming", "swimming", "swim", "swimmer"),
    *_t("skill", "climbing", "climbing", "climb", "bouldering"),
    *_t("skill", "cycling", "cycling"),
    *_t("skill", "dancing", "dancing", "dance", "dancer"),
    *_t("skill", "cooking", "cooking", "cook", "recipes", "recipe"),
    *_t("skill", "meditation", "meditation", "meditate", "meditating"),
    *_t("skill", "public speaking", "public speaking", "speaking up", "speaking in public",
        "speak up"),
    *_t("skill", "presenting", "presenting", "presentations", "present"),
    *_t("skill", "driving", "driving", "drive", "learning to drive", "driver"),
    *_t("skill", "crochet", "crochet", "crocheting"),
    *_t("skill", "watercolour painting", "watercolours", "watercolour", "watercolors",
        "watercolor"),
    *_t("skill", "knitting", "knit"),
    *_t("skill", "pull-ups", "pull-ups", "pull ups", "pull up", "pull-up", "pullups"),
    *_t("skill", "sales", "sales", "salesy", "cold calls", "cold calling", "salesperson"),
    *_t("skill", "parallel parking", "parallel parking", "parallel park", "parking"),
    *_t("skill", "performing", "performing", "performers", "performer", "perform", "on stage"),
    *_t("skill", "photography", "photo", "photos", "photographs"),
    *_t("skill", "music", "musician", "music"),
    *_t("skill", "using computers", "computers", "computer", "technology", "tech"),
    *_t("skill", "scales", "scales"),
    *_t("skill", "improvising", "improvising", "improvise", "improvisation"),
    *_t("skill", "leadership", "leadership", "leading a team", "team lead", "leading people",
        "leader", "leaders", "natural leader"),
    *_t("skill", "remembering names", "remembering names"),
    *_t("skill", "managing money", "money", "budgeting", "finances", "saving money"),
    *_t("skill", "sight-reading", "sight-reading", "sight-read", "sight reading", "sight read",
        "sight reads", "sight-reads"),
    *_t("skill", "small talk", "small talk", "talking to people", "making friends"),
    *_t("skill", "time management", "time management", "managing my time"),
    *_t("skill", "design", "design", "designing"),
    *_t("event", "exam", "exam", "exams", "mock exam", "test", "midterm", "finals", "quiz",
        "retake", "resit"),
    *_t("event", "driving test", "driving test", "driving theory", "theory test"),
    *_t("event", "interview", "interview", "interviews", "job interview"),
    *_t("event", "presentation", "presentation"),
    *_t("event", "speech", "speech"),
    *_t("event", "match", "match", "game", "semi-final", "final"),
    *_t("event", "audition", "audition"),
    *_t("event", "recital", "recital"),
    *_t("thing", "essay", "essay", "essays", "dissertation", "thesis"),
    *_t("thing", "lab report", "lab report", "lab reports"),
    *_t("thing", "report", "report", "reports", "updates"),
    *_t("thing", "pull request", "pull request"),
    *_t("thing", "CV", "cv", "resume"),
    *_t("thing", "PhD", "phd", "doctorate"),
    *_t("thing", "application", "application", "grant application", "applications"),
    *_t("thing", "scholarship application", "scholarship", "scholarships"),
    *_t("thing", "methods section", "methods", "methods section"),
    *_t("thing", "cover letter", "cover letter", "cover letters"),
    *_t("thing", "article", "article", "articles", "blog post"),
    *_t("thing", "proposal", "proposal", "pitch"),
    *_t("thing", "portfolio", "portfolio"),
    *_t("thing", "novel", "novel", "manuscript"),
    *_t("thing", "chapter", "chapter", "chapters", "methods chapter"),

    *_t("habit", "willpower", "willpower", "discipline", "self-control", "self control",
        "motivation"),
]
# fmt: on
TOPICS: dict[str, Topic] = dict(_TOPIC_TABLE)
TOPIC_RE = re.compile(
    r"\b(" + "|".join(re.escape(s) for s in sorted(TOPICS, key=len, reverse=True)) + r")\b"
)
# "test" and "game" are also everyday words: they name a topic only where it is clear.
AMBIGUOUS_SURFACES = frozenset(
    {"test", "game", "final", "code", "run", "write", "draw", "sing", "present", "drive"}
)

# fmt: off
PEOPLE = (
    "manager", "boss", "teacher", "coach", "mentor", "tutor", "lead", "supervisor",
    "professor", "lecturer", "editor", "reviewer", "client", "instructor", "trainer", "pt",
    "physio", "director", "examiner", "sensei", "judge", "panel", "assessor", "conductor",
    "choreographer", "captain",
)
# fmt: on

# --------------------------------------------------------------------------- templates

_Form = Literal["skill", "event", "thing", "habit", "named", "none"]

TEMPLATES: dict[Pattern, dict[_Form, str]] = {
    "identity": {
        "skill": "Practise {t} for 15 minutes on three days this week and note one thing that"
        " got easier",
        "event": "Do one practice run for your next {t} this week and note one thing that went"
        " better than you expected",
        "thing": "Spend 20 minutes improving one part of your {t} this week and note what got"
        " better",
        "habit": "Pick one small habit, do it for five minutes every day this week, and tick off"
        " each day you manage",
        # No topic: the belief may be about a trait or a habit, where "practise it" is wrong.
        "none": "Pick one small thing to do differently on three days this week, and note each"
        " time it went a bit better than you expected",
    },
    "helpless": {
        "skill": "Set yourself one small target in {t} you can reach this week, try it three times,"
        " and note what improves",
        "event": "Break the preparation for your next {t} into three small steps and do the"
        " first one tomorrow",
        "thing": "Break your {t} into three small steps and do the first one tomorrow",
        "habit": "Pick one small habit, do it for five minutes every day this week, and tick off"
        " each day you manage",
        "none": "Write down one small step you could still take, do it this week, and note what"
        " happened",
    },
    "comparison": {
        "skill": "Write down one thing you've learned about {t} in the last month, and compare only"
        " with your past self",
        "event": "Compare your last {t} with an earlier one of your own and note one thing you"
        " did better",
        "thing": "Compare your {t} with your own earlier work, not someone else's, and note one"
        " thing that improved",
        "habit": "Write down one day this week you kept a habit going, and compare only with"
        " your own last week",
        "none": "Write down one thing you can do now that you couldn't a month ago, and compare"
        " yourself only with that",
    },
    "avoidance": {
        "skill": "Pick a part of {t} that feels slightly too hard, try it this week, and note what"
        " you learned",
        "event": "Do one low-stakes trial run of a {t} with someone you trust this week",
        "thing": "Spend 20 minutes this week on the part of your {t} you've been avoiding, and"
        " note what you learned",
        "habit": "Pick one small habit, do it for five minutes every day this week, and tick off"
        " each day you manage",
        "none": "Do one thing this week that you've been avoiding for fear of looking bad, and"
        " write down what actually happened",
    },
    "dismiss_feedback": {
        "skill": "Pick one point from the feedback on your {t}, try it for a week, then decide"
        " whether it helped",
        "event": "Pick one point from the feedback on your {t}, try it for a week, then decide"
        " whether it helped",
        "thing": "Pick one point from the feedback on your {t}, try it for a week, then decide"
        " whether it helped",
        "habit": "Pick one point from the feedback you brushed off, try it for a week, then"
        " decide whether it helped",
        "none": "Pick one point from the feedback you brushed off, try it for a week, then"
        " decide whether it helped",
    },
    "giving_up": {
        "skill": "Before you give up on {t}, try one different approach for 20 minutes and note"
        " what happens",
        "event": "Before you give up, do one more practice run for your next {t} with a"
        " different approach and note what happens",
        "thing": "Before you give up on your {t}, try one different approach for 20 minutes and"
        " note what happens",
        "habit": "Before you give up, try one different approach for 20 minutes and note what"
        " happens",
        "none": "Before you give up, try one different approach for 20 minutes and note what"
        " happens",
    },
    "feedback": {
        "skill": "Pick one point from the feedback on your {t} and work on it for 20 minutes"
        " this week",
        "event": "Pick one point from the feedback on your {t} and work on it for 20 minutes"
        " this week",
        "thing": "Pick one point from the feedback on your {t} and work on it for 20 minutes"
        " this week",
        "habit": "Pick one point from the feedback you got and work on it for 20 minutes this week",
        "none": "Pick one point from the feedback you got and work on it for 20 minutes this week",
    },
    "plan": {},
}
# A plain noun reads well wherever a skill does, except after "Practise".
for _pattern, _forms in TEMPLATES.items():
    if "skill" in _forms:
        _forms["named"] = _forms["skill"]
TEMPLATES["identity"]["named"] = (
    "Spend 15 minutes on {t} on three days this week and note one thing that got easier"
)
IDENTITY_ACTIVITY_TEMPLATE = (
    "Pick one small way to get better at {t}, try it on three days this week, and note what changes"
)
DISMISSED_FROM_PERSON = (
    "Pick one point from your {p}'s feedback, try it for a week, then decide whether it helped"
)
FEEDBACK_FROM_CLOSE = (
    "Pick one small change from what your {p} said, try it on three days this week, and note"
    " how it goes"
)
FEEDBACK_FROM_PERSON = (
    "Pick one point from your {p}'s feedback and work on it for 20 minutes this week"
)
PLAN_TEMPLATE = "Follow through on your plan to {plan}"
PLAN_GERUND_TEMPLATE = "Keep to your plan of {plan}"
PLAN_TOLD_TEMPLATE = "Stick to what you decided: {plan}"
PLAN_JOINED_TEMPLATE = (
    "Stick with {plan} now that you've started, and note one thing you learn each time"
)
PLAN_BOOKED_TEMPLATE = (
    "Follow through on what you've booked ({plan}) and note one thing you learn from it"
)
PLAN_FALLBACK = "Follow through on the next step you've already planned, and note how it goes"

# --------------------------------------------------------------------------- warm replies

CareKind = Literal["help", "grief", "panic", "burnout", "hurt"]

CARE_LINES: dict[CareKind, str] = {
    "help": (
        "I'm really sorry you're feeling this way, and I'm glad you wrote it down. You don't have"
        " to carry this alone. If you might act on these thoughts, please call your local"
        " emergency number now. You can also reach a crisis line any time: call or text 988 in"
        " the US, Samaritans on 116 123 in the UK and Ireland, or find one near you at"
        " findahelpline.com."
    ),
    "grief": (
        "I'm so sorry. Grief takes the time it takes, and there's nothing you need to do with it"
        " today. Be gentle with yourself. 💛"
    ),
    "panic": (
        "That sounds really frightening, and you got through it. Go easy on yourself today; if"
        " it keeps happening, talking to a doctor or someone you trust can help. 💛"
    ),
    "burnout": (
        "That sounds exhausting. No goals today: rest counts too. If you can, tell someone you"
        " trust how stretched you are. 💛"
    ),
    "hurt": (
        "That sounds really hard. Thank you for writing it down. Be kind to yourself today;"
        " there's nothing you need to fix right now. 💛"
    ),
}
