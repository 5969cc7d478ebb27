"""``hygiene rule``: what a rule code means, or every rule."""

from __future__ import annotations

import click


@click.command()
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
