"""The `hygiene` command line.

Kept light: heavy modules (models, embeddings) are imported inside the
commands that need them, so `hygiene --help` stays instant.
"""

from __future__ import annotations

import functools
import sqlite3
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from hygiene import __version__
from hygiene.assets import SetupError

if TYPE_CHECKING:
    from hygiene.config import Settings
    from hygiene.engine import Engine
    from hygiene.neardup import NearDupOptions
    from hygiene.pipeline import FileResult
    from hygiene.read import ReadError
    from hygiene.report import Report
    from hygiene.work import JobSpec

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


@dataclass(frozen=True)
class Inputs:
    """The paths to read and the resolved settings (defaults < config file < flags)."""

    paths: tuple[str, ...]
    settings: Settings

    @property
    def select(self) -> tuple[str, ...]:
        return tuple(self.settings["select"])

    @property
    def ignore(self) -> tuple[str, ...]:
        return tuple(self.settings["ignore"])

    @property
    def text_field(self) -> str:
        return str(self.settings["text-field"])

    def spec(self, threads: int | None = None) -> JobSpec:
        """What every worker needs to know, picklable."""
        from hygiene.corpus import CorpusOptions
        from hygiene.read import ReadOptions
        from hygiene.work import JobSpec

        _check_selectors(self.select + self.ignore)
        read = ReadOptions(
            globs=tuple(self.settings["include"]),
            text_field=self.text_field,
            id_field=self.settings["id-field"],
            max_bytes=self.settings["max-bytes"],
            exclude=tuple(self.settings["exclude"]),
            root=str(self.settings.root),
        )
        corpus = CorpusOptions(
            self.neardup_options(),
            min_documents=self.settings["repeated-min-documents"],
            include=self.select,
            exclude=self.ignore,
        )
        return JobSpec(
            read=read,
            include=self.select,
            exclude=self.ignore,
            embedder=self.settings["embedder"],
            corpus=corpus,
            time_limit=float(self.settings["time-limit"]),
            threads=threads,
        )

    def neardup_options(self) -> NearDupOptions:
        from hygiene.neardup import NearDupOptions

        return NearDupOptions(
            threshold=self.settings["near-duplicate-threshold"],
            min_containment=self.settings["near-duplicate-containment"],
            keep=self.settings["keep"],
        )

    def report(
        self, index: str | None = "auto", engine: Engine | None = None, progress: bool | None = None
    ) -> Report:
        """Both passes over the inputs (see hygiene.job), then the comparison with the
        archive index (``auto``: the nearest one above the first input; None: none),
        then the project's suppressions."""
        from hygiene.decide import selected
        from hygiene.engine import LocalEngine
        from hygiene.job import first_pass, second_pass
        from hygiene.read import ReadError
        from hygiene.report import Report
        from hygiene.spool import Spool
        from hygiene.work import preflight

        engine = engine or LocalEngine(1)
        spec, paths = self.spec(), self.paths
        preflight(spec)
        report = Report()
        first = first_pass(engine, paths, spec, progress=progress)
        analysed_files: Spool[FileResult] = Spool()  # on disk: memory stays flat
        for _, analysed in second_pass(engine, paths, spec, first, progress=progress):
            item = analysed.item
            if isinstance(item, ReadError):
                report.errors.append(item)
                continue
            analysed_files.append(item)
            if analysed.problem:
                report.errors.append(ReadError(item.doc.id, analysed.problem))
        clusters = first.decisions.clusters
        report.clusters = [c.to_json({m: m for m in c.members}) for c in clusters]
        files: Sequence[FileResult] = analysed_files
        if any(selected(code, self.select, self.ignore) for code in ("HY311", "HY109")):
            files = _with_index(files, self.paths, index, self.neardup_options())
        report.files = Spool(self.suppressed(r) for r in files)
        analysed_files.close()
        report.thresholds = self.thresholds()
        return report

    def suppressed(self, result: FileResult) -> FileResult:
        """Without findings under min-severity, per-file-ignores or an ignore directive."""
        from hygiene.config import SEVERITIES
        from hygiene.pipeline import FileResult
        from hygiene.rules import RULES
        from hygiene.suppress import directive_spans, exempt_by_directive, per_file_ignored

        floor = SEVERITIES.index(self.settings["min-severity"])
        table = self.settings["per-file-ignores"]
        spans = directive_spans(result.doc.text, result.doc.path)
        kept = [
            f
            for f in result.findings
            if SEVERITIES.index(RULES[f.code].severity) >= floor
            and not per_file_ignored(result.doc.path, f.code, table, self.settings.root)
            and not exempt_by_directive(f, spans)
        ]
        return result if len(kept) == len(result.findings) else FileResult(result.doc, kept)

    def thresholds(self) -> dict[str, object]:
        """Settings that decide what is flagged, and the calibrated model thresholds."""
        keys = (
            "near-duplicate-threshold",
            "near-duplicate-containment",
            "repeated-min-documents",
            "keep",
            "embedder",
            "select",
            "ignore",
        )
        out: dict[str, object] = {key: self.settings[key] for key in keys}
        if self.settings["embedder"] != "none":
            from dataclasses import asdict

            from hygiene.detectors.topic import Calibration

            out.update({f"topic.{k}": v for k, v in asdict(Calibration.load()).items()})
        return out


