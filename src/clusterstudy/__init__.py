"""clusterstudy: the logic behind the compendium on industrial clusters, specialisation and innovation.

Layers, lowest first (each may import those below it; ``pipeline`` sits on the side):

core        paths, atomic writes, the schema checker, numbers in prose
data        ingest of the mirror into tidy extracts, loaders, provenance
measures    specialisation, cluster and variety indices
estimation  the estimator wrapper, batched fitting and the multiverse engine
analyses    Europe, the U.S., China, Meng & Forman's cases, space, the qualitative evidence, the claims
publish     what a notebook calls to show and save: figures and tables
report      after the build: the results manifest, findings, the book, the replication package, the paper
pipeline    the command line, runner, dependencies, verify, student assignments, notebook hygiene

``src/clusterstudy/README.md`` maps the way of the data and where to add things.
"""

__version__ = "0.1.0"
