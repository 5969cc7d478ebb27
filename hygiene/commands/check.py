"""``hygiene check``: lint files, one 'path:line:col: CODE message' line per finding,
for a pre-commit hook or CI; baselines, --fix and --diff."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from hygiene.commands.options import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_OK,
    Inputs,
    index_option,
    input_options,
    print_errors,
)
from hygiene.config import Settings
from hygiene.document import FileResult, ReadError


@click.command()
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
    from hygiene.batch.engines.local import LocalEngine
    from hygiene.batch.job import run_report
    from hygiene.batch.worker import preflight
    from hygiene.config import ConfigError
    from hygiene.errors import OutputUnavailable, describe
    from hygiene.render.text import render_findings

    settings = inputs.settings
    try:
        for key, value in (
            ("output-format", fmt),
            ("fail-on", fail_on),
            ("min-severity", min_severity),
            ("baseline", baseline),
        ):
            settings.override(key, value)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    spec = inputs.spec(None if index == "none" else index)
    preflight(spec)
    rep = run_report(LocalEngine(1), inputs.paths, spec)
    if write_baseline:
        from hygiene.suppress import write_baseline as write

        try:
            n = write(rep.files, Path(write_baseline), settings.root)
        except OSError as exc:
            raise OutputUnavailable(f"cannot write {write_baseline}: {describe(exc)}") from exc
        click.echo(f"Wrote {n} findings to baseline {write_baseline}.", err=True)
        print_errors(rep.errors)
        sys.exit(EXIT_ERROR if rep.errors else EXIT_OK)
    if settings["baseline"]:
        rep.files = _without_baseline(rep.files, settings)
    if diff or fix:
        rep.files = _fix_or_diff(rep.files, write=fix, errors=rep.errors)
    click.echo(render_findings(rep, settings["output-format"]), nl=False)
    print_errors(rep.errors)
    n = rep.n_findings
    if n and settings["output-format"] in ("concise", "full"):
        n_files = sum(1 for r in rep.files if r.findings)
        click.echo(
            f"Found {n} finding{'s' * (n != 1)} in {n_files} file{'s' * (n_files != 1)}.",
            err=True,
        )
    failing = _failing(rep.files, settings["fail-on"])
    sys.exit(EXIT_ERROR if rep.errors else EXIT_FINDINGS if failing else EXIT_OK)


def _without_baseline(files: Sequence[FileResult], settings: Settings) -> list[FileResult]:
    from hygiene.suppress import load_baseline, without_baseline

    where = Path(settings["baseline"])
    if settings.sources["baseline"] != "command line":
        where = settings.root / where  # a config file's path is relative to the file
    try:
        known = load_baseline(where)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    return without_baseline(files, known, settings.root)


def _fix_or_diff(
    results: Sequence[FileResult], write: bool, errors: list[ReadError]
) -> list[FileResult]:
    """Print the diff of each fixable file, or rewrite it; returns what is left to
    report. A file that cannot be rewritten is an error of its own (in ``errors``)."""
    from hygiene.errors import describe
    from hygiene.fix import fix_in_place, fixable_in_place, unified_diff
    from hygiene.text import printable

    left = []
    for r in results:
        removals = fixable_in_place(r)
        if not removals:
            left.append(r)
        elif write:
            try:
                left.append(fix_in_place(r, removals))
            except OSError as exc:
                errors.append(ReadError(r.doc.path, f"cannot fix: {describe(exc)}"))
                left.append(r)
                continue
            click.echo(f"{printable(r.doc.path)}: fixed {len(removals)} finding(s)", err=True)
        else:
            click.echo(unified_diff(r, removals), nl=False)
            left.append(r)
    return left


def _failing(files: Sequence[FileResult], fail_on: str) -> bool:
    from hygiene.config import SEVERITIES
    from hygiene.rules import RULES

    floor = SEVERITIES.index(fail_on)
    return any(SEVERITIES.index(RULES[f.code].severity) >= floor for r in files for f in r.findings)