def _with_index(
    results: Sequence[FileResult], paths: Sequence[str], index: str | None, options: NearDupOptions
) -> Sequence[FileResult]:
    """Compare with the archive index if there is one; a problem with it is said, not fatal."""
    from pathlib import Path

    from hygiene.index import ArchiveIndex, IndexMismatch, compare_with_index, find_index

    if index is None or not paths:
        return results
    location = find_index(Path(paths[0])) if index == "auto" else Path(index)
    if location is None:
        return results
    try:
        archive = ArchiveIndex(location, options)
    except (IndexMismatch, FileNotFoundError, sqlite3.Error) as exc:
        click.echo(f"hygiene: warning: archive index not used: {exc}", err=True)
        return results
    try:
        return compare_with_index(results, archive, location.parent.parent)
    finally:
        archive.close()


def index_option(func: F) -> F:
    """The archive index, for commands that compare with it."""
    option = click.option(
        "--index",
        "index",
        default="auto",
        show_default=True,
        metavar="PATH|auto|none",
        help="Archive index to compare with (see 'hygiene index'): auto finds "
        ".hygiene/index.sqlite at or above the first input.",
    )
    return option(func)


def _stacked(
    command: Callable[..., Any], decorators: list[Callable[..., Any]]
) -> Callable[..., Any]:
    """The decorators applied as if written above the function, first on top."""
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def engine_options(func: F) -> F:
    """Where the work runs: -j worker processes, or Ray; and the progress line."""

    @functools.wraps(func)
    def wrapper(**kwargs: Any) -> Any:
        from hygiene.engine import LocalEngine, resolve_jobs

        jobs = resolve_jobs(kwargs.pop("jobs"))
        name = kwargs.pop("engine_name")
        address = kwargs.pop("ray_address")
        if name == "ray":
            from hygiene.ray_engine import EngineUnavailable, RayEngine

            try:
                engine: Engine = RayEngine(jobs, address)
            except EngineUnavailable as exc:
                raise click.UsageError(str(exc)) from exc
        else:
            engine = LocalEngine(jobs)
        try:
            return func(engine=engine, **kwargs)
        finally:
            engine.close()

    decorators = [
        click.option(
            "-j",
            "--jobs",
            type=click.IntRange(min=0),
            default=1,
            show_default=True,
            help="Worker processes, each loading the model once (0: one per core).",
        ),
        click.option(
            "--engine",
            "engine_name",
            type=click.Choice(["local", "ray"]),
            default="local",
            show_default=True,
            help="local: processes on this machine; ray: Ray Data, on a local Ray "
            "instance or the cluster at --ray-address (pip install 'hygiene[ray]').",
        ),
        click.option(
            "--ray-address",
            metavar="ADDRESS",
            help="Ray cluster to join, e.g. ray://head:10001 (default: RAY_ADDRESS, "
            "else a local instance with --jobs CPUs).",
        ),
        click.option(
            "--progress/--no-progress",
            default=None,
            help="Progress with rate and ETA on stderr (default: only on a terminal, "
            "never when CI is set).",
        ),
    ]
    return cast(F, _stacked(wrapper, decorators))


