"""SARIF 2.1.0 rendering, for code-scanning dashboards and editors.

One run: the driver lists every rule (so ``ruleIndex`` does not depend on what
was found), each finding is a result, read errors are tool execution
notifications. Offsets and columns count code points (``columnKind``), as the
findings do, from after a UTF-8 byte-order mark; lines are split on "\\n" as the
segmenter splits them.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path, PurePath
from urllib.parse import quote

from hygiene import __version__
from hygiene.document import Document, ReadError
from hygiene.findings import Finding
from hygiene.report import Report
from hygiene.rules import RULES, Rule
from hygiene.suppress import fingerprint
from hygiene.text import LineIndex

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
# Relative paths are relative to where hygiene ran; consumers (GitHub code
# scanning among them) map SRCROOT to their checkout.
SRCROOT = "SRCROOT"
FINGERPRINT_KEY = "contentHash/v1"

Json = dict[str, object]
_RULE_INDEX = {code: i for i, code in enumerate(RULES)}


def render_sarif(report: Report) -> str:
    return json.dumps(sarif_log(report), indent=2, ensure_ascii=False) + "\n"


def sarif_log(report: Report) -> Json:
    run: Json = {
        "tool": {"driver": _driver()},
        "originalUriBaseIds": {
            # No uri: an absolute one would make the log differ between checkouts.
            SRCROOT: {"description": {"text": "The directory hygiene was run in."}},
        },
        "columnKind": "unicodeCodePoints",
        "invocations": [_invocation(report.errors)],
        "results": _results(report),
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


# --- rules -----------------------------------------------------------------------------------


def _driver() -> Json:
    return {
        "name": "hygiene",
        "version": __version__,
        "rules": [_rule(rule) for rule in RULES.values()],
    }


def _rule(rule: Rule) -> Json:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.explanation},
        "help": {"text": f"{rule.explanation}\n\nMore: hygiene rule {rule.code}"},
        "defaultConfiguration": {"level": rule.severity},
        "properties": {
            "category": rule.category.value,
            "fixable": rule.fixable,
            "tags": [rule.category.value],
        },
    }


# --- invocation ------------------------------------------------------------------------------


def _invocation(errors: list[ReadError]) -> Json:
    return {
        "executionSuccessful": not errors,
        "toolExecutionNotifications": [_notification(e) for e in errors],
    }


def _notification(error: ReadError) -> Json:
    return {
        "level": "error",
        "message": {"text": error.message},
        "locations": [{"physicalLocation": {"artifactLocation": artifact_location(error.path)}}],
    }


# --- results ---------------------------------------------------------------------------------


def _results(report: Report) -> list[Json]:
    kept_of = {m: c.kept for c in report.clusters for m in c.members if m != c.kept}
    # The kept copies only, from one pass over the (spooled) files.
    kept_ids = set(kept_of.values())
    docs = {r.doc.id: r.doc for r in report.files if r.doc.id in kept_ids}
    # Prints name paths relative to SRCROOT, so they do not change with the checkout.
    root = Path.cwd()
    out: list[Json] = []
    for r in report.files:
        lines = LineIndex(r.doc.text)
        seen: Counter[str] = Counter()
        for f in r.findings:
            result = _result(r.doc, f, lines)
            # A near-duplicate found in the archive index has no cluster: its message
            # names the match, but there is no document here to point at.
            kept = docs.get(kept_of.get(r.doc.id, "")) if f.code == "HY311" else None
            if kept is not None:
                result["relatedLocations"] = [_kept_location(kept)]
            # Identical flagged text twice in one file (two "Advertisement" lines)
            # must still give two distinct fingerprints: number the occurrences.
            base = fingerprint(r.doc.id, f, r.doc.text, root)
            seen[base] += 1
            result["partialFingerprints"] = {FINGERPRINT_KEY: f"{base}:{seen[base]}"}
            out.append(result)
    return out


def _result(doc: Document, f: Finding, lines: LineIndex) -> Json:
    rule = RULES[f.code]
    result: Json = {
        "ruleId": f.code,
        "ruleIndex": _RULE_INDEX[f.code],
        "level": rule.severity,
        "message": {"text": f.message},
        "locations": [_location(doc, f, lines)],
        "properties": {"category": f.category.value, "score": round(f.score, 4)},
    }
    if f.fix is not None and doc.record_line is None:
        result["fixes"] = [_fix(doc, f.fix.start, f.fix.end)]
    return result


def _location(doc: Document, f: Finding, lines: LineIndex) -> Json:
    region = _region(doc, f, lines)
    if doc.record_line is None:
        artifact = artifact_location(doc.path)
        return {"physicalLocation": {"artifactLocation": artifact, "region": region}}
    # A JSONL record's text is a JSON string on one line of its file: escapes make
    # in-record columns useless as file columns. The physical region is the record's
    # line; the record is a logical location, and the region within its text (in the
    # same terms as for a plain file) goes to the location's property bag.
    location = _record_location(doc)
    location["properties"] = {"recordRegion": region}
    return location


def _record_location(doc: Document) -> Json:
    return {
        "physicalLocation": {
            "artifactLocation": artifact_location(doc.path),
            "region": {"startLine": doc.record_line},
        },
        "logicalLocations": [
            {"name": record_id(doc), "fullyQualifiedName": doc.id, "kind": "object"}
        ],
    }


def _kept_location(doc: Document) -> Json:
    """The copy a near-duplicate cluster keeps, as a related location."""
    if doc.record_line is not None:
        location = _record_location(doc)
    else:
        location = {"physicalLocation": {"artifactLocation": artifact_location(doc.path)}}
    return {"id": 0, **location, "message": {"text": f"kept copy: {doc.id}"}}


def _region(doc: Document, f: Finding, lines: LineIndex) -> Json:
    start_line, start_column = lines.position(f.start)
    end_line, end_column = lines.position(f.end)
    region: Json = {
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,  # the column after the last character, as SARIF wants
        "charOffset": f.start,
        "charLength": f.end - f.start,
    }
    # A whole-document finding (HY311) would copy the whole article into the log.
    if not (f.start == 0 and f.end == len(doc.text)):
        region["snippet"] = {"text": doc.text[f.start : f.end]}
    return region


def _fix(doc: Document, start: int, end: int) -> Json:
    return {
        "description": {"text": "Remove the flagged text (hygiene clean does this)."},
        "artifactChanges": [
            {
                "artifactLocation": artifact_location(doc.path),
                "replacements": [
                    {"deletedRegion": {"charOffset": start, "charLength": end - start}}
                ],
            }
        ],
    }


# --- helpers ---------------------------------------------------------------------------------


def artifact_location(path: str) -> Json:
    """A relative path stays relative (to SRCROOT); an absolute one becomes a file URI."""
    pure = PurePath(path)
    if pure.is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(pure.as_posix(), safe="/"), "uriBaseId": SRCROOT}


def record_id(doc: Document) -> str:
    return doc.id.removeprefix(f"{doc.path}#")
