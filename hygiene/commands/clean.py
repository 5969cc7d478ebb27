"""``hygiene clean``: cleaned copies of a corpus and a manifest of every removal,
in two passes, parallel and resumable."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from hygiene.commands.options import (
    EXIT_ERROR,
    EXIT_OK,
    Inputs,
    engine_options,
    input_options,
    print_errors,
)

if TYPE_CHECKING:
    from hygiene.batch.engines import Engine


@click.command()
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
    from hygiene.batch.job import InputsChanged, run_clean
    from hygiene.batch.state import JobMismatch
    from hygiene.batch.worker import preflight
    from hygiene.batch.writer import OutputConflict

    spec = inputs.spec()
    preflight(spec)
    try:
        outcome = run_clean(
            engine,
            inputs.paths,
            spec,
            out_dir,
            text_field=spec.read.text_field,
            annotate=annotate,
            restart=restart,
            progress=progress,
            on_error=lambda error: print_errors([error]),
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