_FLAGS = {  # option parameter -> settings key
    "globs": "include",
    "text_field": "text-field",
    "id_field": "id-field",
    "select": "select",
    "ignore": "ignore",
    "max_bytes": "max-bytes",
    "time_limit": "time-limit",
    "embedder": "embedder",
    "keep": "keep",
}


def input_options(func: F) -> F:
    """Options shared by every command that reads a corpus, passed on as ``inputs``.

    Flags left out fall back to the config file, then to the defaults."""

    @functools.wraps(func)
    def wrapper(**kwargs: Any) -> Any:
        from hygiene.config import ConfigError, load_settings

        flags = {key: kwargs.pop(param) for param, key in _FLAGS.items()}
        paths = kwargs.pop("paths")
        try:
            settings = load_settings(Path.cwd(), flags)
        except ConfigError as exc:
            raise click.UsageError(str(exc)) from exc
        return func(inputs=Inputs(paths, settings), **kwargs)

    decorators = [
        click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True)),
        click.option(
            "--glob",
            "globs",
            multiple=True,
            metavar="PATTERN",
            help="File pattern to take from folders (repeatable; config: include). "
            "Default: *.txt, *.md, *.jsonl, *.jsonl.gz.",
        ),
        click.option("--text-field", help="JSONL field holding the text. Default: text."),
        click.option("--id-field", help="JSONL field holding the record id. Default: id."),
        click.option(
            "--select",
            multiple=True,
            metavar="CODE",
            help="Only these rules: codes or prefixes, e.g. HY1 or HY301 (repeatable).",
        ),
        click.option(
            "--ignore", multiple=True, metavar="CODE", help="Skip these rules (repeatable)."
        ),
        click.option(
            "--max-bytes",
            type=click.IntRange(min=1),
            help="Larger files (JSONL: records) are reported as errors, not read. Default: 20 MiB.",
        ),
        click.option(
            "--time-limit",
            type=click.FloatRange(min=0),
            metavar="SECONDS",
            help="Per-document time limit; a document past it is reported and passed "
            "through unchanged (0: none). Default: 60.",
        ),
        click.option(
            "--embedder",
            type=click.Choice(["onnx", "sentence-transformers", "none"]),
            help="Embedding backend of the off-topic rules (HY201, HY203): the fast int8 "
            "ONNX model (default), the sentence-transformers reference, or none to skip "
            "those rules.",
        ),
        click.option(
            "--keep",
            type=click.Choice(["first-path", "longest", "earliest"]),
            help="Which member of a near-duplicate cluster stays unflagged (HY311 on the "
            "others): the first by path (default), the longest, or the earliest (JSONL "
            "date field, else file time).",
        ),
    ]
    return cast(F, _stacked(wrapper, decorators))


def _check_selectors(selectors: tuple[str, ...]) -> None:
    from hygiene.rules import RULES

    for sel in selectors:
        if not any(code.startswith(sel.upper()) for code in RULES):
            raise click.BadParameter(f"{sel!r} matches no rule; see 'hygiene rule --all'")


def _print_errors(report: Report) -> None:
    for e in report.errors:
        click.echo(f"hygiene: error: {e.path}: {e.message}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="hygiene")
def cli() -> None:
    """Find and remove what does not belong in news articles and text corpora.

    hygiene splits each file into paragraphs and sentences and flags page furniture
    (bylines, timestamps, captions, calls to action, comment widgets: HY1xx),
    off-topic text (HY2xx) and repeated paragraphs (HY3xx), each with a reason and
    a score.

    \b
    Typical use:
      hygiene check articles/              # linter output, exit 1 on findings
      hygiene report corpus/ --format json -o report.json
      hygiene clean corpus/ --out cleaned/ # cleaned copies + a removal manifest
      hygiene rule HY104                   # what a rule means

    Inputs are files, folders (searched recursively for *.txt, *.md and *.jsonl), JSONL
    files (one document per line, text in the "text" field) and '-' for stdin.
    Unreadable, binary, non-UTF-8 or empty inputs are reported by name; the run
    goes on and exits with 2.
    """


@cli.command()
@input_options
@index_option
@engine_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "concise", "html", "sarif", "markdown"]),
    default="text",
    show_default=True,
    help="text: grouped per file with a summary table (colour on a terminal); json: the "
    "hygiene/1 contract; concise: one line per finding; html: one self-contained page; "
    "sarif: SARIF 2.1.0 for code-scanning tools; markdown: for a pull request.",
)
@click.option(
    "--statistics",
    is_flag=True,
    help="Only the counts per rule (text and markdown formats).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    help="Write the report here instead of stdout.",
)
def report(
    inputs: Inputs,
    index: str,
    engine: Engine,
    progress: bool | None,
    fmt: str,
    statistics: bool,
    output: str,
) -> None:
    """Report findings per file and a corpus summary.

    \b
    Exit codes: 0 report written, 2 some inputs could not be read.
    Examples:
      hygiene report fixtures/corpus
      hygiene report --statistics archive/
      hygiene report --format html archive/ -o report.html
      hygiene report --format sarif archive/ -o hygiene.sarif
      hygiene report --format json archive/ -o report.json
      hygiene report -j 0 corpus.jsonl.gz --format json -o report.json
    """
    from hygiene.render import render

    rep = inputs.report(None if index == "none" else index, engine, progress)
    _print_errors(rep)
    to_terminal = output == "-" and sys.stdout.isatty()
    text = render(rep, fmt, color=to_terminal, statistics=statistics)
    _write_output(output, text)
    sys.exit(EXIT_ERROR if rep.errors else EXIT_OK)


