"""Decisions across documents: MinHash near-duplicate clusters, paragraphs repeated
across documents, and the persistent archive index they are also checked against."""
