"""build: the machinery on the side that runs, checks and hands out the compendium.

The notebook runner with staged outputs (:mod:`~clusterstudy.build.runner`), committed
notebooks kept diffable (:mod:`~clusterstudy.build.notebooks`), reproduction checks
(:mod:`~clusterstudy.build.verify`) and graded assignments
(:mod:`~clusterstudy.build.student`).

May import: any layer. No other layer imports it.
"""
