"""pipeline: the machinery on the side that runs, checks and hands out the compendium.

The notebook runner with staged outputs (:mod:`~clusterstudy.pipeline.runner`), committed
notebooks kept diffable (:mod:`~clusterstudy.pipeline.notebooks`), reproduction checks
(:mod:`~clusterstudy.pipeline.verify`) and graded assignments
(:mod:`~clusterstudy.pipeline.student`).

May import: any layer. No other layer imports it.
"""
