# The map of the compendium: which notebook makes which outputs from which inputs.
#
#   make all     build the environment if missing, verify the data, run every notebook
#   make test    unit tests + nbval on every notebook (same bootstrap)
#   make help    list every target
#
# Each notebook is declared below by three variables:
#   <nb>_INPUTS  data files it reads
#   <nb>_SWEEP   a parameter swept by extra papermill runs (optional)
#   <nb>_VALUES  the values of that parameter (besides the notebook's default)
# The src/clusterstudy modules it uses (<nb>_SRC) are written from its imports into build/deps.mk
# (clusterstudy.pipeline.deps), so a change to a module reruns exactly the notebooks that use it.
# Executed notebooks go to build/notebooks/ (the real targets; ignored by git), figures to
# figures/ and tables to tables/ (committed). A failed run leaves no output behind.

SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
.SUFFIXES:

MIRROR ?= ../shared/data
KERNEL := clusters

# ---------------------------------------------------------------- environment
ifneq ($(and $(CONDA_PREFIX),$(filter-out base,$(CONDA_DEFAULT_ENV))),)
  # an activated conda environment (environment.yml) is used as it is
  PY        := $(CONDA_PREFIX)/bin/python
  ENV_STAMP := build/.conda-env-$(CONDA_DEFAULT_ENV)
  export JUPYTER_PATH := $(CONDA_PREFIX)/share/jupyter
else
  VENV      := .venv
  PY        := $(CURDIR)/$(VENV)/bin/python
  ENV_STAMP := $(VENV)/.installed
  export JUPYTER_PATH := $(CURDIR)/$(VENV)/share/jupyter
endif
export MPLBACKEND := Agg
export PYTHONHASHSEED := 0
export PYDEVD_DISABLE_FILE_VALIDATION := 1
export CLUSTERS_MIRROR := $(abspath $(MIRROR))

TIMEOUT ?= 3600
RUN := $(PY) -m clusterstudy run-notebook --timeout $(TIMEOUT)
SRCDIR := src/clusterstudy

