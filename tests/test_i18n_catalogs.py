"""The shipped catalogs: complete, valid, and what the code asks for (Babel's checks)."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from core.i18n import DEFAULT, LANGUAGES, LOCALES_DIR, _locale_name

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = [code for code in LANGUAGES if code != DEFAULT]
_FIELD = re.compile(r"\{(\w*)[^{}]*\}")
_TAG = re.compile(r"</?[a-z]+")


def _shape_problems(msgid: str | tuple[str, ...], translated: str | tuple[str, ...]) -> list[str]:
    """str.format fields and HTML tags a translation must keep (Babel checks only %-style).

    A plural form may leave out ``{n}`` (German "deine Nachricht" for one), nothing else.
    """
    ids = (msgid,) if isinstance(msgid, str) else msgid
    forms = (translated,) if isinstance(translated, str) else translated
    fields = set().union(*(_FIELD.findall(i) for i in ids))
    tags = sorted(_TAG.findall(ids[0]))
    problems = []
    for form in forms:
        have = set(_FIELD.findall(form))
        if have - fields or (fields - {"n"}) - have:
            problems.append(f"fields {sorted(have)} for {sorted(fields)} in {form!r}")
        if sorted(_TAG.findall(form)) != tags:
            problems.append(f"tags differ in {form!r}")
    return problems


def _po_path(code: str) -> Path:
    return LOCALES_DIR / _locale_name(code) / "LC_MESSAGES" / "messages.po"


def _read(code: str) -> Catalog:
    with _po_path(code).open("rb") as f:
        return read_po(f, locale=_locale_name(code))


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The msgids the code holds today, extracted as scripts/i18n.sh does."""
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [str(pybabel), "-q", "extract", "-F", "babel.cfg", "-k", "Command:2",
         "-k", "N_plural:1,2", "--no-location", "-o", str(out), "bot", "core", "db"],
        cwd=ROOT,
        check=True,
    )  # fmt: skip
    with out.open("rb") as f:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}


@pytest.mark.parametrize("code", SHIPPED)
def test_every_message_is_translated_and_valid(code: str) -> None:
    catalog = _read(code)
    missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    missing += [m.id for m in catalog if m.id and isinstance(m.string, tuple) and not all(m.string)]
    assert not missing, f"{code}: untranslated or fuzzy: {missing[:5]}"
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check() if errors]
    assert not problems, f"{code}: {problems[:5]}"
    shapes = [p for m in catalog if m.id for p in _shape_problems(m.id, m.string)]
    assert not shapes, f"{code}: {shapes[:5]}"


@pytest.mark.parametrize("code", SHIPPED)
def test_catalog_holds_what_the_code_asks_for(code: str, extracted: set[str]) -> None:
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in _read(code) if m.id}
    assert extracted - ids == set(), "run: bash scripts/i18n.sh, then translate what is new"


@pytest.mark.parametrize("code", SHIPPED)
def test_compiled_catalog_matches_its_source(code: str) -> None:
    fresh = io.BytesIO()
    write_mo(fresh, _read(code))
    compiled = _po_path(code).with_suffix(".mo").read_bytes()
    assert compiled == fresh.getvalue(), "run: bash scripts/i18n.sh (compiles the .mo files)"
