"""Shared test helpers, as fixtures: the CLI in-process, analysis, the corpus passes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from hygiene.cli import main
from hygiene.corpus.decisions import CorpusOptions, CorpusPass
from hygiene.corpus.neardup import Cluster
from hygiene.decide import resolve
from hygiene.document import Document, FileResult
from hygiene.pipeline import Pipeline
from hygiene.segment import segment

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    """``cli("check", path)`` runs the command line in-process: (exit code, stdout, stderr)."""

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def _analyze(pipeline: Pipeline, doc: Document) -> FileResult:
    return pipeline.analyze(segment(doc))


@pytest.fixture
def analyze() -> Callable[[Pipeline, Document], FileResult]:
    """``analyze(pipeline, doc)``: a document through the pipeline, segmented once, as
    the batch worker does."""
    return _analyze


def _with_corpus_findings(
    results: Sequence[FileResult], options: CorpusOptions | None = None
) -> tuple[list[FileResult], list[Cluster]]:
    corpus = CorpusPass(options)
    for r in results:
        corpus.add(corpus.sketch(r.doc))
    decisions = corpus.decide()
    out = []
    for r in results:
        added = decisions.findings(segment(r.doc))
        out.append(FileResult(r.doc, resolve([*r.findings, *added])) if added else r)
    return out, decisions.clusters


@pytest.fixture
def with_corpus_findings() -> Callable[..., tuple[list[FileResult], list[Cluster]]]:
    """Both passes over results already in memory: the results with their HY311 and
    HY109 findings added, and the clusters."""
    return _with_corpus_findings
