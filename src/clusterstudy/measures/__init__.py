"""measures: what a region's industrial structure is, as numbers.

Specialisation, concentration, cluster (star) and variety indices computed from a region x
sector employment matrix (:mod:`~clusterstudy.measures.indices`). Pure functions of their
arguments: no file is read here.

May import: :mod:`clusterstudy.core`, :mod:`clusterstudy.data`.
"""
