"""The ``hygiene`` command line: the group, its subcommands, and ``main``.

Each subcommand lives in ``hygiene.commands``; heavy modules (models,
embeddings) are imported inside the commands that need them, so
``hygiene --help`` stays instant.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence

import click

from hygiene import __version__
from hygiene.commands.check import check
from hygiene.commands.clean import clean
from hygiene.commands.config import config
from hygiene.commands.index import index
from hygiene.commands.options import EXIT_ERROR, EXIT_OK
from hygiene.commands.report import report
from hygiene.commands.rule import rule
from hygiene.errors import RunError


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


for command in (check, report, clean, rule, index, config):
    cli.add_command(command)


# numpy's BLAS starts a thread per core and leaves them spinning after each
# small matrix product: a third of the CPU of a run, for no wall time, and taken
# from the embedding model. The processes of -j are the parallelism instead.
# The tokenizer's thread pool likewise: a document's few texts gain nothing from it,
# and a pool used before a fork makes the child warn on stderr.
_ONE_THREAD = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def one_math_thread() -> None:
    """One BLAS and tokenizer thread for this process and its workers, unless the user
    chose otherwise; set before numpy and tokenizers load (they load lazily, after this)."""
    for name, value in _ONE_THREAD.items():
        os.environ.setdefault(name, value)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run the CLI and return its exit code. Every failure is one line
    on stderr and an exit code, never a traceback ($HYGIENE_DEBUG=1 shows it)."""
    for stream in (sys.stdout, sys.stderr):  # a name that was not UTF-8: escaped, not a crash
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    one_math_thread()
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
    except RunError as exc:  # a model missing, --out full or locked: one line, no traceback
        click.echo(f"hygiene: error: {exc}", err=True)
        return EXIT_ERROR
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_ERROR
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug: said in one line, with where, and exit 2 (not 1)
        if os.environ.get("HYGIENE_DEBUG"):
            raise
        click.echo(f"hygiene: internal error: {_where(exc)}", err=True)
        return EXIT_ERROR
    return EXIT_OK


def _where(exc: BaseException) -> str:
    frame = traceback.extract_tb(exc.__traceback__)[-1:] or None
    place = f" at {os.path.basename(frame[0].filename)}:{frame[0].lineno}" if frame else ""
    return f"{type(exc).__name__}: {exc}{place} (set HYGIENE_DEBUG=1 for the traceback)"


if __name__ == "__main__":
    sys.exit(main())
