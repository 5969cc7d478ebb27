"""Batch jobs over a corpus: two passes (sketch, then analyse) on an engine, in
parallel and resumable, with the clean writer and the report spool as consumers."""
