"""The benchmark suite: ``make bench`` (``python -m bench``) measures and writes RESULTS.md."""
