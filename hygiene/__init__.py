"""hygiene: find and remove what does not belong in news archives and text corpora.

The packages follow the data flow (read -> segment -> score -> decide -> render /
fix); README.md's "How it works" maps each stage to its module.
"""

__version__ = "0.1.0"
