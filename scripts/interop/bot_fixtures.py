"""Write tests/fixtures/interop/bot_hashes.json: hashes made by the bot's own
``hash_password``, for bcryptjs to check (``node bcryptjs_fixtures.mjs verify``).

Salts are fixed so tests/test_interop_passwords.py can re-make every hash with the
current code and compare it with the one bcryptjs accepted.

    .venv/bin/python scripts/interop/bot_fixtures.py
"""

from __future__ import annotations

import json
from pathlib import Path

import bcrypt

from db.accounts import hash_password

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "interop"
LONG = "The quick brown fox jumps over the lazy dog, again and again, until it is 72 bytes long!"
EURO = "a" + "€" * 24

# name, password, probes (other passwords bcryptjs is asked about)
CASES: list[tuple[str, str, list[str]]] = [
    ("ascii", "correct horse battery staple", ["correct horse battery stapl"]),
    ("long_ascii", LONG, [LONG[:72], LONG[:72] + "another tail", LONG[:71]]),
    ("exactly_72_bytes", "x" * 36 + "y" * 36, ["x" * 36 + "y" * 36 + "z", "x" * 36 + "y" * 35]),
    ("non_ascii", "pässwörd Grüße ñandú çœur", ["passwort Grusse nandu coeur"]),
    ("emoji", "🔐 my secret 🦄 diary 📓", ["🔐 my secret 🦄 diary"]),
    ("multibyte_cut_at_72", EURO, ["a" + "€" * 23 + "₤", "a" + "€" * 23]),
    ("long_emoji", "🌱" * 25, ["🌱" * 18, "🌱" * 17]),
]


def main() -> None:
    cases = []
    for name, password, probes in CASES:
        salt = bcrypt.gensalt(4, prefix=b"2b").decode()
        cases.append(
            {
                "name": name,
                "salt": salt,
                "hash": hash_password(password, salt=salt.encode()),
                "probes": [{"password": p} for p in [password, *probes]],
            }
        )
    out = {"generator": f"db.accounts.hash_password (bcrypt {bcrypt.__version__})", "cases": cases}
    text = json.dumps(out, indent=2, ensure_ascii=False) + "\n"
    (FIXTURES / "bot_hashes.json").write_text(text, encoding="utf-8")
    print(f"wrote {len(cases)} cases")


if __name__ == "__main__":
    main()
