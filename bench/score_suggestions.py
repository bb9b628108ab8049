"""Score the local suggestion engine against the hand-labelled gold set.

Usage: python bench/score_suggestions.py [--quick] [--write] [--verbose] [--split NAME]

Each gold entry (tests/data/suggestion_gold.jsonl) says what a good coach would do with it:
suggest a goal (for which patterns, about which topic, quoting which words), encourage the
writer's own plan, answer with warmth ("care"), point to help, or stay quiet. A suggestion
"fits" only when the label asked for that kind, it reads as a sentence by the checks below,
and its "Why" quotes the sentence that backs it. The judge reads labels, never the rules.

    precision   suggestions that fit / all suggestions made
    recall      fixed-mindset entries that got a fitting suggestion / fixed-mindset entries
    quiet miss  suggestions on mundane or painful entries / those entries

--quick prints the figures and exits non-zero when a target is missed (the CI guard);
--write also records them in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.suggest import read_entry  # noqa: E402

GOLD = ROOT / "tests" / "data" / "suggestion_gold.jsonl"
# Written by someone who never saw the rules or the gold set, after the rules.
BLIND = (
    ROOT / "tests" / "data" / "suggestion_blind.jsonl",
    ROOT / "tests" / "data" / "suggestion_blind2.jsonl",
)
TARGET_PRECISION = 0.9
TARGET_RECALL = 0.8
TARGET_QUIET = 0.05
# "tune" was written before the rules; each "holdoutN" after a round of tuning, scored once
# as written, then tuned on. The last one has never been tuned on (see RESULTS_NOTES).
# fmt: off
SPLITS = (
    "tune", "holdout1", "holdout2", "holdout3", "holdout4", "holdout5", "holdout6", "holdout7",
    "holdout8", "holdout9", "dev1", "dev2", "dev3", "dev4", "dev5", "dev6", "blind1", "dev7",
    "blind2",
)
# fmt: on
# Never tuned on: their per-entry outputs are not read while changing the engine, only their
# figures. blind1 (written without seeing the rules) was scored fresh once, then tuned on in
# the third round with an independent reader's verdicts: it is now part of "tuned". blind2,
# written the same way by another writer during that round, has never been tuned on.
FRESH: tuple[str, ...] = ("holdout9", "blind2")
# The CI guard: what the rules were tuned on must keep meeting the targets.
GUARDED = frozenset({"tune", "tuned"})
QUIET_CATEGORIES = frozenset({"mundane", "painful", "selfharm"})

# fmt: off
_DANGLING = frozenset([
    "a", "an", "the", "to", "of", "for", "with", "and", "or", "my", "your", "at", "in", "on",
    "about", "from", "by", "is", "are", "was", "than",
])
# fmt: on
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'd|I'll|me|my|myself|mine)\b")
_EMOJI = re.compile(r"[\U0001F000-\U0001FFFF\u2600-\u27BF]")


def grammar_problems(content: str) -> list[str]:
    """Surface checks any reader would make: no slots, stutters, fragments or odd person."""
    problems: list[str] = []
    tokens = content.split()
    if not content or not content[0].isupper():
        problems.append("does not start with a capital")
    if not 25 <= len(content) <= 200:
        problems.append(f"length {len(content)}")
    if any(c in content for c in "{}<>"):
        problems.append("template slot or markup left")
    if "  " in content or content != content.strip():
        problems.append("stray spaces")
    low = [t.lower().strip(",.;:") for t in tokens]
    if any(a == b for a, b in itertools.pairwise(low)):
        problems.append("repeated word")
    if low and low[-1] in _DANGLING:
        problems.append(f"ends on {low[-1]!r}")
    if _FIRST_PERSON.search(content):
        problems.append("speaks as the writer (I/my)")
    if _EMOJI.search(content):
        problems.append("emoji in a goal")
    if re.search(r"\b(?:your|the|a|an)\s+(?:your|the|a|an|my)\b", content, re.I):
        problems.append("double determiner")
    return problems


def _flat(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").split())


def reason_problems(reason: str, entry: str, must_quote: Sequence[str]) -> list[str]:
    problems: list[str] = []
    quoted = re.search(r'"(.+)"', reason)
    if not quoted:
        return ["Why does not quote the entry"]
    words = quoted.group(1).rstrip("…").strip()
    if _flat(words) not in _flat(entry):
        problems.append("Why quotes words not in the entry")
    if must_quote and not any(_flat(q) in _flat(words) for q in must_quote):
        problems.append(f"Why does not quote the triggering sentence ({must_quote!r})")
    return problems


@dataclass
class Outcome:
    gold: dict[str, Any]
    made: str  # "goal", "care:<kind>" or "none"
    content: str = ""
    reason: str = ""
    pattern: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def suggested(self) -> bool:
        return self.made == "goal"

    @property
    def fits(self) -> bool:
        return self.suggested and not self.problems

    @property
    def care_ok(self) -> bool:
        if self.gold["expect"] == "help":
            return self.made == "care:help"
        return self.made.startswith("care:") and self.made != "care:help"

    @property
    def right(self) -> bool:
        """What the label asked for: a fitting goal, the right warm line, or nothing."""
        expect = self.gold["expect"]
        if expect in ("goal", "encourage"):
            return self.fits
        if expect in ("care", "help"):
            return self.care_ok
        return self.made == "none"


def judge(gold: dict[str, Any]) -> Outcome:
    reading = read_entry(gold["text"])
    if reading.goal is None:
        made = f"care:{reading.care}" if reading.care else "none"
        return Outcome(gold, made)
    goal = reading.goal
    out = Outcome(gold, "goal", goal.content, goal.reason, goal.pattern)
    expect = gold["expect"]
    content = goal.content.lower()
    if expect == "goal":
        if goal.pattern not in gold["patterns"]:
            out.problems.append(f"pattern {goal.pattern} not in {gold['patterns']}")
        if gold["topic"] and not any(t.lower() in content for t in gold["topic"]):
            out.problems.append(f"does not address {gold['topic']}")
    elif expect == "encourage":
        if goal.pattern != "plan":
            out.problems.append("a new task where the writer already has a plan")
        if not any(w.lower() in content for w in gold["plan"]):
            out.problems.append(f"does not name the plan ({gold['plan']})")
    else:
        out.problems.append(f"a goal where the right answer is {expect}")
    out.problems += grammar_problems(goal.content)
    out.problems += reason_problems(goal.reason, gold["text"], gold.get("quote", []))
    return out


@dataclass(frozen=True)
class Scores:
    entries: int
    suggestions: int
    fitting: int
    fixed: int
    fixed_hit: int
    quiet_entries: int
    quiet_misses: int
    care_right: int
    care_entries: int

    @property
    def precision(self) -> float:
        return self.fitting / self.suggestions if self.suggestions else 1.0

    @property
    def recall(self) -> float:
        return self.fixed_hit / self.fixed if self.fixed else 1.0

    @property
    def quiet_rate(self) -> float:
        return self.quiet_misses / self.quiet_entries if self.quiet_entries else 0.0

    @property
    def meets_targets(self) -> bool:
        return (
            self.precision >= TARGET_PRECISION
            and self.recall >= TARGET_RECALL
            and self.quiet_rate <= TARGET_QUIET
        )


def load_gold(split: str | None = None) -> list[dict[str, Any]]:
    lines = [line for path in (GOLD, *BLIND) for line in path.read_text().splitlines()]
    rows = [json.loads(line) for line in lines if line.strip()]
    return [r for r in rows if split is None or r["split"] == split]


def score(outcomes: Sequence[Outcome]) -> Scores:
    cared = [o for o in outcomes if o.gold["expect"] in ("care", "help")]
    return Scores(
        entries=len(outcomes),
        suggestions=sum(o.suggested for o in outcomes),
        fitting=sum(o.fits for o in outcomes),
        fixed=sum(o.gold["cat"] == "fixed" for o in outcomes),
        fixed_hit=sum(o.gold["cat"] == "fixed" and o.fits for o in outcomes),
        quiet_entries=sum(o.gold["cat"] in QUIET_CATEGORIES for o in outcomes),
        quiet_misses=sum(o.gold["cat"] in QUIET_CATEGORIES and o.suggested for o in outcomes),
        care_right=sum(o.care_ok for o in cared),
        care_entries=len(cared),
    )


def _line(name: str, s: Scores) -> str:
    return (
        f"| {name} | {s.entries} | {s.suggestions}"
        f" | {s.precision:.2f} ({s.fitting}/{s.suggestions})"
        f" | {s.recall:.2f} ({s.fixed_hit}/{s.fixed}) | {s.quiet_rate:.1%}"
        f" ({s.quiet_misses}/{s.quiet_entries}) | {s.care_right}/{s.care_entries} |"
    )


def report(by_split: dict[str, Scores]) -> str:
    head = (
        "| Split | Entries | Suggestions | Precision | Recall (fixed mindset) |"
        " Suggestions on mundane/painful | Warm line right (care/help) |\n"
        "|---|---:|---:|---:|---:|---:|---:|"
    )
    return "\n".join([head, *(_line(name, s) for name, s in by_split.items())])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="figures only (CI guard)")
    parser.add_argument("--write", action="store_true", help="record in bench/RESULTS.md")
    parser.add_argument("--verbose", action="store_true", help="show every suggestion")
    parser.add_argument("--split", choices=SPLITS, help="score one split only")
    args = parser.parse_args(argv)

    splits = [args.split] if args.split else list(SPLITS)
    by_split: dict[str, Scores] = {}
    for split in splits:
        outcomes = [judge(g) for g in load_gold(split)]
        if not outcomes:
            continue
        by_split[split] = score(outcomes)
        for o in outcomes:
            wrong = not o.right
            if args.verbose or (wrong and not args.quick):
                mark = "ok " if not wrong else "BAD"
                print(f"{mark} {o.gold['id']} [{o.gold['expect']}] -> {o.made} {o.pattern or ''}")
                if o.content:
                    print(f"      goal: {o.content}\n      why:  {o.reason}")
                for p in o.problems:
                    print(f"      - {p}")
    if len(by_split) > 1:
        everything = [judge(g) for g in load_gold()]
        by_split["tuned"] = score([o for o in everything if o.gold["split"] not in FRESH])
        for fresh in FRESH:
            by_split[f"{fresh} (never tuned on)"] = by_split.pop(fresh)
        by_split["all"] = score(everything)
    table = report(by_split)
    print(table)
    print(
        f"targets: precision >= {TARGET_PRECISION}, recall >= {TARGET_RECALL},"
        f" mundane/painful <= {TARGET_QUIET:.0%}"
    )
    if args.write:
        from bench.common import machine, now_utc, write_section

        write_section(
            "Goal suggestions against the gold set",
            f"Measured {now_utc()} on {machine()}. Command: `python bench/score_suggestions.py"
            f" --write`.\n\n{table}\n\n" + RESULTS_NOTES,
        )
    missed = [name for name, s in by_split.items() if name in GUARDED and not s.meets_targets]
    if missed:
        print(f"below target: {', '.join(missed)}")
        return 1
    return 0


RESULTS_NOTES = """\
Gold set: `tests/data/suggestion_gold.jsonl`, chat-style entries written for this purpose (lower
case, missing apostrophes, typos, emoji, several sentences): fixed-mindset statements of six kinds,
setbacks met with a plan or with a growth attitude, feedback, mundane days, painful days and
self-harm language. Each label says whether a goal is right and of which kind, which topic it must
address and which words its "Why" must quote; mundane entries should get nothing, painful ones a
warm line (self-harm language: a pointer to help). A suggestion fits when the label asked for that
kind and topic, it passes the reading checks (capital start, no slot or markup left, no stutter, no
dangling last word, no first person, no emoji) and its "Why" quotes the triggering sentence.
Precision counts plan encouragements as suggestions. The judge reads the labels, never the rules.

How the splits came about: `tune` was labelled before any rule was written. Then, nine times, a
fresh split of 31-32 entries was written after the latest round of rule changes, scored once as
it stood (the "first look" table below), and only then used for the next round. `dev1` (66
entries) was written in the same way for the round that added the sentence classifier
(`core/suggest/model.py`): scored once, then tuned on. `blind1`
(`tests/data/suggestion_blind.jsonl`, 101 entries) was written and labelled by someone who
never saw the rules; it was scored fresh once, judged by an independent reader, and then tuned
on in the third round, so it is part of `tuned` and of the CI guard. `dev7` (40 entries) was
written by the rules' author after the third round's changes for blind1, scored once (first
look in the section on the third round), then tuned on. `holdout9` is the last split nobody
tuned on: none of its texts or per-entry outputs has been read; only its totals were printed
while the engine changed, so it is close to, but not entirely, a blind figure. The rows for
splits that were tuned on only show that the engine still covers what it was shown; the
first-look figures and holdout9 are the honest estimate of how it does on text nobody tuned it
for. Apart from blind1, the rules' author wrote every label."""


if __name__ == "__main__":
    raise SystemExit(main())
