"""``hygiene index build|update``: the near-duplicate index of an archive."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hygiene.commands.options import EXIT_ERROR, EXIT_OK, near_duplicate_options


@click.group()
def index() -> None:
    """Keep a near-duplicate index of an archive in ARCHIVE/.hygiene/index.sqlite.

    With an index, 'hygiene check' compares the files it is given with the whole
    archive (HY311 near-duplicates, HY109 paragraphs repeated across the archive)
    at a cost that grows with the files checked, not with the archive. The
    near-duplicate settings of the config file apply. Add '.hygiene/' to the
    archive's .gitignore.
    """


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


def _sync(archive: str, rebuild: bool) -> None:
    from hygiene.config import ConfigError, load_settings
    from hygiene.corpus.index import IndexMismatch, index_path, sync

    root = Path(archive)
    try:
        options = near_duplicate_options(load_settings(Path.cwd()))
        stats, errors = sync(root, options, rebuild=rebuild)
    except (IndexMismatch, ConfigError) as exc:
        raise click.UsageError(str(exc)) from exc
    for line in errors:
        click.echo(f"hygiene: error: {line}", err=True)
    click.echo(
        f"{index_path(root)}: {stats.added} added, {stats.updated} updated, "
        f"{stats.removed} removed, {stats.unchanged} unchanged, {stats.errors} unreadable"
    )
    sys.exit(EXIT_ERROR if errors else EXIT_OK)
