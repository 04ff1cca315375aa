"""dialog/fastjson.py must parse exactly what the standard library parses: orjson is only the
fast path, and the API's 400s must not change with it."""

from __future__ import annotations

import json
import math

import pytest

from dialog.fastjson import dumps_bytes, loads


@pytest.mark.parametrize(
    "body",
    [
        b'{"user": "abc12345", "text": "\xe4\xbd\xa0\xe5\xa5\xbd"}',
        b'{"text": "\\ud800 lone"}',  # orjson refuses lone surrogates; json does not
        '{"text": "UTF-16 body"}'.encode("utf-16"),  # json.loads detects the encoding
        b'[1, 2, {"a": null}]',
    ],
)
def test_loads_accepts_what_json_accepts(body: bytes) -> None:
    assert loads(body) == json.loads(body)


def test_integers_beyond_64_bits_come_back_as_numbers_of_the_same_value() -> None:
    # orjson reads them as floats (json as ints); the chat API takes only strings, so either
    # way such a field is refused, but the value must not be mangled into something else.
    assert loads(b'{"n": 123456789012345678901234567890}')["n"] == pytest.approx(1.2345678901234568e29)


def test_nan_parses_as_it_did() -> None:
    assert math.isnan(loads(b'{"x": NaN}')["x"])


@pytest.mark.parametrize("body", [b"{bad", b"", b'{"a": 1,}', b"\xff\xfe\xfa"])
def test_malformed_input_raises_value_error(body: bytes) -> None:
    with pytest.raises(ValueError):
        loads(body)


def test_deep_nesting_raises_as_json_does() -> None:
    with pytest.raises((ValueError, RecursionError)):
        loads(b"[" * 100_000 + b"]" * 100_000)


def test_dumps_round_trips_a_lone_surrogate() -> None:
    assert json.loads(dumps_bytes({"t": "\ud800"})) == {"t": "\ud800"}