@cli.command()
@input_options
@index_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["concise", "full", "json", "github"]),
    help="concise: path:line:col: CODE message (default); full: with the reason and the "
    "flagged text; json: the hygiene/1 report; github: workflow annotations.",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False),
    help="Fail only on findings that are not in this baseline file (config: baseline).",
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False),
    help="Record today's findings in FILE (by content, stable when lines move) and exit 0.",
)
@click.option("--fix", is_flag=True, help="Remove fixable findings from the files, atomically.")
@click.option("--diff", is_flag=True, help="Show what --fix would remove; change nothing.")
@click.option(
    "--fail-on",
    type=click.Choice(["info", "warning", "error"]),
    help="Lowest severity that fails the run (default warning: any finding).",
)
@click.option(
    "--min-severity",
    type=click.Choice(["info", "warning", "error"]),
    help="Lowest severity shown (default info: everything).",
)
def check(
    inputs: Inputs,
    index: str,
    fmt: str | None,
    baseline: str | None,
    write_baseline: str | None,
    fix: bool,
    diff: bool,
    fail_on: str | None,
    min_severity: str | None,
) -> None:
    """Lint files: one 'path:line:col: CODE message' line per finding.

    New and changed files are compared with the archive index when there is one
    (see 'hygiene index'). Settings come from [tool.hygiene] in pyproject.toml,
    hygiene.toml or .hygiene.toml; flags win ('hygiene config show').

    \b
    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 inputs could not be read.
    Examples:
      hygiene check --select HY1 articles/2024/*.txt
      hygiene check --write-baseline .hygiene-baseline.json archive/   # adopt on old junk
      hygiene check --baseline .hygiene-baseline.json archive/         # fail on new only
      hygiene check --diff story.md      # what --fix would cut
    """
    from hygiene.config import SEVERITIES, ConfigError
    from hygiene.render.text import render_findings
    from hygiene.rules import RULES

    settings = inputs.settings
    try:
        settings.override("output-format", fmt)
        settings.override("fail-on", fail_on)
        settings.override("min-severity", min_severity)
        settings.override("baseline", baseline)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    rep = inputs.report(None if index == "none" else index)
    if write_baseline:
        from hygiene.suppress import write_baseline as write

        n = write(rep.files, Path(write_baseline), settings.root)
        click.echo(f"Wrote {n} findings to baseline {write_baseline}.", err=True)
        _print_errors(rep)
        sys.exit(EXIT_ERROR if rep.errors else EXIT_OK)
    if settings["baseline"]:
        from hygiene.suppress import load_baseline, without_baseline

        where = Path(settings["baseline"])
        if settings.sources["baseline"] != "command line":
            where = settings.root / where  # a config file's path is relative to the file
        try:
            known = load_baseline(where)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from exc
        rep.files = without_baseline(rep.files, known, settings.root)
    if diff or fix:
        rep.files = _fix_or_diff(rep.files, write=fix)
    click.echo(render_findings(rep, settings["output-format"]), nl=False)
    _print_errors(rep)
    floor = SEVERITIES.index(settings["fail-on"])
    failing = [
        f
        for r in rep.files
        for f in r.findings
        if SEVERITIES.index(RULES[f.code].severity) >= floor
    ]
    n = rep.n_findings
    if n and settings["output-format"] in ("concise", "full"):
        files = sum(1 for r in rep.files if r.findings)
        click.echo(
            f"Found {n} finding{'s' * (n != 1)} in {files} file{'s' * (files != 1)}.", err=True
        )
    sys.exit(EXIT_ERROR if rep.errors else EXIT_FINDINGS if failing else EXIT_OK)


