"""clusterstudy: the logic behind the compendium on industrial clusters, specialisation and innovation.

Layers, lowest first (each may import those below it; ``build`` sits on the side):

core        paths, atomic writes, the schema checker, numbers in prose
data        ingest of the mirror into tidy extracts, loaders, provenance
measures    specialisation, cluster and variety indices
estimation  the estimator wrapper and batched fitting
analyses    Europe, the U.S., China, Meng & Forman's cases, the qualitative evidence
publish     figures, tables, the results manifest, claims ledger, findings, the book
build       runner, verify, student assignments, notebook hygiene

``src/clusterstudy/README.md`` maps the way of the data and where to add things.
"""

__version__ = "0.1.0"
