"""The errors that stop a whole run: one line on stderr and exit 2, never a traceback.

An error of one input (unreadable, too large, not text) is a ``ReadError`` and
the run goes on. What is raised here is about the environment instead: a model
missing, the output folder read-only or full, another job holding the lock, an
index that cannot be read. Whatever a job had written stays whole, so the same
command resumes it once the cause is fixed.
"""

from __future__ import annotations


class RunError(Exception):
    """Stops the run: the command prints ``hygiene: error: <message>`` and exits 2."""


class OutputUnavailable(RunError):
    """The output cannot be written: a read-only or full file system, a path under
    a regular file, a symbolic link where a folder is expected."""


def describe(exc: OSError) -> str:
    """An OSError as a short phrase: its message without the errno number."""
    return exc.strerror or str(exc)