def _fix_or_diff(results: Sequence[FileResult], write: bool) -> list[FileResult]:
    """Print the diff of each fixable file, or rewrite it; returns what is left to report."""
    import difflib

    from hygiene.clean import apply_removals, plan_removals
    from hygiene.pipeline import FileResult
    from hygiene.read import STDIN
    from hygiene.writer import atomic_write

    left = []
    for r in results:
        doc = r.doc
        removals = plan_removals(doc.text, r.findings)
        if not removals or doc.record is not None or doc.path in (STDIN, "<stdin>"):
            left.append(r)
            continue
        cleaned = apply_removals(doc.text, removals)
        if write:
            atomic_write(doc.path, cleaned, bom=doc.bom)  # keeps the file's mode
            fixed = {id(x.finding) for x in removals}
            left.append(FileResult(doc, [f for f in r.findings if id(f) not in fixed]))
            click.echo(f"{doc.path}: fixed {len(fixed)} finding(s)", err=True)
        else:
            lines = difflib.unified_diff(
                doc.text.splitlines(keepends=True),
                cleaned.splitlines(keepends=True),
                fromfile=f"a/{doc.path}",
                tofile=f"b/{doc.path}",
            )
            click.echo("".join(lines), nl=False)
            left.append(r)
    return left


@cli.command()
@input_options
@engine_options
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder for cleaned copies and hygiene-manifest.jsonl (must be outside the inputs).",
)
@click.option(
    "--annotate",
    is_flag=True,
    help="Give each cleaned JSONL record a 'hygiene' field with its findings (offsets "
    "into the input text).",
)
@click.option(
    "--restart",
    is_flag=True,
    help="Discard an unfinished job in OUT and start again (default: resume it).",
)
def clean(
    inputs: Inputs,
    engine: Engine,
    progress: bool | None,
    out_dir: str,
    annotate: bool,
    restart: bool,
) -> None:
    """Write cleaned copies of the inputs and a manifest of every removal.

    Two passes: the first sketches every document and decides what needs the
    whole corpus (near-duplicate clusters, paragraphs repeated across documents);
    the second cleans each document and writes it. Memory stays flat whatever the
    corpus size, apart from the near-duplicate sketches.

    Each cleaned file lands under OUT with the same relative path; JSONL(.gz)
    records keep their other fields. Near-duplicates (HY311) are left out but for
    the copy the --keep policy keeps. OUT/hygiene-manifest.jsonl has one record per
    action: "removed" spans (offsets, lines, rule, reason, the removed text),
    "dropped" duplicates (with their text), "skipped" inputs and documents
    "copied" unchanged (time limit), so nothing is lost. Inputs are never written.

    A job that is interrupted (Ctrl-C, kill -9, a crash) resumes where it stopped
    when the same command is run again, and ends with the same output.

    \b
    Exit codes: 0 done, 2 some inputs could not be read, analysed or written.
    Examples:
      hygiene clean archive/ --out archive-clean/ --ignore HY108
      hygiene clean -j 0 shards/*.jsonl.gz --out clean/ --annotate
      hygiene clean --engine ray --ray-address ray://head:10001 corpus/ --out clean/
    """
    from hygiene.job import InputsChanged, run_clean
    from hygiene.state import JobMismatch
    from hygiene.writer import OutputConflict

    def report_error(error: ReadError) -> None:
        click.echo(f"hygiene: error: {error.path}: {error.message}", err=True)

    from hygiene.work import preflight

    spec = inputs.spec()
    preflight(spec)
    try:
        outcome = run_clean(
            engine,
            inputs.paths,
            spec,
            out_dir,
            text_field=inputs.text_field,
            annotate=annotate,
            restart=restart,
            progress=progress,
            postprocess=inputs.suppressed,
            on_error=report_error,
            key_extra={"suppress": repr(inputs.settings["per-file-ignores"])},
        )
    except (OutputConflict, JobMismatch, InputsChanged) as exc:
        raise click.UsageError(str(exc)) from exc
    stats = outcome.stats
    resumed = " (resumed)" if outcome.resumed else ""
    click.echo(
        f"Cleaned {stats.files} documents into {out_dir}{resumed}: removed {stats.removals} "
        f"spans ({stats.removed_chars} characters), dropped {stats.dropped} near-duplicates, "
        f"{outcome.errors} errors; manifest {Path(out_dir) / 'hygiene-manifest.jsonl'}",
        err=True,
    )
    sys.exit(EXIT_ERROR if outcome.errors else EXIT_OK)


