"""pipeline: the machinery on the side that runs, checks and hands out the compendium.

The notebook runner with staged outputs (:mod:`~clusterstudy.pipeline.runner`), committed
notebooks kept diffable (:mod:`~clusterstudy.pipeline.notebooks`), reproduction checks
(:mod:`~clusterstudy.pipeline.verify`), a variant beside the default
(:mod:`~clusterstudy.pipeline.compare`), graded assignments (:mod:`~clusterstudy.pipeline.student`)
and nbgrader's settings for grading them (:mod:`~clusterstudy.pipeline.grading`).

May import: any layer. No other layer imports it.
"""
