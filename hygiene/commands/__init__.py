"""The subcommands, one module each, and the options they share (``options``).

Each module defines one click command (or group) over the library: it turns
flags and settings into a job, runs it, and renders or writes what came out.
"""
