"""The query language in a few lines: the CLI's `search --help`, the window's help and
the README show this text (a module of its own, so that `--help` loads nothing else)."""

QUERY_HELP = """\
query language:
  words and "phrases"     in title, authors, abstract, note and tags (stemmed: autoencoders
                          finds autoencoder); ranked by relevance (BM25F)
  AND OR NOT ( ) -word    booleans (upper case); juxtaposition means AND
  word* word~ word~2      prefix (3+ letters, not stemmed); typo-tolerant word
  title: author: abstract: note:        one text field, e.g. author:barez title:(sae OR lora)
  tag:NAME category:CL    exact tag / category (case-insensitive; tag:rl* for a prefix)
  year:2024 year:>=2024 year:2023..2025 date:2025-05 date:>=2025-05-01
  rating:>=4 rating:4..5 score:>=90     comparisons > >= < <= and ranges A..B
  is:starred is:new is:kept is:dismissed is:rated is:unrated
  has:code has:note has:tags has:rating
field names are case-insensitive; an empty query or only filters lists by date, newest first.
"""
