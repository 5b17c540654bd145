"""estimation: how coefficients and their uncertainty are computed.

The one estimator wrapper (:mod:`~clusterstudy.estimation.models`: OLS of log rates and
Poisson PML of counts, clustered and wild-bootstrap inference, tidy results) and batched
estimation of many specifications at once (:mod:`~clusterstudy.estimation.batchfit`, and the
multiverse engine :mod:`~clusterstudy.estimation.multiverse` with its null draws); the panel
(:mod:`~clusterstudy.estimation.panel`), errors-in-variables by instrumental variables
(:mod:`~clusterstudy.estimation.iv`, ORIV) and sensitivity to confounding
(:mod:`~clusterstudy.estimation.sensitivity`).
Knows nothing of Europe, the U.S. or China.

May import: :mod:`clusterstudy.core`, :mod:`clusterstudy.data`, :mod:`clusterstudy.measures`.
"""
