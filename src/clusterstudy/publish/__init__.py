"""publish: what readers see.

The one figure theme and saver (:mod:`~clusterstudy.publish.figures`) with the plot builders
(:mod:`~clusterstudy.publish.plots`, :mod:`~clusterstudy.publish.specplots`), the one table
writer (:mod:`~clusterstudy.publish.tables`) and the records of every output
(:mod:`~clusterstudy.publish.outputs`); the results manifest
(:mod:`~clusterstudy.publish.manifest`), the claims ledger (:mod:`~clusterstudy.publish.claims`),
the README's findings (:mod:`~clusterstudy.publish.findings`) and the book
(:mod:`~clusterstudy.publish.report`).

May import: every layer below (core, data, measures, estimation, analyses).
"""
