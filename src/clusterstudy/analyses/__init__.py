"""analyses: one module per question the compendium asks of the data.

European regions (the sample :mod:`~clusterstudy.analyses.eu_sample`, its models
:mod:`~clusterstudy.analyses.eu_models`, designs, constructs, the traded sets
(:mod:`~clusterstudy.analyses.eu_traded_sets`), one country left out
(:mod:`~clusterstudy.analyses.eu_leave_one_out`), measurement error
(:mod:`~clusterstudy.analyses.eu_measurement`), heterogeneity
(:mod:`~clusterstudy.analyses.eu_heterogeneity`) and the specification curve's grid
:mod:`~clusterstudy.analyses.speccurve`), U.S. states and CBSAs
(:mod:`~clusterstudy.analyses.us_regions`; counts, commuting and the strong flag in
:mod:`~clusterstudy.analyses.us_counts`), Chinese resource cities
(:mod:`~clusterstudy.analyses.china_cities`; the city file's territorial-base checks in
:mod:`~clusterstudy.analyses.china_data_quality`, OLS beside Poisson PML in
:mod:`~clusterstudy.analyses.china_estimators`), Meng & Forman's cases
(:mod:`~clusterstudy.analyses.resource_cities`) and the qualitative evidence of the seeds
(:mod:`~clusterstudy.analyses.qualitative`), space (:mod:`~clusterstudy.analyses.geography`) and the
claims ledger (the claims :mod:`~clusterstudy.analyses.claims`, their evidence and verdicts
:mod:`~clusterstudy.analyses.claim_ledger`, the designs it adds :mod:`~clusterstudy.analyses.claim_designs`,
the registry of primary tests :mod:`~clusterstudy.analyses.claim_registry`). Each builds its sample from the data layer,
its measures from the measures layer, fits through the estimation layer, and states its findings
in sentences beside its models.

May import: :mod:`clusterstudy.core`, :mod:`~clusterstudy.data`, :mod:`~clusterstudy.measures`,
:mod:`~clusterstudy.estimation`.
"""
