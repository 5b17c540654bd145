"""clusterstudy: the logic behind the compendium on industrial clusters, specialisation and innovation.

Modules
-------
paths      where the project, its data and its outputs live
validate   one small schema checker; every loader raises DataError through it
seeds      loaders for the data encoded from the five source documents (data/seeds/)
figures    the one figure theme and figure-saving helper
tables     the one table writer
resource_cities  Meng & Forman's resource-city clusters: derived comparisons
"""

__version__ = "0.1.0"
