"""measures: what a region's industrial structure is, as numbers.

The one vocabulary of measures (:mod:`~clusterstudy.measures.catalogue`) and the
specialisation, concentration, cluster (star) and variety indices computed from a region x
sector employment matrix (:mod:`~clusterstudy.measures.indices`). Pure functions of their
arguments: no file is read here.

May import: :mod:`clusterstudy.core`, :mod:`clusterstudy.data`.
"""
