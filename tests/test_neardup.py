"""Near-duplicate stories (HY311) and paragraphs repeated across documents (HY109)
on fixtures/neardup: one wire story and its reprints, an independent story on the
same event, and unrelated stories sharing page furniture."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from hygiene.corpus.decisions import CorpusOptions
from hygiene.corpus.neardup import Cluster, NearDuplicateFinder, NearDupOptions
from hygiene.corpus.paragraphs import paragraph_fingerprints
from hygiene.detectors import default_detectors
from hygiene.document import Document, FileResult
from hygiene.findings import Category, Finding
from hygiene.pipeline import Pipeline
from hygiene.read import ReadOptions, iter_documents
from hygiene.segment import segment

if TYPE_CHECKING:
    from conftest import Cli


FOLDER = Path(__file__).resolve().parent.parent / "fixtures" / "neardup"
A1, A2, A3, A4, A5 = (
    "a1-port-strike-wire.txt",
    "a2-port-strike-exact-copy.txt",
    "a3-port-strike-edited-reprint.txt",
    "a4-port-strike-abridged.txt",
    "a5-port-strike-ocr.txt",
)
A_FAMILY = [A1, A2, A3, A4, A5]
B = "b-port-strike-other-outlet.txt"
FURNITURE_BLOCK = [
    "c-building-society-profit.txt",
    "d-brewery-canning-line.txt",
    "e-software-job-cuts.txt",
]
SUBSCRIBE_ONLY = [
    "f-supermarket-price-freeze.txt",
    "g-wind-farm-approval.txt",
    "h-textile-mill-cooperative.txt",
]
UNRELATED = FURNITURE_BLOCK + SUBSCRIBE_ONLY
SUBSCRIBE = "Subscribe to The Harbor Ledger for daily business news."
PAGE_LINE = "The Harbor Ledger — page 12"
A_LEAD_START = "TESSALY, March 4 (Meridian Wire)"


def name(doc_id: str) -> str:
    return Path(doc_id).name


@cache
def analyzed() -> tuple[FileResult, ...]:
    """The stories through the per-document pipeline (no embeddings), in path order."""
    docs = iter_documents([str(FOLDER)], ReadOptions(globs=("*.txt",)))
    pipeline = Pipeline(default_detectors("none"))
    return tuple(pipeline.analyze(segment(d)) for d in docs if isinstance(d, Document))


Corpus = Callable[..., tuple[dict[str, FileResult], list[Cluster]]]


@pytest.fixture
def corpus(with_corpus_findings: Callable[..., Any]) -> Corpus:
    """``corpus(options)``: the fixture stories after both passes, by file name."""

    def run(options: CorpusOptions | None = None) -> tuple[dict[str, FileResult], list[Cluster]]:
        results, clusters = with_corpus_findings(list(analyzed()), options)
        return {name(r.doc.id): r for r in results}, clusters

    return run


def codes(result: FileResult, code: str) -> list[Finding]:
    return [f for f in result.findings if f.code == code]


def report_json(cli: pytest.CaptureFixture[str], *args: str) -> tuple[str, dict[str, Any]]:
    code, out, err = cli("report", "--format", "json", "--glob", "*.txt", *args)
    assert code == 0, err
    return out, json.loads(out)


# --- the fixture is what its README says -----------------------------------------------------


def test_fixture_reprints_are_built_as_described() -> None:
    text = {p.name: p.read_text("utf-8") for p in FOLDER.glob("*.txt")}
    assert sorted(text) == sorted([*A_FAMILY, B, *UNRELATED])
    assert text[A2] == text[A1]
    assert text[A4] == "\n\n".join(text[A1].split("\n\n")[:3]) + "\n"
    edited = text[A3]
    assert " said " not in edited and " pct " not in edited
    assert " says " in edited and " percent " in edited
    assert max(len(line) for line in edited.splitlines()) <= 40
    assert "Belcastro" in text[A1] and "Belcastro" not in edited  # the dropped sentence
    assert text[A5].count("-\n") >= 10 and "rn" in text[A5]  # hyphenated breaks, OCR'd m
    for story in UNRELATED:
        assert text[story].rstrip().endswith(SUBSCRIBE)
        assert (PAGE_LINE in text[story]) == (story in FURNITURE_BLOCK)


# --- clusters ----------------------------------------------------------------------------------


def test_corpus_stage_finds_exactly_the_reprint_cluster(corpus: Corpus) -> None:
    _, clusters = corpus()
    assert [[name(m) for m in c.members] for c in clusters] == [A_FAMILY]
    assert name(clusters[0].kept) == A1
    assert clusters[0].id == 0


def test_independent_story_on_the_same_event_is_not_a_reprint() -> None:
    finder = NearDuplicateFinder()
    for r in analyzed():
        finder.add_entry(finder.entry(name(r.doc.id), r.doc.path, r.doc.text))
    for member in A_FAMILY:
        j, c = finder.similar(finder.sketch(member), finder.sketch(B))
        assert j < finder.options.threshold and c < finder.options.min_containment, member
    assert all(B not in c.members for c in finder.clusters())


def test_shared_furniture_does_not_join_unrelated_stories() -> None:
    # Even with the furniture left in (raw text, nothing stripped), no pair qualifies.
    finder = NearDuplicateFinder()
    for story in [B, *UNRELATED]:
        path = FOLDER / story
        finder.add_entry(finder.entry(story, str(path), path.read_text("utf-8")))
    assert finder.clusters() == []


def test_a_cluster_of_two_has_both_members() -> None:
    text = (FOLDER / A1).read_text("utf-8")
    finder = NearDuplicateFinder()
    finder.add_entry(finder.entry("b", "b.txt", text))
    finder.add_entry(finder.entry("a", "a.txt", text))
    [cluster] = finder.clusters()
    assert cluster.members == ["a", "b"] and cluster.kept == "a"
    assert cluster.similarity == {"a": 1.0, "b": 1.0}


def test_cluster_order_does_not_depend_on_input_order(
    with_corpus_findings: Callable[..., Any],
) -> None:
    forward = with_corpus_findings(list(analyzed()))[1]
    backward = with_corpus_findings(list(reversed(analyzed())))[1]
    assert backward == forward


# --- HY311 ------------------------------------------------------------------------------------


def test_hy311_on_every_member_but_the_kept_one(corpus: Corpus) -> None:
    results, [cluster] = corpus()
    kept_id = results[A1].doc.id
    assert codes(results[A1], "HY311") == []
    for member in A_FAMILY[1:]:
        [finding] = codes(results[member], "HY311")
        assert finding.message.startswith(f"near-duplicate of {kept_id} (")
        assert "cluster 0 of 5 documents" in finding.message
        assert finding.category is Category.NEAR_DUPLICATE and finding.fix is None
        text = results[member].doc.text
        assert (finding.start, finding.end) == (0, len(text))
        doc_id = results[member].doc.id
        assert finding.score == max(cluster.similarity[doc_id], cluster.containment[doc_id])
    for story in [B, *UNRELATED]:
        assert codes(results[story], "HY311") == []


@pytest.mark.parametrize(("keep", "kept"), [("first-path", A1), ("longest", A5)])
def test_keep_policies_on_files(corpus: Corpus, keep: str, kept: str) -> None:
    results, [cluster] = corpus(CorpusOptions(NearDupOptions(keep=keep)))
    assert name(cluster.kept) == kept
    if keep == "longest":
        lengths = {m: len(results[m].doc.text) for m in A_FAMILY}
        assert max(lengths, key=lambda m: lengths[m]) == kept
        assert lengths[kept] > lengths[A1]
    flagged = [m for m in A_FAMILY if codes(results[m], "HY311")]
    assert flagged == [m for m in A_FAMILY if m != kept]
    for member in flagged:
        assert f"near-duplicate of {results[kept].doc.id} (" in results[member].findings[0].message


def test_keep_earliest_uses_record_dates(cli: Cli, tmp_path: Path) -> None:
    dates = {
        "wire": (A1, "2024-03-04T06:10:00+00:00"),
        "copy": (A2, "2024-03-04T05:50:00+00:00"),  # the earliest: neither first nor longest
        "edited": (A3, "2024-03-04T17:30:00+00:00"),
        "abridged": (A4, "2024-03-05T07:00:00+00:00"),
        "ocr": (A5, "2024-03-11T00:00:00+00:00"),
        "other": (B, "2024-03-01T00:00:00+00:00"),  # earliest of all, but not a reprint
    }
    feed = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"id": key, "date": date, "text": (FOLDER / story).read_text("utf-8")})
        for key, (story, date) in dates.items()
    ]
    feed.write_text("\n".join(lines) + "\n", "utf-8")
    kept = {}
    for keep in ("earliest", "first-path", "longest"):
        args = ("--embedder", "none", "--index", "none", "--keep", keep, str(feed))
        [cluster] = report_json(cli, *args)[1]["clusters"]
        assert cluster["members"] == [f"{feed}#{k}" for k in sorted(dates) if k != "other"]
        kept[keep] = cluster["kept"]
    assert kept == {
        "earliest": f"{feed}#copy",
        "first-path": f"{feed}#abridged",
        "longest": f"{feed}#ocr",
    }


def test_keep_earliest_skips_undated_and_falls_back_to_first_path() -> None:
    text = (FOLDER / A1).read_text("utf-8")

    def kept(dates: dict[str, str | None]) -> str:
        finder = NearDuplicateFinder(NearDupOptions(keep="earliest"))
        for key, date in dates.items():
            finder.add_entry(finder.entry(key, f"{key}.txt", text, date))
        [cluster] = finder.clusters()
        return cluster.kept

    assert kept({"x": None, "y": "2024-05-01", "z": "2024-04-01"}) == "z"
    assert kept({"x": "2024-06-01", "y": None, "z": None}) == "x"
    assert kept({"z": None, "y": None, "x": None}) == "x"


# --- the command line -------------------------------------------------------------------------


def test_report_json_lists_the_cluster(cli: Cli) -> None:
    out, data = report_json(cli, "--index", "none", str(FOLDER))
    paths = [str(FOLDER / m) for m in A_FAMILY]
    [cluster] = data["clusters"]
    assert set(cluster) == {"id", "members", "kept", "similarity"}
    assert (cluster["id"], cluster["members"], cluster["kept"]) == (0, paths, paths[0])
    # The lowest Jaccard to the kept story: the abridged copy's.
    assert 0.0 < cluster["similarity"] < 0.6
    by_path = {f["path"]: f["findings"] for f in data["files"]}
    for path in paths[1:]:
        [hy311] = [f for f in by_path[path] if f["code"] == "HY311"]
        assert hy311["category"] == "near-duplicate" and "fix" not in hy311
        assert hy311["message"].startswith(f"near-duplicate of {paths[0]} (")
    assert [p for p, fs in by_path.items() if any(f["code"] == "HY311" for f in fs)] == paths[1:]
    assert data["summary"]["by_rule"]["HY311"] == 4
    assert out == report_json(cli, "--index", "none", str(FOLDER))[0]  # byte for byte


def test_report_keep_longest_on_the_command_line(cli: Cli) -> None:
    args = ("--embedder", "none", "--index", "none", "--keep", "longest", str(FOLDER))
    [cluster] = report_json(cli, *args)[1]["clusters"]
    assert cluster["kept"] == str(FOLDER / A5)


# --- HY109 ------------------------------------------------------------------------------------


def test_hy109_flags_the_subscribe_line_in_six_unrelated_stories(corpus: Corpus) -> None:
    results, _ = corpus()
    for story in UNRELATED:
        r = results[story]
        [finding] = codes(r, "HY109")
        assert r.doc.text[finding.start : finding.end] == SUBSCRIBE
        assert finding.message == "paragraph found in 6 unrelated documents of this corpus"
        assert finding.fix is not None
    for story in [*A_FAMILY, B]:
        assert codes(results[story], "HY109") == []


def test_hy109_counts_copies_inside_one_cluster_once(corpus: Corpus) -> None:
    lead = next(p for p in analyzed()[0].doc.text.split("\n\n") if p.startswith(A_LEAD_START))
    lead_doc = Document("lead", "lead", lead)
    [(digest, _)] = paragraph_fingerprints(segment(lead_doc))
    holders = [
        name(r.doc.id)
        for r in analyzed()
        if digest in {d for d, _ in paragraph_fingerprints(segment(r.doc))}
    ]
    assert holders == [A1, A2, A3, A4]  # four copies, one cluster
    results, _ = corpus(CorpusOptions(min_documents=3))
    for story in FURNITURE_BLOCK:  # three unrelated documents are enough now
        flagged = [results[story].doc.text[f.start : f.end] for f in codes(results[story], "HY109")]
        assert PAGE_LINE in flagged and SUBSCRIBE in flagged
    for story in A_FAMILY:
        assert codes(results[story], "HY109") == []
