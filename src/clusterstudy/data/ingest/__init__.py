"""Ingest: read the source-data mirror in its real formats and write tidy, typed extracts.

``python -m clusterstudy extracts`` (``make extracts``, :mod:`.rebuild`) rebuilds every extract in ``data/extracts/``
from the mirror (``CLUSTERS_MIRROR``, default ``../shared/data``), validates each against its
schema, moves them into place only when all succeeded, and rewrites ``data/datapackage.json``.
"""
