"""report: the documents made after the build, from what the notebooks wrote.

The results manifest (:mod:`~clusterstudy.report.manifest`), the maker of each output
(:mod:`~clusterstudy.report.makers`), the README's findings (:mod:`~clusterstudy.report.findings`),
the book (:mod:`~clusterstudy.report.book` with its pages, ledger page and site check) and the
replication package (:mod:`~clusterstudy.report.replication`). Nothing here runs inside a notebook.

May import: every layer below (core, data, measures, estimation, analyses, publish).
"""