# <nb>_SRC, generated from the notebooks' imports with the system python3 (standard library only), and
# build/runner-interface, rewritten only when the runner's declared interface changes; make writes both
# before it reads any rule (also under make -n), so a dry run shows what would really rerun
DEPS_MK := build/deps.mk
ifeq ($(filter help clean distclean check-python,$(MAKECMDGOALS)),)
-include $(DEPS_MK)
endif
$(DEPS_MK): $(wildcard notebooks/*.ipynb) $(shell find $(SRCDIR) -name '*.py' 2>/dev/null)
	@PYTHONPATH=$(CURDIR)/src python3 -m clusterstudy deps $@ --interface build/runner-interface && touch $@

# ---------------------------------------------------------------- notebooks
NOTEBOOKS := data_sources resource_city_clusters eu_specialisation_innovation eu_specification_curve \
  cn_resource_cities us_cluster_patenting clusnet_evidence literature_evidence claims_ledger \
  spatial_dependence

# The data layer: sources table, European panel coverage, harmonisation losses
data_sources_INPUTS := data/datapackage.json $(wildcard data/extracts/*.csv)

# Meng & Forman (2016): Tables 1-3 and the resource-city cluster comparison
resource_city_clusters_INPUTS := data/seeds/meng_forman_ruhr_clusters.csv data/seeds/seed_facts.csv \
  $(patsubst %,data/extracts/%.csv,cn_cities cn_resource_cities) \
  data/seeds/meng_forman_resource_city_clusters.csv data/seeds/meng_forman_lock_ins.csv
resource_city_clusters_SWEEP  := metric
resource_city_clusters_VALUES := employees_per_enterprise output_per_enterprise_musd

# CLUSNET Figure 6 rebuilt and its claim tested on Eurostat NUTS-2 data, once per measure
# (default: traded cluster strength; every measure's headline models are in each run)
EU_EXTRACTS := $(patsubst %,data/extracts/%.csv,nuts2_2013 eu_patents eu_sbs_employment eu_gdp eu_tertiary eu_population \
  nace_naics_bridge us_naics_clusters)
eu_specialisation_innovation_INPUTS := $(EU_EXTRACTS)
eu_specialisation_innovation_SWEEP  := measure
eu_specialisation_innovation_VALUES := cluster_strength hhi related_variety

# Specification curve of the European result with Simonsohn et al. (2020) inference under the null,
# the designs and the R&D control of eu_designs among its choices (batched estimation; resampling
# on local processes, or on Dask when CLUSTERS_DASK_SCHEDULER is set)
eu_specification_curve_INPUTS := $(EU_EXTRACTS) $(patsubst %,data/extracts/%.csv,eu_rd_intensity eu_hrst)

# Europe from association toward cause (issue 21): lagged, pre-period and panel designs, R&D and
# HRST controls, Cinelli-Hazlett sensitivity, t(G-1) and bootstrap p-values
NOTEBOOKS += eu_designs
eu_designs_INPUTS := $(EU_EXTRACTS) $(patsubst %,data/extracts/%.csv,eu_rd_intensity eu_hrst geo_nuts2_2013)

# Resource cities at scale: the 2013 plan's types against Chinese city patenting
cn_resource_cities_INPUTS := $(patsubst %,data/extracts/%.csv,cn_cities cn_resource_cities) \
  data/seeds/meng_forman_resource_city_clusters.csv
cn_resource_cities_SWEEP  := population
cn_resource_cities_VALUES := registered

# United States: cluster strength and patenting, states (default) and CBSAs
us_cluster_patenting_INPUTS := $(EU_EXTRACTS) $(patsubst %,data/extracts/%.csv,us_cluster_employment \
  us_county_patents us_cbsa_counties us_regpat_cbsa us_cbsa_population)
us_cluster_patenting_SWEEP  := geography
us_cluster_patenting_VALUES := cbsa

# The README's "What the data say" bullets, rendered from the committed tables (issue 14)
.PHONY: findings
findings: $(ENV_STAMP) ## rewrite the README's findings block from the committed tables
	@$(PY) -m clusterstudy findings write

# The qualitative evidence: CLUSNET tables, gaps and city-region coding; literature review, Beijing, references
clusnet_evidence_INPUTS := $(wildcard data/seeds/clusnet_*.csv) data/seeds/seed_facts.csv
literature_evidence_INPUTS := $(wildcard data/seeds/review_*.csv data/seeds/beijing_*.csv) \
  data/seeds/seed_references.csv data/seeds/seed_citations.csv data/seeds/seed_facts.csv data/seeds/seed_lists.csv

# The claims ledger: each claim of the seeds the compendium tests, its verdict computed from the
# analyses' tables (listed here; clusterstudy.analyses.claims.CLAIMS declares which rows each claim reads).
# Its inputs are recursive (=) so that the producing notebooks' runs, declared above, come first.
claims_ledger_TABLES := $(patsubst %,tables/%.csv,cn_resource_type_regression_patents_per_10k_registered cn_resource_type_regression_patents_per_10k_residents eu_headline_models \
  eu_designs eu_region_indicators eu_specification_curve_inference eu_triangle_cluster_strength \
  eu_triangle_cluster_strength_traded eu_triangle_hhi us_cbsa_regression \
  us_state_regression us_cbsa_indicators cn_city_indicators)
# ... and the extracts of the designs it refits (claim_designs), and the registry of primary tests
claims_ledger_INPUTS = $(claims_ledger_TABLES) $(EU_EXTRACTS) $(patsubst %,data/extracts/%.csv,us_cluster_employment \
  us_county_patents us_cbsa_counties us_cbsa_population) registry/primary_tests.csv registry/primary_tests_log.csv \
  $(eu_specialisation_innovation_TARGETS) \
  $(eu_specification_curve_TARGETS) $(us_cluster_patenting_TARGETS) $(cn_resource_cities_TARGETS) \
  $(eu_designs_TARGETS)

# Space (issue 22): maps of every regional sample, spatial weights, Moran's I, LM tests, SLX, spatial Durbin
# and spatial HAC for the European, U.S. and Chinese headline models
GEO_EXTRACTS := $(patsubst %,data/extracts/%.csv,geo_nuts2_2013 geo_nuts0_2013 geo_world_countries geo_us_states geo_us_cbsa \
  cn_city_coordinates)
spatial_dependence_INPUTS := $(EU_EXTRACTS) $(GEO_EXTRACTS) $(patsubst %,data/extracts/%.csv,us_cluster_employment \
  us_county_patents us_cbsa_counties us_cbsa_population cn_cities cn_resource_cities)

# One rule per notebook and one per swept parameter value, generated (never copy-pasted).
define notebook_rules
$(1)_DEPS := notebooks/$(1).ipynb $$($(1)_INPUTS) $$($(1)_SRC) build/runner-interface $$(ENV_STAMP) \
  | build/.data-verified check-outputs
$(1)_TARGETS := build/notebooks/$(1).ipynb \
  $$(foreach v,$$($(1)_VALUES),build/notebooks/$(1)--$$($(1)_SWEEP)-$$(v).ipynb)
build/notebooks/$(1).ipynb: $$($(1)_DEPS)
	@$$(RUN) notebooks/$(1).ipynb $$@
build/notebooks/$(1)--$$($(1)_SWEEP)-%.ipynb: $$($(1)_DEPS)
	@$$(RUN) notebooks/$(1).ipynb $$@ -p $$($(1)_SWEEP) $$*
.PHONY: $(1)
$(1): $$($(1)_TARGETS)
NOTEBOOK_TARGETS += $$($(1)_TARGETS)
DEFAULT_TARGETS += build/notebooks/$(1).ipynb
endef
# the claims ledger reads the others' tables: its rules are generated last, once their targets exist
$(foreach nb,$(filter-out claims_ledger,$(NOTEBOOKS)) claims_ledger,$(eval $(call notebook_rules,$(nb))))

DATA_FILES := $(sort $(wildcard data/seeds/*.csv data/extracts/*.csv))
# every data file a notebook rule names: checked first, so a deleted one stops the build before any notebook
ALL_DATA := $(sort $(filter data/%,$(foreach nb,$(NOTEBOOKS),$($(nb)_INPUTS))))

# ---------------------------------------------------------------- paper
# The article (issue 34): paper/values.json and its Typst tables from the committed tables, then the PDF
# typeset by the pinned typst package with its embedded fonts; no number of the prose is typed.
PAPER_TYP := $(wildcard paper/*.typ paper/methods.bib)
paper/paper.pdf: $(wildcard tables/*.csv) results.csv data/references.bib data/datapackage.json $(PAPER_TYP) \
  $(SRCDIR)/report/paper.py $(SRCDIR)/report/paper_tables.py
	@$(PY) -m clusterstudy paper pdf
.PHONY: paper
paper: ## typeset paper/paper.pdf (and paper/values.json) from the committed tables
	@$(PY) -m clusterstudy paper pdf

# ---------------------------------------------------------------- targets
.PHONY: help all test lint typecheck env lock refresh-notebooks lab bench bench-build clean distclean verify-data \
  extracts download datapackage verify report book student references run params compare test-unit test-nb nbval check-committed check-outputs \
  check-python

help: ## list the targets
	@echo "Cluster compendium. Usage: make <target>"
	@if [ -t 1 ]; then on=$$'\033[36m' off=$$'\033[0m'; else on= off=; fi; \
	  grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort | \
	  awk -v on="$$on" -v off="$$off" 'BEGIN {FS = ":.*## "}; {printf "  %s%-18s%s %s\n", on, $$1, off, $$2}'
	@echo "  <notebook>          run one notebook and its parameter variants: $(NOTEBOOKS)"

all: check-outputs results.csv paper/paper.pdf ## build env if missing, verify data checksums, run every notebook, typeset the paper
	@echo "all outputs up to date: $(words $(NOTEBOOK_TARGETS)) notebook runs"

results.csv: $(NOTEBOOK_TARGETS) $(SRCDIR)/report/manifest.py
	@$(PY) -m clusterstudy manifest

env: $(ENV_STAMP) ## create the environment (.venv from requirements.lock) and its kernel

# Supported Python: 3.11.5 or later 3.11 releases (tools/lock_env.py PYTHON_MIN/PYTHON_BELOW)
PYTHON_MIN := 3, 11, 5
PYTHON_BELOW := 3, 12
CHECK_PYTHON = { command -v python3 >/dev/null || { echo "✘ python3 not found: install Python 3.11 (3.11.5 or later)" >&2; exit 1; }; \
  python3 -c 'import sys; sys.exit(not (($(PYTHON_MIN)) <= sys.version_info[:3] < ($(PYTHON_BELOW))))' || \
  { echo "✘ python3 is $$(python3 -c 'import platform; print(platform.python_version())'); the pinned environment needs Python 3.11 (3.11.5 or later)" >&2; exit 1; }; }
check-python: ## check that python3 can build the environment (3.11.5 or a later 3.11)
	@$(CHECK_PYTHON)

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -x $(VENV)/bin/python || $(CHECK_PYTHON)
	@echo "▶ creating .venv from requirements.lock (first time only)"
	@test -x $(VENV)/bin/python || python3 -m venv $(VENV)
	@$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@$(VENV)/bin/python -m ipykernel install --sys-prefix --name $(KERNEL) \
	  --display-name "Python (clusters compendium)" > /dev/null
	@touch $@
	@echo "✔ environment ready: $(VENV), kernel '$(KERNEL)'"

build/.conda-env-%:
	@mkdir -p build
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (clusters compendium)"
	@touch $@

lock: ## re-derive requirements.lock from environment.yml
	python3 tools/lock_env.py

build/.data-verified: $(ALL_DATA) $(DATA_FILES) data/datapackage.json $(ENV_STAMP)
	@$(PY) -m clusterstudy verify-data
	@$(PY) -m clusterstudy check-extracts
	@mkdir -p build && touch $@

verify-data: $(ENV_STAMP) ## check every data file's sha256 (data/datapackage.json) and schema
	@$(PY) -m clusterstudy verify-data
	@$(PY) -m clusterstudy check-extracts

extracts: $(ENV_STAMP) ## rebuild data/extracts/ from the pinned mirror (MIRROR=../shared/data; ACCEPT_MIRROR=1 accepts changed mirror files)
	@$(PY) -m clusterstudy extracts $(if $(ACCEPT_MIRROR),--accept-mirror)

references: $(ENV_STAMP) ## re-parse the seeds' reference lists into data/seeds/ and data/references.bib
	@$(PY) -m clusterstudy references
	@$(PY) -m clusterstudy datapackage

download: $(ENV_STAMP) ## fetch the Eurostat tables from Eurostat's API into build/download/ (needs internet)
	@$(PY) -m clusterstudy download

datapackage: $(ENV_STAMP) ## rewrite data/datapackage.json (descriptions + sha256) after a data change
	@$(PY) -m clusterstudy datapackage

test: $(ENV_STAMP) ## lint, type-check, build all + the report, check the build equals git HEAD and its notebook runs give the committed outputs (nbval's rules), then the tests
	@$(PY) -m ruff check src tests tools notebooks
	@$(PY) -m mypy
	@$(MAKE) --no-print-directory -j2 report
	@$(MAKE) --no-print-directory check-committed
	@$(PY) -m clusterstudy check-executed --sanitize tests/nbval_sanitize.cfg $(NOTEBOOKS)
	@rm -rf build/test-out
	@CLUSTERS_OUTPUT_ROOT=$(CURDIR)/build/test-out $(PY) -m pytest tests $(XDIST) --durations=15

# The build has just executed every notebook from its committed source (build/notebooks/); make test
# compares those executions with the committed outputs as nbval does (its sanitizers, its skipped keys),
# so no notebook runs twice. make nbval re-executes them under nbval itself (outputs to build/nbval-out/,
# never the committed results); XDIST runs the test files in two worker processes, a notebook's cells
# or a test file's tests always in one (--dist loadfile)
XDIST := -n 2 --dist loadfile
NBVAL = CLUSTERS_OUTPUT_ROOT=$(CURDIR)/build/nbval-out $(PY) -m pytest --nbval --nbval-kernel-name $(KERNEL) \
  --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout $(TIMEOUT)

# make all's first step: a committed output edited or corrupted by hand (differs from HEAD, no build
# wrote it, its inputs unchanged) stops the build in one line naming it and the fix
check-outputs: $(ENV_STAMP)
	@$(PY) -m clusterstudy check-outputs

check-committed: $(ENV_STAMP) ## fail if figures/, tables/, results.csv or notebooks/ differ from git HEAD
	@$(PY) -m clusterstudy check-committed

# NB, NAME and P reach the shell as single-quoted words, never expanded by make or the shell (shq);
# the runner then refuses a NAME that is not a folder name. The notebook's data files are
# prerequisites, so a deleted one stops the run in one line (the rule for missing data below).
shq = '$(subst ','\'',$(value $(1)))'
unexport NB NAME P
RUN_NB_NAME := $(basename $(notdir $(value NB)))
run: $(ENV_STAMP) $(filter data/%,$($(RUN_NB_NAME)_INPUTS)) | build/.data-verified ## a variant: make run NB=<notebook> P="name=value ..." [NAME=dir] [TIMEOUT=s] -> build/variants/
	@test -n $(call shq,NB) || { echo "✘ usage: make run NB=<notebook or path.ipynb> P=\"name=value ...\" [NAME=<variant>] [TIMEOUT=<seconds per cell>]" >&2; exit 2; }
	@nb=$(call shq,NB); case "$$nb" in *.ipynb) ;; *) nb="notebooks/$$nb.ipynb";; esac; \
	  $(RUN) "$$nb" --variant $(call shq,NAME) --assign $(call shq,P)

# A data file a rule needs but the tree lacks (deleted by hand): one line with the fix, before make's own
data/extracts/%.csv data/seeds/%.csv data/%.json:
	@echo "✘ $@: missing; restore it with git checkout -- $@$(if $(filter data/extracts/%,$@), (or make extracts))" >&2; exit 1

nbval: $(ENV_STAMP) ## every committed notebook re-executed under nbval (outputs to build/nbval-out/), then the tests that read them
	@rm -rf build/nbval-out
	@$(NBVAL) $(XDIST) notebooks
	@CLUSTERS_OUTPUT_ROOT=$(CURDIR)/build/nbval-out $(PY) -m pytest tests -m notebook

test-unit: $(ENV_STAMP) ## the fast tests alone (marked unit; no kernels, builds or browsers), on two workers
	@$(PY) -m pytest tests -m unit $(XDIST)

test-nb: $(ENV_STAMP) ## one notebook's nbval: make test-nb NB=<notebook> (outputs under build/nbval-out/)
	@test -n $(call shq,NB) || { echo "✘ usage: make test-nb NB=<notebook>; the notebooks are: $(NOTEBOOKS)" >&2; exit 2; }
	@nb=$(call shq,NB); case "$$nb" in *.ipynb) ;; *) nb="notebooks/$$nb.ipynb";; esac; \
	  test -f "$$nb" || { echo "✘ no notebook $$nb; the notebooks are: $(NOTEBOOKS)" >&2; exit 2; }; \
	  rm -rf build/nbval-out; $(NBVAL) "$$nb"

compare: $(ENV_STAMP) ## a variant's estimates beside the default's: make compare NAME=<variant> (writes nothing)
	@test -n $(call shq,NAME) || { echo "✘ usage: make compare NAME=<variant under build/variants/>" >&2; exit 2; }
	@$(PY) -m clusterstudy compare $(call shq,NAME)

params: $(ENV_STAMP) ## a notebook's parameters: make params NB=<notebook> -> type, allowed values, default, help
	@test -n "$(NB)" || { echo "✘ usage: make params NB=<notebook or path.ipynb>" >&2; exit 2; }
	@$(PY) -m clusterstudy params $(call shq,NB)

lint: $(ENV_STAMP) ## ruff over src, tests, tools and notebooks
	@$(PY) -m ruff check src tests tools notebooks

typecheck: $(ENV_STAMP) ## mypy over src/clusterstudy (configuration in pyproject.toml)
	@$(PY) -m mypy

refresh-notebooks: $(DEFAULT_TARGETS) ## copy default-parameter outputs from build/ into notebooks/
	@for nb in $(NOTEBOOKS); do \
	  $(PY) -m clusterstudy refresh-notebook build/notebooks/$$nb.ipynb notebooks/$$nb.ipynb; done
	@touch $(NOTEBOOK_TARGETS)

lab: $(ENV_STAMP) ## open JupyterLab at the project root (notebooks/ and, after make student, build/student/)
	$(PY) -m jupyter lab --notebook-dir=$(CURDIR)

bench: $(ENV_STAMP) ## specification curve: specification-draws/s, sufficient statistics vs a statsmodels loop (one run)
	@$(PY) tools/bench.py speccurve

bench-build: $(ENV_STAMP) ## time cold, no-op, one-notebook and -j2 builds and make test (medians)
	@$(PY) tools/bench.py build

report: results.csv ## the book in build/site/: claims ledger, one page per notebook run, gallery, provenance, search
	@$(PY) -m clusterstudy book
	@$(PY) -m clusterstudy sitecheck build/site

# The README's replication-package sections (SSDE template, DCAS self-check) and codecheck.yml,
# generated from results.csv and the data package; the runtime table from the last build's records
.PHONY: replication
replication: results.csv ## rewrite the README's replication sections, its runtime table and codecheck.yml
	@$(PY) -m clusterstudy replication write
	@$(PY) -m clusterstudy replication runtime

book: report ## same as report

student: $(ENV_STAMP) ## nbgrader course in build/student/: source/ (solutions + autograded tests), release/ (stubs)
	@$(PY) -m clusterstudy student

verify: ## rebuild the committed state in a temporary clone; compare every result by sha256; certificate in build/
	@$(PY) -m clusterstudy verify

# The nbgrader course (build/student/: submissions, gradebook, feedback) is kept: it holds
# students' work that no make target can rebuild. Remove it by hand when a course is over.
# Variant runs (build/variants/) are a reviewer's own results: kept too.
clean: ## remove build products (build/) except the course build/student/ and the variant runs build/variants/
	@kept=$$(for d in student variants; do [ -d build/$$d ] && echo $$d; done); \
	if [ -n "$$kept" ]; then \
	  find build -mindepth 1 -maxdepth 1 ! -name student ! -name variants -exec rm -rf {} +; \
	  echo "✔ build/ cleaned"; \
	  [ -d build/student ] && echo "  kept build/student/ (the nbgrader course: submissions and gradebook; remove it by hand with rm -rf build/student)"; \
	  [ -d build/variants ] && echo "  kept build/variants/ (your variant runs; remove them by hand with rm -rf build/variants)"; true; \
	else rm -rf build; echo "✔ build/ removed"; fi

distclean: clean ## also remove the environment (.venv); build/student/ and build/variants/ are still kept
	rm -rf .venv
