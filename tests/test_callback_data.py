from __future__ import annotations

import random
import string
from uuid import UUID

import pytest

from core.callback_data import MAX_BYTES, CallbackData, decode, encode

ZERO = UUID(int=0)
MAX_UUID = UUID(int=2**128 - 1)


def test_uuid_round_trip_is_compact() -> None:
    ident = UUID("12345678-1234-5678-1234-567812345678")
    data = encode("ga", ident, "yes")
    action, packed, arg = data.split(":")
    assert (action, len(packed), arg) == ("ga", 22, "yes")
    assert decode(data) == CallbackData("ga", ident, None, "yes")


def test_many_random_uuids_round_trip() -> None:
    rng = random.Random(42)
    alphabet = string.ascii_letters + string.digits + " -_.,;!?#=+"
    for _ in range(2000):
        ident = UUID(int=rng.getrandbits(128))
        arg = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 12)))
        data = encode("entry.view", ident, arg)
        assert len(data.encode()) <= MAX_BYTES
        assert decode(data) == CallbackData("entry.view", ident, None, arg)


@pytest.mark.parametrize("ident", [ZERO, MAX_UUID])
def test_extreme_uuids_round_trip(ident: UUID) -> None:
    assert decode(encode("x", ident)) == CallbackData("x", ident, None, "")


@pytest.mark.parametrize("number", [0, 1, -1, 7, 2**31, -(10**18), 10**19 - 1, -(10**19 - 1)])
def test_integer_round_trip(number: int) -> None:
    assert decode(encode("page", number, "n")) == CallbackData("page", None, number, "n")


def test_no_ident_round_trip() -> None:
    assert encode("menu") == "menu::"
    assert decode("menu::") == CallbackData("menu", None, None, "")
    assert decode(encode("mood", None, "5")) == CallbackData("mood", None, None, "5")


def test_largest_payload_fits_exactly() -> None:
    action = "a" * 32
    arg_room = MAX_BYTES - len(action) - 2 - 22
    data = encode(action, MAX_UUID, "z" * arg_room)
    assert len(data.encode()) == MAX_BYTES
    assert decode(data) == CallbackData(action, MAX_UUID, None, "z" * arg_room)
    with pytest.raises(ValueError, match="64"):
        encode(action, MAX_UUID, "z" * (arg_room + 1))


@pytest.mark.parametrize(
    ("action", "ident", "arg"),
    [
        ("a:b", None, ""),  # separator in action
        ("", None, ""),
        ("a" * 33, None, ""),
        ("ок", None, ""),  # non-ASCII action
        ("a b", None, ""),
        ("a", None, "x:y"),  # separator in arg
        ("a", None, "ü"),
        ("a", None, "line\nbreak"),
        ("a", 10**19, ""),  # more than 19 digits
        ("a", True, ""),
    ],
)
def test_encode_rejects_invalid_input(action: str, ident: UUID | int | None, arg: str) -> None:
    with pytest.raises(ValueError):
        encode(action, ident, arg)


VALID_UUID_TEXT = encode("a", UUID("12345678-1234-5678-1234-567812345678")).split(":")[1]


@pytest.mark.parametrize(
    "data",
    [
        "",
        ":",
        "::",  # empty action
        "ga",
        "ga:",
        "ga:x",
        f"ga:{VALID_UUID_TEXT}:arg:extra",  # too many parts
        f"ga:{VALID_UUID_TEXT[:-1]}:",  # 21 chars
        f"ga:{VALID_UUID_TEXT}A:",  # 23 chars
        "ga:" + "!" * 22 + ":",  # not base64url
        "ga:" + "+" * 22 + ":",  # standard, not url-safe, alphabet
        "ga:" + "=" * 22 + ":",
        "ga:AAAAAAAAAAAAAAAAAAAAAB:",  # non-canonical: stray bits in the last char
        "ga:AAAAAAAAAAAAAAAAAAAAAA==:",  # padded
        "ga:#:",
        "ga:#01:",  # leading zero
        "ga:#-0:",
        "ga:#+1:",
        "ga:#1.5:",
        "ga:#12345678901234567890:",  # 20 digits
        "ga:#١٢:",  # non-ASCII digits
        "ga:12:",  # bare number without '#'
        "gä::",
        "ga::ü",
        "ga::\x00",
        "ga::\n",
        "g a::",
        "a" * 33 + "::",  # action too long
        "ga::" + "x" * 61,  # 65 bytes
        " ga::",
    ],
)
def test_decode_returns_none_for_garbage(data: str) -> None:
    assert decode(data) is None


@pytest.mark.parametrize("data", [None, 5, b"ga::", ["ga", "", ""]])
def test_decode_tolerates_non_strings(data: object) -> None:
    assert decode(data) is None


def test_decode_never_raises_on_random_input() -> None:
    rng = random.Random(3)
    alphabet = string.printable + "#:=üé😀\x00"
    valid = encode("ga", UUID(int=rng.getrandbits(128)), "ok")
    for _ in range(5000):
        if rng.random() < 0.5:
            data = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 70)))
        else:  # mutate a valid payload
            chars = list(valid)
            chars[rng.randrange(len(chars))] = rng.choice(alphabet)
            data = "".join(chars)
        result = decode(data)
        if result is not None:
            # Anything accepted must be exactly what encode would produce.
            ident = result.uuid if result.uuid is not None else result.number
            assert encode(result.action, ident, result.arg) == data
