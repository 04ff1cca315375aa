"""JSON encoding on the hot path: orjson when it can, the standard library when it cannot.

Every message encodes its reply and the person's session; with the standard library that
was ~10 µs each, orjson does it in under 1 µs. orjson refuses a few things the standard
library accepts (a lone surrogate in a string, integers beyond 64 bits); those rare values
fall back to `json`, so nothing that used to be encoded now fails.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def dumps_bytes(value: Any) -> bytes:
    """Compact UTF-8 JSON. The fallback escapes non-ASCII, so a lone surrogate (which UTF-8
    cannot carry) still makes valid JSON."""
    try:
        return orjson.dumps(value)
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(value, separators=(",", ":")).encode("ascii")


def dumps_text(value: Any) -> str:
    """Compact JSON as text, non-ASCII kept as it is (the database stores it as UTF-8)."""
    try:
        return orjson.dumps(value).decode("utf-8")
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def loads(data: bytes | str) -> Any:
    """Parse JSON as the standard library does, at orjson's speed for what orjson accepts.

    What orjson refuses goes to `json.loads`, which decides: NaN, UTF-16 bodies and lone
    surrogate escapes parse as before, and malformed input raises ValueError (or
    RecursionError) as before. One difference remains: an integer beyond 64 bits comes back
    as a float. The chat API accepts only strings, so it refuses such a field either way."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)
