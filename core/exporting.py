"""The /export files: the JSON document as db.export builds it, and a Markdown rendering."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from core.i18n import _, ngettext
from core.mediafiles import duration_text
from core.richtext import content_format, to_markdown

# Said in the JSON file, so that a reader knows how to show "content".
CONTENT_FORMATS = {
    "html": "HTML fragment (docs/bot-data.md, Entry content)",
    "text": "plain text",
}


def _local(stamp: object, zone: ZoneInfo) -> str:
    if not isinstance(stamp, str):
        return _("unknown date")
    moment = datetime.fromisoformat(stamp.removesuffix("Z"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def with_content_formats(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with each entry's ``content_format`` ("html" or "text") added."""
    result = dict(data)
    result["content_formats"] = CONTENT_FORMATS
    result["journals"] = [
        {
            **journal,
            "entries": [
                {**entry, "content_format": content_format(entry.get("content", ""))}
                for entry in journal.get("entries", [])
            ],
        }
        for journal in data.get("journals", [])
    ]
    return result


def export_json(data: Mapping[str, Any]) -> str:
    return json.dumps(with_content_formats(data), ensure_ascii=False, indent=2)


def _media_lines(media: list[dict[str, Any]]) -> list[str]:
    """Links to the entry's photos and voice notes, as laid out in the export's zip."""
    lines: list[str] = []
    for item in media:
        name = str(item.get("file", ""))
        if item.get("kind") == "voice":
            label = _("🎤 Voice note ({duration})").format(
                duration=duration_text(item.get("duration_seconds"))
            )
            lines.append(f"[{label}]({name})")
        else:
            lines.append(f"![{_('Photo')}]({name})")
    return ["", "  \n".join(lines)] if lines else []


def export_markdown(data: Mapping[str, Any], timezone: str) -> str:
    """A readable Markdown rendering of db.export's document, times in ``timezone``
    (a usable zone name: db.profile.usable_timezone)."""
    zone = ZoneInfo(timezone)
    user = data.get("user") or {}
    lines = [
        "# " + _("Growth Journal export"),
        "",
        _("Account: {email}").format(email=user.get("email", "")) + "  ",
        _("Exported: {when}").format(when=_local(data.get("exported_at"), zone)) + "  ",
        _("Times are in {zone}.").format(zone=zone.key),
    ]
    for journal in data.get("journals", []):
        entries = journal.get("entries", [])
        count = ngettext("{n} entry", "{n} entries", len(entries)).format(n=len(entries))
        lines += ["", f"## {journal.get('title', '')}", "", f"_{count}_"]
        for entry in entries:
            heading = _local(entry.get("created_at"), zone)
            if entry.get("updated_at") != entry.get("created_at"):
                edited = _local(entry.get("updated_at"), zone)
                heading += " " + _("(edited {when})").format(when=edited)
            lines += ["", f"### {heading}", "", to_markdown(entry.get("content", ""))]
            lines += _media_lines(entry.get("media") or [])
    goals = data.get("goals", [])
    if goals:
        lines += ["", "## " + _("Goals"), ""]
        for goal in goals:
            target = (
                ", " + _("target {day}").format(day=goal["target_date"])
                if goal.get("target_date")
                else ""
            )
            lines.append(f"- {goal.get('content', '')} ({goal.get('state', '')}{target})")
    metrics = data.get("metrics", [])
    if metrics:
        columns = (_("when"), _("metric"), _("rating"), _("notes"))
        lines += [
            "",
            "## " + _("Metrics"),
            "",
            "| " + " | ".join(columns) + " |",
            "| --- | --- | --- | --- |",
        ]
        for metric in metrics:
            notes = (metric.get("notes") or "").replace("|", "\\|").replace("\n", " ")
            value = str(metric.get("value", "")).replace("|", "\\|").replace("\n", " ")
            lines.append(
                f"| {_local(metric.get('created_at'), zone)} | {metric.get('type', '')} "
                f"| {value} | {notes} |"
            )
    return "\n".join(lines) + "\n"
