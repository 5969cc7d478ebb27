"""What the commands share: the corpus options, the engine options, and the job
they make (defaults < config file < flags, resolved once into a ``JobSpec``).

Kept light: heavy modules are imported inside the functions that need them, so
``hygiene --help`` stays instant.
"""

from __future__ import annotations

import functools
import sqlite3
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

if TYPE_CHECKING:
    from hygiene.batch.engines import Engine
    from hygiene.batch.worker import JobSpec
    from hygiene.config import Settings
    from hygiene.corpus.neardup import NearDupOptions
    from hygiene.document import ReadError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


@dataclass(frozen=True)
class Inputs:
    """The paths to read and the resolved settings (defaults < config file < flags)."""

    paths: tuple[str, ...]
    settings: Settings

    def spec(self, index: str | None = None) -> JobSpec:
        """The job these inputs and settings make: what every worker needs, picklable.
        ``index``: the archive index to compare with (``auto``, a path, or None)."""
        from hygiene.batch.worker import JobSpec
        from hygiene.corpus.decisions import CorpusOptions
        from hygiene.read import ReadOptions
        from hygiene.suppress import Suppression

        settings = self.settings
        select, ignore = tuple(settings["select"]), tuple(settings["ignore"])
        check_selectors(select + ignore)
        read = ReadOptions(
            globs=tuple(settings["include"]),
            text_field=settings["text-field"],
            id_field=settings["id-field"],
            max_bytes=settings["max-bytes"],
            max_input_bytes=settings["max-input-bytes"],
            max_records=settings["max-records"],
            exclude=tuple(settings["exclude"]),
            root=str(settings.root),
        )
        corpus = CorpusOptions(
            near_duplicate_options(settings),
            min_documents=settings["repeated-min-documents"],
            include=select,
            exclude=ignore,
            index=self._archive(index, select, ignore),
        )
        suppress = Suppression.from_table(
            settings["min-severity"], settings["per-file-ignores"], settings.root
        )
        return JobSpec(
            embedding_cache=embedding_cache(settings, corpus.index),
            read=read,
            include=select,
            exclude=ignore,
            embedder=settings["embedder"],
            corpus=corpus,
            suppress=suppress,
            time_limit=float(settings["time-limit"]),
        )

    def _archive(
        self, index: str | None, select: tuple[str, ...], ignore: tuple[str, ...]
    ) -> str | None:
        """The archive index to use: ``auto`` finds the nearest above the first input.
        One that cannot be used is said, not fatal: the run goes on without it."""
        from hygiene.corpus.index import ArchiveIndex, IndexMismatch, find_index
        from hygiene.decide import selected

        if index is None or not self.paths:
            return None
        if not any(selected(code, select, ignore) for code in ("HY311", "HY109")):
            return None
        location = find_index(Path(self.paths[0])) if index == "auto" else Path(index)
        if location is None:
            return None
        try:
            ArchiveIndex(location, near_duplicate_options(self.settings)).close()
        except (IndexMismatch, OSError, sqlite3.Error) as exc:
            click.echo(f"hygiene: warning: archive index not used: {exc}", err=True)
            return None
        return str(location)


def embedding_cache(settings: Settings, index: str | None) -> str | None:
    """The vector cache file: as configured, else beside the archive index in use."""
    configured = settings["embedding-cache"]
    if configured == "none" or settings["embedder"] == "none":
        return None
    if configured:  # relative to the config file's folder, or to here for a flag
        from_flag = settings.sources["embedding-cache"] == "command line"
        return str((Path.cwd() if from_flag else settings.root) / configured)
    return str(Path(index).parent / "embeddings.sqlite") if index else None


def near_duplicate_options(settings: Settings) -> NearDupOptions:
    from hygiene.corpus.neardup import NearDupOptions

    return NearDupOptions(
        threshold=settings["near-duplicate-threshold"],
        min_containment=settings["near-duplicate-containment"],
        keep=settings["keep"],
    )


