"""``hygiene report``: findings per file and a corpus summary, in a format for people
(text, HTML, Markdown) or machines (JSON, SARIF, concise)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from hygiene.commands.options import (
    EXIT_ERROR,
    EXIT_OK,
    Inputs,
    engine_options,
    index_option,
    input_options,
    print_errors,
    write_output,
)

if TYPE_CHECKING:
    from hygiene.batch.engines import Engine


@click.command()
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
    from hygiene.batch.job import run_report
    from hygiene.batch.worker import preflight
    from hygiene.render import chunks

    spec = inputs.spec(None if index == "none" else index)
    preflight(spec)
    rep = run_report(engine, inputs.paths, spec, progress=progress)
    print_errors(rep.errors)
    to_terminal = output == "-" and sys.stdout.isatty()
    write_output(output, chunks(rep, fmt, color=to_terminal, statistics=statistics))
    sys.exit(EXIT_ERROR if rep.errors else EXIT_OK)
