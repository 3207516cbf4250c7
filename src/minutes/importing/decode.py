"""A transcript file's bytes → its text, or a clear error saying why they are no transcript."""

from __future__ import annotations

import codecs
import json
from typing import Any

from minutes.errors import InputError

MAX_BYTES = 64 * 1024 * 1024
"""The largest transcript read (64 MiB: a week of talk as text); a larger file is no transcript."""

_NOT_TEXT = "if it is a recording, use `minutes process`"


def check_size(size: int) -> None:
    """:class:`InputError` for a file of ``size`` bytes too large to be a transcript."""
    if size > MAX_BYTES:
        raise InputError(
            f"the file is {size / 2**20:.0f} MiB, more than a transcript's "
            f"{MAX_BYTES // 2**20} MiB; {_NOT_TEXT}"
        )


def decode(data: bytes) -> str:
    """The text of a transcript file: UTF-8 (a byte-order mark is dropped; UTF-16 with one is read
    too), line endings made ``\\n``. Raises :class:`InputError` for an empty file, and for bytes that
    are no UTF-8 text, naming the first bad byte and the fix."""
    check_size(len(data))
    text = _text(data)
    if "\x00" in text:
        raise InputError(
            "the file holds NUL bytes, so it is no text (or UTF-16 without a byte-order mark); "
            f"save it as UTF-8, or {_NOT_TEXT}"
        )
    if not text.strip():
        raise InputError("the file is empty; give a transcript with at least one line of speech")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _text(data: bytes) -> str:
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"the file starts as UTF-16 text but is not ({exc.reason}); save it as UTF-8"
                ) from None
    try:
        return data.removeprefix(codecs.BOM_UTF8).decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + (3 if data.startswith(codecs.BOM_UTF8) else 0)
        raise InputError(
            f"the file is not UTF-8 text (byte 0x{data[offset]:02X} at offset {offset}); save it as UTF-8 "
            f"(e.g. `iconv -f WINDOWS-1252 -t UTF-8 FILE > FILE.utf8`), or {_NOT_TEXT}"
        ) from None


def refuse_nul(value: Any) -> Any:
    """``value`` (a JSON value), or :class:`InputError` when a text in it holds a NUL (``\\u0000``),
    which no database stores: checked whole here, so nothing of the file is stored."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise InputError(
                    "a text in the JSON holds a NUL character (\\u0000); remove it from the file"
                )
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return value


def load_json(text: str) -> Any:
    """The JSON value of ``text`` (no NUL in its texts), or :class:`InputError` saying where it is
    malformed."""
    try:
        return refuse_nul(json.loads(text))
    except json.JSONDecodeError as exc:
        raise InputError(
            f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}); fix the file "
            "(`python -m json.tool FILE` shows where)"
        ) from None
    except RecursionError:
        raise InputError("malformed JSON: nested too deeply to read; fix the file") from None
