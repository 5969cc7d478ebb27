"""hygiene: find and remove what does not belong in news archives and text corpora."""

__version__ = "0.1.0"