def check_selectors(selectors: tuple[str, ...]) -> None:
    from hygiene.rules import RULES

    for sel in selectors:
        if not any(code.startswith(sel.upper()) for code in RULES):
            raise click.BadParameter(f"{sel!r} matches no rule; see 'hygiene rule --all'")


def print_errors(errors: list[ReadError]) -> None:
    from hygiene.text import printable

    for e in errors:
        click.echo(f"hygiene: error: {printable(e.path)}: {e.message}", err=True)


def write_output(output: str, text: str | Iterable[str]) -> None:
    """The report, whole or in pieces, to stdout, or to a file: replaced atomically
    when it is a regular file, written in place when it is a device or a FIFO
    (``-o /dev/null``)."""
    pieces = [text] if isinstance(text, str) else text
    if output == "-":
        for piece in pieces:
            sys.stdout.write(piece)
        return
    from hygiene.atomic import write_pieces
    from hygiene.errors import OutputUnavailable, describe

    try:
        write_pieces(output, pieces)
    except OSError as exc:
        raise OutputUnavailable(f"cannot write {output}: {describe(exc)}") from exc


def stacked(
    command: Callable[..., Any], decorators: list[Callable[..., Any]]
) -> Callable[..., Any]:
    """The decorators applied as if written above the function, first on top."""
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


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


def engine_options(func: F) -> F:
    """Where the work runs: -j worker processes, or Ray; and the progress line."""

    @functools.wraps(func)
    def wrapper(**kwargs: Any) -> Any:
        from hygiene.batch.engines import EngineUnavailable

        jobs, name = kwargs.pop("jobs"), kwargs.pop("engine_name")
        try:
            engine = make_engine(name, jobs, kwargs.pop("ray_address"))
        except EngineUnavailable as exc:
            raise click.UsageError(str(exc)) from exc
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
    return cast(F, stacked(wrapper, decorators))


def make_engine(name: str, jobs: int, address: str | None = None) -> Engine:
    """The engine a command asked for, with ``jobs`` workers (0: one per core)."""
    from hygiene.batch.engines import resolve_jobs

    jobs = resolve_jobs(jobs)
    if name == "ray":
        from hygiene.batch.engines.ray import RayEngine

        return RayEngine(jobs, address)
    from hygiene.batch.engines.local import LocalEngine

    return LocalEngine(jobs)


_FLAGS = {  # option parameter -> settings key
    "globs": "include",
    "text_field": "text-field",
    "id_field": "id-field",
    "select": "select",
    "ignore": "ignore",
    "max_bytes": "max-bytes",
    "max_input_bytes": "max-input-bytes",
    "max_records": "max-records",
    "time_limit": "time-limit",
    "embedder": "embedder",
    "embedding_cache": "embedding-cache",
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
            "--max-input-bytes",
            type=click.IntRange(min=1),
            metavar="BYTES",
            help="What one JSONL(.gz) input may expand to; the rest of a larger one is "
            "reported, not read. Default: 8 GiB.",
        ),
        click.option(
            "--max-records",
            type=click.IntRange(min=1),
            metavar="N",
            help="Records read from one JSONL(.gz) input; the rest is reported, not read. "
            "Default: 1,000,000.",
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
            help="Embedding backend of the line model (HY1xx) and the off-topic rules "
            "(HY201, HY203): the fast int8 ONNX model (default), the sentence-transformers "
            "reference, or none: the line model trained without embedding features, and "
            "no off-topic rules.",
        ),
        click.option(
            "--embedding-cache",
            metavar="PATH",
            help="SQLite file that keeps sentence vectors between runs, so text seen "
            "before is not embedded again ('none': off). Default: .hygiene/embeddings.sqlite "
            "beside the archive index when one is used, else off.",
        ),
        click.option(
            "--keep",
            type=click.Choice(["first-path", "longest", "earliest"]),
            help="Which member of a near-duplicate cluster stays unflagged (HY311 on the "
            "others): the first by path (default), the longest, or the earliest (JSONL "
            "date field, else file time).",
        ),
    ]
    return cast(F, stacked(wrapper, decorators))
