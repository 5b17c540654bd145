"""analyses: one module per question the compendium asks of the data.

European regions (:mod:`~clusterstudy.analyses.europe` and its specification curve
:mod:`~clusterstudy.analyses.speccurve`), U.S. states and CBSAs
(:mod:`~clusterstudy.analyses.us_regions`), Chinese resource cities
(:mod:`~clusterstudy.analyses.china_cities`), Meng & Forman's cases
(:mod:`~clusterstudy.analyses.resource_cities`) and the qualitative evidence of the seeds
(:mod:`~clusterstudy.analyses.qualitative`). Each builds its sample from the data layer,
its measures from the measures layer and fits through the estimation layer.

May import: :mod:`clusterstudy.core`, :mod:`~clusterstudy.data`, :mod:`~clusterstudy.measures`,
:mod:`~clusterstudy.estimation`.
"""
