"""publish: the helpers a notebook calls to show and save what readers see.

The one figure theme and saver (:mod:`~clusterstudy.publish.figures`, checked by
:mod:`~clusterstudy.publish.figure_checks`) with the plot builders (:mod:`~clusterstudy.publish.plots`,
:mod:`~clusterstudy.publish.specplots`, :mod:`~clusterstudy.publish.designplots`,
:mod:`~clusterstudy.publish.maps`, :mod:`~clusterstudy.publish.network`), the one table writer
(:mod:`~clusterstudy.publish.tables`) and the records of every output (:mod:`~clusterstudy.publish.outputs`).

May import: every layer below (core, data, measures, estimation, analyses).
"""
