"""``hygiene config show``: every resolved setting and where it came from."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
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
