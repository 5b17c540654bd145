"""core: the foundation every layer may use.

Holds where things live (:mod:`~clusterstudy.core.paths`), atomic file writes
(:mod:`~clusterstudy.core.atomic`), the one bad-input error ``DataError``
(:mod:`~clusterstudy.core.errors`, standard library only), the one schema checker
(:mod:`~clusterstudy.core.validate`) and the one way numbers are written in prose
(:mod:`~clusterstudy.core.prose`).

May import: nothing of the package (standard library and third-party packages only).
"""