@cli.group()
def config() -> None:
    """Inspect settings: defaults < config file < flags."""


@config.command("show")
def config_show() -> None:
    """Print every resolved setting and where it came from."""
    from hygiene.config import ConfigError, load_settings, render

    try:
        click.echo(render(load_settings(Path.cwd())), nl=False)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc


@cli.group()
def index() -> None:
    """Keep a near-duplicate index of an archive in ARCHIVE/.hygiene/index.sqlite.

    With an index, 'hygiene check' compares the files it is given with the whole
    archive (HY311 near-duplicates, HY109 paragraphs repeated across the archive)
    at a cost that grows with the files checked, not with the archive. Add
    '.hygiene/' to the archive's .gitignore.
    """


def _sync(archive: str, rebuild: bool) -> None:
    from pathlib import Path

    from hygiene.index import IndexMismatch, index_path, sync

    root = Path(archive)
    if not root.is_dir():
        raise click.BadParameter(f"{archive} is not a folder", param_hint="ARCHIVE")
    try:
        stats, errors = sync(root, rebuild=rebuild)
    except IndexMismatch as exc:
        raise click.UsageError(str(exc)) from exc
    for line in errors:
        click.echo(f"hygiene: error: {line}", err=True)
    click.echo(
        f"{index_path(root)}: {stats.added} added, {stats.updated} updated, "
        f"{stats.removed} removed, {stats.unchanged} unchanged, {stats.errors} unreadable"
    )
    sys.exit(EXIT_ERROR if errors else EXIT_OK)


@index.command("build")
@click.argument("archive", type=click.Path(exists=True, file_okay=False))
@click.option("--force", is_flag=True, help="Start from scratch, discarding an existing index.")
def index_build(archive: str, force: bool) -> None:
    """Index every article under ARCHIVE (an existing index is brought up to date)."""
    _sync(archive, rebuild=force)


@index.command("update")
@click.argument("archive", type=click.Path(exists=True, file_okay=False))
def index_update(archive: str) -> None:
    """Add new, re-index changed and drop deleted articles, without a rebuild."""
    _sync(archive, rebuild=False)


@cli.command()
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every rule.")
def rule(code: str | None, show_all: bool) -> None:
    """Explain a rule code, e.g. 'hygiene rule HY104', or list them with --all."""
    from hygiene.rules import RULES, get_rule

    if show_all or code is None:
        for r in RULES.values():
            click.echo(f"{r.code}  {r.name:<20} {r.category.value:<14} {r.summary}")
        return
    found = get_rule(code)
    if found is None:
        raise click.BadParameter(
            f"unknown rule {code!r}; see 'hygiene rule --all'", param_hint="CODE"
        )
    click.echo(f"{found.code} ({found.name})\n")
    click.echo(f"Category: {found.category.value}")
    click.echo(f"Fixable:  {'yes, by hygiene clean' if found.fixable else 'no'}\n")
    click.echo(f"{found.summary}.\n")
    click.echo(found.explanation)


def _write_output(output: str, text: str) -> None:
    if output == "-":
        sys.stdout.write(text)
        return
    from hygiene.writer import atomic_write

    atomic_write(output, text)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run the CLI and return its exit code."""
    try:
        cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="hygiene",
            standalone_mode=False,
        )
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_ERROR
    except SetupError as exc:  # a model file or backend missing: one line, no traceback
        click.echo(f"hygiene: error: {exc}", err=True)
        return EXIT_ERROR
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_ERROR
    except BrokenPipeError:
        return EXIT_OK
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
