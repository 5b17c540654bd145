"""data: everything that reads, checks and describes the inputs.

The mirror is read by :mod:`~clusterstudy.data.ingest` into tidy extracts (``data/extracts/``),
which :mod:`~clusterstudy.data.extracts` loads; the hand-encoded seed tables are loaded by
:mod:`~clusterstudy.data.seeds` and their reference lists parsed by
:mod:`~clusterstudy.data.references` (written as BibTeX by :mod:`~clusterstudy.data.bibtex`).
:mod:`~clusterstudy.data.provenance` keeps the sha256 and licence of every file,
:mod:`~clusterstudy.data.coverage` says what the data hold, :mod:`~clusterstudy.data.us_patents`
aggregates county patents to states and CBSAs and :mod:`~clusterstudy.data.download` fetches
the Eurostat tables from the producer.

May import: :mod:`clusterstudy.core`.
"""
