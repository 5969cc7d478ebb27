"""JSONL(.gz) inputs, streamed record by record: one Document or ReadError per line.

Bounded whatever the file holds: a record over ``max-bytes`` is skipped without
being held whole, and an input stops with an error past ``max-input-bytes``
(decompressed) or ``max-records``, so a small gzip that expands to hundreds of
millions of tiny records cannot grow the job without limit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

from hygiene.document import Document, ReadError
from hygiene.limits import CHUNK, size_limit, too_large

if TYPE_CHECKING:
    from hygiene.read import ReadOptions


class _OverBudget(Exception):
    """The stream ran past the bytes an input may expand to."""


def _lines(fh: IO[bytes], limit: int, budget: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each line, or None for a line over ``limit`` bytes,
    which is skipped without ever being held in memory whole. Past ``budget``
    bytes in all, _OverBudget."""
    number = 0
    total = 0
    while True:
        line = fh.readline(limit + 1)
        total += len(line)
        if total > budget:
            raise _OverBudget
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # drain the rest of the long line
                line = fh.readline(CHUNK)
                total += len(line)
                if total > budget:
                    raise _OverBudget
            yield number, None
            continue
        yield number, line


def parse_jsonl(
    fh: IO[bytes], shown: str, relpath: str, opts: ReadOptions
) -> Iterator[Document | ReadError]:
    records = 0
    seen: set[str] = set()
    try:
        for number, raw in _lines(fh, size_limit(opts.max_bytes), opts.max_input_bytes):
            item = _record(number, raw, shown, relpath, opts, seen)
            if item is None:
                continue
            records += 1
            if records > opts.max_records:
                yield ReadError(
                    shown,
                    f"more than {opts.max_records} records (max-records); the rest "
                    "of the file is not read",
                )
                return
            yield item
    except _OverBudget:
        yield ReadError(
            shown,
            f"more than {opts.max_input_bytes} bytes once decompressed "
            "(max-input-bytes); the rest of the file is not read",
        )
        return
    if records == 0:
        yield ReadError(shown, "empty file: no records")


# A JSON escape of a UTF-16 surrogate: where a lone one can hide.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _record(
    number: int, raw: bytes | None, shown: str, relpath: str, opts: ReadOptions, seen: set[str]
) -> Document | ReadError | None:
    """One JSONL line as a document, or the error it is; None for a blank line."""
    where = f"{shown}:{number}"
    if raw is None:
        return ReadError(where, too_large(opts.max_bytes, "record too large"))
    try:
        line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        return ReadError(
            where, f"not valid UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start}"
        )
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return ReadError(where, f"invalid JSON: {exc.msg} at column {exc.colno}")
    if not isinstance(record, dict):
        return ReadError(where, "a record must be a JSON object")
    text = record.get(opts.text_field)
    if not isinstance(text, str):
        return ReadError(where, f"no string field {opts.text_field!r} in record")
    if not text.strip():
        return ReadError(where, f"field {opts.text_field!r} is empty")
    if _SURROGATE_ESCAPE.search(line):
        lone = _lone_surrogate(record)
        if lone is not None:
            return ReadError(where, f"a lone surrogate (U+{ord(lone):04X}) is not text")
    key = record.get(opts.id_field)
    doc_id = str(key) if isinstance(key, str | int) else str(number)
    if doc_id in seen:
        return ReadError(where, f"duplicate record id {doc_id!r} in {shown}")
    seen.add(doc_id)
    date = record.get(opts.date_field)
    return Document(
        date=str(date) if isinstance(date, str | int | float) else None,
        id=f"{shown}#{doc_id}",
        path=shown,
        text=text,
        relpath=relpath,
        record_line=number,
        record=record,
    )


def _lone_surrogate(record: dict[str, object]) -> str | None:
    """A UTF-16 surrogate left alone by a JSON escape, anywhere in the record: it
    cannot be written back as UTF-8."""
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        return str(exc.object[exc.start])
    return None
