# ajsearch - build, index, test.
#
#   make run [Q='query']   install missing dependencies, build, index corpus/, search
#   make test [SAN=1]      same dependencies and build, then every test
#   make all | deps | index | install | clean
#
# SAN=1 builds everything into build-san/ with AddressSanitizer and
# UndefinedBehaviorSanitizer.  CC=clang works too.

CC      ?= cc
CFLAGS  ?= -O2 -g
PREFIX  ?= /usr/local
DESTDIR ?=
Q       ?= maritime security

# The version comes from src/ajsearch.h, read here and nowhere else: the
# shared object's soname is libajsearch.so.MAJOR (the comment above
# AJ_VERSION_MAJOR says when MAJOR changes), the installed file
# libajsearch.so.MAJOR.MINOR.PATCH.
aj_version = $(shell sed -n 's/^.define AJ_VERSION_$(1)  *\([0-9][0-9]*\).*/\1/p' src/ajsearch.h)
VERSION_MAJOR := $(call aj_version,MAJOR)
VERSION_MINOR := $(call aj_version,MINOR)
VERSION_PATCH := $(call aj_version,PATCH)
SONAME  = libajsearch.so.$(or $(VERSION_MAJOR),$(error cannot read AJ_VERSION_MAJOR from src/ajsearch.h))
LIB_VERSION = $(VERSION_MAJOR).$(or $(VERSION_MINOR),$(error cannot read AJ_VERSION_MINOR from src/ajsearch.h)).$(or $(VERSION_PATCH),$(error cannot read AJ_VERSION_PATCH from src/ajsearch.h))
REALNAME = libajsearch.so.$(LIB_VERSION)

ifeq ($(SAN),1)
BUILD    := build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD    := build
SANFLAGS :=
endif

STD     := -std=c11 -D_GNU_SOURCE
WARN    := -Wall -Wextra
PKGS    := libzstd libxxhash libutf8proc
# Recursively expanded, so pkg-config runs only when a recipe needs it
# (after `deps` may have installed it).
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lstemmer -lpthread -lm
CRIT_CFLAGS = $(shell pkg-config --cflags criterion)
CRIT_LIBS   = $(shell pkg-config --libs criterion)

ALL_CFLAGS = $(STD) $(WARN) $(CFLAGS) $(SANFLAGS) -Isrc $(PKG_CFLAGS) -MMD -MP
# The library's objects serve the static archive and the shared object
# alike: position-independent, and exporting only what ajsearch.h marks
# AJ_API.
LIB_CFLAGS := -fPIC -fvisibility=hidden
LDFLAGS_ALL = $(SANFLAGS) $(LDFLAGS)

# The library, by layer (ARCHITECTURE.md): a layer includes only those
# listed before it (tools/layers.py checks), with the public header above
# them all.
LIB_SRCS :=
LIB_SRCS += $(addprefix common/,error.c grow.c io.c utf8.c)
LIB_SRCS += $(addprefix extract/,sniff.c)
LIB_SRCS += $(addprefix analysis/,fold.c variant.c stem.c analyzer.c lexicon.c segment.c lineclass.c clean.c parabuf.c pagejoin.c srcmap.c block.c boilerplate.c outline.c acronym.c country.c)
LIB_SRCS += $(addprefix format/,bitpack.c file.c dict.c postings.c store.c pairs.c)
LIB_SRCS += $(addprefix index/,index.c gen.c check.c export.c fingerprint.c source.c cite.c)
LIB_SRCS += $(addprefix build/,corpus.c docmap.c xrun.c invert.c listpipe.c bworker.c pairchoose.c shard.c lex.c build.c status.c)
LIB_SRCS += $(addprefix query/,query.c fields.c expand.c expand_rules.c expand_acronym.c expand_form.c fuzzy.c suggest.c)
LIB_SRCS += $(addprefix search/,filter.c facet.c eval.c eval_bool.c eval_phrase.c eval_near.c eval_prefix.c topk.c rank.c partial.c group.c search.c highlight.c snippet.c)
# The English word table (src/analysis/lexicon.h) is generated into each build
# directory from Debian's word lists by tools/mklexicon.c.
LEXICON_LISTS := /usr/share/dict/american-english /usr/share/dict/british-english
MKLEX_SRCS := tools/mklexicon.c $(addprefix src/,common/error.c common/utf8.c analysis/fold.c \
              analysis/variant.c analysis/stem.c analysis/analyzer.c)
LIB_OBJS := $(addprefix $(BUILD)/lib/,$(LIB_SRCS:.c=.o)) $(BUILD)/lib/lexicon_data.o
CLI_SRCS := main.c out.c locate.c facets.c hits.c
CLI_OBJS := $(addprefix $(BUILD)/cli/,$(CLI_SRCS:.c=.o))
TEST_SRCS := $(sort $(wildcard tests/test_*.c))
TEST_OBJS := $(patsubst tests/%.c,$(BUILD)/tests/%.o,$(TEST_SRCS))
LIB     := $(BUILD)/libajsearch.a
SO      := $(BUILD)/$(SONAME)
BIN     := $(BUILD)/ajsearch
RUNNER  := $(BUILD)/tests/run
SERVE_OBJS := $(addprefix $(BUILD)/cli/,serve.o hits.o out.o facets.o web.o)
WEB_FILES := $(addprefix src/cli/web/,index.html app.js app.css)
SERVE   := $(BUILD)/ajsearch-serve

# ajsearch-extract (src/extract/, docs/EXTRACT.md): the text of PDF, HTML
# and DOCX documents, run by the indexer as a process of its own.  Linked
# dynamically, against libraries the library and the static command line
# never link: Debian ships no static poppler or libzip.  Of the layer, only
# the sniffer (extract/sniff.c, libc alone) is in the library.
EXTRACT_PKGS   := poppler-glib libxml-2.0 libzip
EXTRACT_CFLAGS  = $(shell pkg-config --cflags $(EXTRACT_PKGS))
EXTRACT_LIBS    = $(shell pkg-config --libs $(EXTRACT_PKGS))
EXTRACT_SRCS   := main.c text.c pdf.c html.c docx.c
EXTRACT_OBJS   := $(addprefix $(BUILD)/extract/,$(EXTRACT_SRCS:.c=.o))
EXTRACT_LIBOBJS := $(addprefix $(BUILD)/lib/,extract/sniff.o common/error.o common/utf8.o)
EXTRACT        := $(BUILD)/ajsearch-extract

# libFuzzer builds (see the fuzz targets below).
FUZZ_BUILD   := build-fuzz
FUZZ_CC      ?= clang
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS   = $(STD) $(WARN) -O1 -g $(FUZZ_SAN) -Isrc $(PKG_CFLAGS)
FUZZERS      := query analyzer segment index sniff extract http
FUZZ_BINS    := $(addprefix $(FUZZ_BUILD)/fuzz_,$(FUZZERS))
FUZZ_LIB_OBJS := $(addprefix $(FUZZ_BUILD)/lib/,$(LIB_SRCS:.c=.o)) $(FUZZ_BUILD)/lib/lexicon_data.o
FUZZ_SECONDS ?= 300
FUZZ_SMOKE_SECONDS ?= 30

.PHONY: all deps run index test check-build install uninstall clean bench-micro \
        bench bench-quick bench-gate bench-publish bench-deps bench-build fuzz fuzz-build valgrind test-run eval
.DEFAULT_GOAL := all

all: $(BIN) $(SO) ajsearch $(EXTRACT) ajsearch-extract $(SERVE) ajsearch-serve

deps:
	@sh tools/deps.sh

# The top-level ./ajsearch is the normal (unsanitized) build.
ajsearch: build/ajsearch
	cp build/ajsearch ajsearch

# ... with its extractor beside it, where the indexer looks first.
ajsearch-extract: build/ajsearch-extract
	cp build/ajsearch-extract ajsearch-extract

# ... and the server, which `ajsearch serve` looks for beside it.
ajsearch-serve: build/ajsearch-serve
	cp build/ajsearch-serve ajsearch-serve.tmp && mv -f ajsearch-serve.tmp ajsearch-serve

ifneq ($(BUILD),build)
build/ajsearch:
	$(MAKE) SAN= BUILD=build build/ajsearch
build/ajsearch-extract:
	$(MAKE) SAN= BUILD=build build/ajsearch-extract
build/ajsearch-serve:
	$(MAKE) SAN= BUILD=build build/ajsearch-serve
endif

$(BUILD)/lib/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LIB_CFLAGS) -c $< -o $@

# Where the indexer finds an installed extractor when none is beside the
# running program (build/xrun.c): $(BINDIR) of the PREFIX built with.
$(BUILD)/lib/build/xrun.o: src/build/xrun.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LIB_CFLAGS) -DAJ_EXTRACT_PATH='"$(BINDIR)/ajsearch-extract"' -c $< -o $@

# The word table's generator runs on the build machine, so it is built
# without the sanitizers of the build it serves.
%/tools/mklexicon: $(MKLEX_SRCS) src/analysis/analyzer.h src/analysis/lexicon.h
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) -O2 -Isrc $(PKG_CFLAGS) -o $@ $(MKLEX_SRCS) $(PKG_LIBS)

%/gen/lexicon_data.c: %/tools/mklexicon $(LEXICON_LISTS)
	@mkdir -p $(dir $@)
	$< $@.tmp $(LEXICON_LISTS) && mv $@.tmp $@

$(BUILD)/lib/lexicon_data.o: $(BUILD)/gen/lexicon_data.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LIB_CFLAGS) -Isrc -c $< -o $@

$(BUILD)/cli/%.o: src/cli/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CRIT_CFLAGS) -Isrc -c $< -o $@

$(SO): $(LIB_OBJS)
	$(CC) -shared -Wl,-soname,$(SONAME) $(LDFLAGS_ALL) -o $@ $(LIB_OBJS) $(PKG_LIBS)

$(LIB): $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

# The command line is linked statically (README "Performance", cold
# command line): no dynamic loader, no symbol look-ups, and no relocating
# libstemmer's 10,800 table pointers at every start, which made
# `ajsearch --version` cost 2.6 times a static one.  Non-PIE, because a
# static PIE relocates those tables itself.  glibc's libc.a comes with
# libc6-dev, the other archives with the -dev packages tools/deps.sh
# installs.  The sanitizers need the dynamic loader, and valgrind cannot
# see malloc in a static binary: those get the dynamic link.
ifeq ($(SAN),1)
BIN_LINK :=
else
BIN_LINK := -static
endif

$(BIN): $(CLI_OBJS) $(LIB)
	$(CC) $(LDFLAGS_ALL) $(BIN_LINK) -o $@ $(CLI_OBJS) $(LIB) $(PKG_LIBS)

# ajsearch-serve (`ajsearch serve`, README "Server"): linked dynamically,
# since libmicrohttpd brings GnuTLS and its libraries, which have no
# complete set of static archives in Debian.
$(SERVE): $(SERVE_OBJS) $(LIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $(SERVE_OBJS) $(LIB) $(PKG_LIBS) -lmicrohttpd

# The search page ajsearch-serve carries (src/cli/web/), as byte arrays
# written by tools/embed.c, which runs on the build machine.
%/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) -O2 -o $@ $<

%/gen/web.c: %/tools/embed $(WEB_FILES)
	@mkdir -p $(dir $@)
	$< $@.tmp web_index_html src/cli/web/index.html web_app_js src/cli/web/app.js \
	    web_app_css src/cli/web/app.css && mv $@.tmp $@

$(BUILD)/cli/web.o: $(BUILD)/gen/web.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# main.c names where `make install` puts ajsearch-serve.
$(BUILD)/cli/main.o: src/cli/main.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DAJ_SERVE_PATH='"$(BINDIR)/ajsearch-serve"' -c $< -o $@

$(BUILD)/ajsearch-dynamic: $(CLI_OBJS) $(LIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $(CLI_OBJS) $(LIB) $(PKG_LIBS)

$(RUNNER): $(TEST_OBJS) $(BUILD)/cli/out.o $(LIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $(TEST_OBJS) $(BUILD)/cli/out.o $(LIB) $(PKG_LIBS) $(CRIT_LIBS)

$(BUILD)/extract/%.o: src/extract/%.c
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(SANFLAGS) -Isrc $(EXTRACT_CFLAGS) -MMD -MP -c $< -o $@

$(EXTRACT): $(EXTRACT_OBJS) $(EXTRACT_LIBOBJS)
	$(CC) $(LDFLAGS_ALL) -o $@ $(EXTRACT_OBJS) $(EXTRACT_LIBOBJS) $(EXTRACT_LIBS)

-include $(EXTRACT_OBJS:.o=.d)

run: deps
	@$(MAKE) --no-print-directory all
	./ajsearch index
	./ajsearch -- '$(subst ','\'',$(Q))'

index: all
	./ajsearch index

check-build: $(BIN) $(SO) $(RUNNER) $(EXTRACT) $(SERVE) $(FUZZ_BINS)

# The Criterion runner holds the unit tests, the end-to-end tests (which
# drive $(BIN) on the real corpus) and the fuzzing runs; its last line is
# the summary.  `make test` runs it twice: first built with ASan and UBSan
# (the fuzzers are sanitizer builds already, so that pass only replays
# their inputs), then the normal build.  `make test SAN=1`: only the first.
# The metamorphic test of the ranking indexes the KJV verses (bible-kjv).
# In the sanitizer pass the reference tests run 40% of their random queries
# (TEST_SCALE; the normal pass runs them all), to keep `make test` near
# 13 minutes on a 2-core machine.
TEST_SCALE ?= 1
test: deps
	@sh tools/deps.sh bible-kjv groff-base man-db binutils zsh python3-venv python3-pip python3-setuptools python3-wheel cmark pandoc python3-reportlab fonts-dejavu-core chromium chromium-driver python3-selenium nginx wrk
ifeq ($(SAN),1)
	@$(MAKE) --no-print-directory SAN=1 test-run
else
	@$(MAKE) --no-print-directory SAN=1 FUZZ_SMOKE_SECONDS=0 TEST_SCALE=0.4 test-run
	@$(MAKE) --no-print-directory test-run
endif

test-run: check-build
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	AJ_FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS) AJ_TEST_SCALE=$(TEST_SCALE) AJSEARCH_BIN=$(CURDIR)/$(BIN) AJSEARCH_BUILD=$(CURDIR)/$(BUILD) \
	    ./$(RUNNER) --jobs 2 --timeout 900

# libFuzzer harnesses (tests/fuzz/).  The library is rebuilt with clang into
# build-fuzz/ with coverage instrumentation, ASan and UBSan.  `make test`
# runs each harness for FUZZ_SMOKE_SECONDS and replays tests/fuzz/regress/;
# `make fuzz` runs each for FUZZ_SECONDS, keeping what it finds in
# build-fuzz/corpus-NAME (the committed seeds are only read).

$(FUZZ_BUILD)/lib/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_BUILD)/lib/lexicon_data.o: $(FUZZ_BUILD)/gen/lexicon_data.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -Isrc -c $< -o $@

$(FUZZ_BUILD)/libajsearch.a: $(FUZZ_LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FUZZ_BUILD)/libajsearch.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Isrc -o $@ $< $(FUZZ_BUILD)/libajsearch.a $(PKG_LIBS)

# ajsearch-extract's HTML and DOCX readers, which link libxml2 and libzip
# (not poppler: PDF parsing is poppler's own, fuzzed upstream).
FUZZ_EXTRACT_PKGS := libxml-2.0 libzip
FUZZ_EXTRACT_OBJS := $(addprefix $(FUZZ_BUILD)/extract/,html.o docx.o text.o)
$(FUZZ_BUILD)/extract/%.o: src/extract/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(shell pkg-config --cflags $(FUZZ_EXTRACT_PKGS)) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_BUILD)/fuzz_extract: tests/fuzz/fuzz_extract.c tests/fuzz/fuzz_common.h $(FUZZ_EXTRACT_OBJS) $(FUZZ_BUILD)/libajsearch.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(shell pkg-config --cflags $(FUZZ_EXTRACT_PKGS)) -fsanitize=fuzzer -Isrc -o $@ $< \
	    $(FUZZ_EXTRACT_OBJS) $(FUZZ_BUILD)/libajsearch.a $(PKG_LIBS) $(shell pkg-config --libs $(FUZZ_EXTRACT_PKGS))

# ajsearch-serve's request handling (tests/fuzz/fuzz_http.c includes
# src/cli/serve.c) with the command line's objects it needs.
FUZZ_HTTP_OBJS := $(addprefix $(FUZZ_BUILD)/cli/,hits.o out.o facets.o web.o)
$(FUZZ_BUILD)/cli/%.o: src/cli/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@
$(FUZZ_BUILD)/cli/web.o: $(FUZZ_BUILD)/gen/web.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@
$(FUZZ_BUILD)/fuzz_http: tests/fuzz/fuzz_http.c tests/fuzz/fuzz_common.h src/cli/serve.c \
                         $(FUZZ_HTTP_OBJS) $(FUZZ_BUILD)/libajsearch.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Isrc -Isrc/cli -o $@ $< $(FUZZ_HTTP_OBJS) \
	    $(FUZZ_BUILD)/libajsearch.a $(PKG_LIBS) -lmicrohttpd

fuzz-build: deps $(FUZZ_BINS)

fuzz: fuzz-build
	@for f in $(FUZZERS); do \
	    mkdir -p $(FUZZ_BUILD)/corpus-$$f $(FUZZ_BUILD)/crashes; \
	    echo "fuzz: $$f for $(FUZZ_SECONDS) s"; \
	    ./$(FUZZ_BUILD)/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	        -dict=tests/fuzz/$$f.dict -artifact_prefix=$(FUZZ_BUILD)/crashes/$$f- \
	        -print_final_stats=1 $(FUZZ_BUILD)/corpus-$$f tests/fuzz/seeds/$$f \
	        > $(FUZZ_BUILD)/fuzz-$$f.log 2>&1 || { tail -40 $(FUZZ_BUILD)/fuzz-$$f.log; exit 1; }; \
	    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" $(FUZZ_BUILD)/fuzz-$$f.log; \
	done

# The end-to-end scenarios with every ajsearch process under valgrind
# (errors and leaks fail; inputs are smaller there, see tools/valgrind.sh).
VALGRIND_SCENARIOS ?= $(shell sed -n 's/^E2E(\(.*\))$$/\1/p' tests/test_cli.c)
valgrind: deps
	@$(MAKE) --no-print-directory SAN= all build/ajsearch-dynamic
	@sh tools/deps.sh valgrind
	sh tools/valgrind.sh build/ajsearch-dynamic $(VALGRIND_SCENARIOS)

# The relevance test: ajsearch, FTS5 and Xapian on the judged information
# needs of tests/relevance/ (nDCG@10, P@5, Recall@10, MRR), then ajsearch
# against the figure committed in tests/relevance/baseline.json, which
# `make test` also checks (tests/test_cli.c, relevance::ndcg_guard).
eval: bench-build
	python3 tests/relevance/metrics.py --self-test
	python3 tests/relevance/eval.py --json build/eval.json
	python3 tests/relevance/eval.py --guard

# Micro-benchmarks of the hot paths.  libstreamvbyte, when installed, is
# measured beside our codec (it is not a dependency of ajsearch).
SVB := $(shell test -f /usr/include/streamvbyte.h && echo 1)
BENCH_DEFS = -DBENCH_CFLAGS='"$(CC) $(CFLAGS)"' $(if $(SVB),-DHAVE_STREAMVBYTE)
BENCH_LIBS = $(if $(SVB),-lstreamvbyte)

$(BUILD)/bench/%: bench/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(BENCH_DEFS) -o $@ $< $(LIB) $(PKG_LIBS) $(BENCH_LIBS)

CXX ?= c++
BENCH_PKGS := g++ libsqlite3-dev sqlite3 libxapian-dev xapian-tools bible-kjv gnuplot-nox wrk
BENCH_BINS := $(BUILD)/bench/aj_bench $(BUILD)/bench/micro_codec $(BUILD)/bench/micro_open \
              $(BUILD)/bench/micro_store \
              $(BUILD)/bench/micro_analyzer \
              $(BUILD)/bench/fts5_bench $(BUILD)/bench/xapian_bench $(BUILD)/tools/synth \
              $(BUILD)/bench/ajsearch-clocked

$(BUILD)/bench/fts5_bench: bench/peers/fts5_bench.c
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(CFLAGS) -o $@ $< -lsqlite3

$(BUILD)/bench/xapian_bench: bench/peers/xapian_bench.cc
	@mkdir -p $(dir $@)
	$(CXX) -std=c++17 $(WARN) $(CFLAGS) -o $@ $< -lxapian

# build/ajsearch with a clock on each query line read, for the per-query
# times of `ajsearch search --stdin` (bench/run.py, "the user's path";
# bench/stdin_clock.c says how).
CLOCK_WRAP := -Wl,--wrap=getc,--wrap=fgetc,--wrap=getline,--wrap=getdelim,--wrap=fgets
$(BUILD)/bench/stdin_clock.o: bench/stdin_clock.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/bench/ajsearch-clocked: $(CLI_OBJS) $(BUILD)/bench/stdin_clock.o $(LIB)
	$(CC) $(LDFLAGS_ALL) $(BIN_LINK) $(CLOCK_WRAP) -o $@ $(CLI_OBJS) \
	    $(BUILD)/bench/stdin_clock.o $(LIB) $(PKG_LIBS)

$(BUILD)/tools/synth: tools/synth.c
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(CFLAGS) -o $@ $< -lm

bench-deps:
	@sh tools/deps.sh $(BENCH_PKGS)

# The benchmarks always use the normal -O2 build in build/.
bench-build: bench-deps
	@$(MAKE) --no-print-directory SAN= all $(subst $(BUILD),build,$(BENCH_BINS))

# The whole suite: seed, kjv, synth-100M, synth-flat-100M, synth-1G (takes
# hours: Xapian indexes about 1 MB/s here).  A run writes only its own folder,
# bench/out/<run id>/ (ignored by git; bench/out/latest is the newest): its
# JSON, a RESULTS.md draft and the plots.  `make bench-publish` publishes it.
bench: bench-build
	python3 bench/run.py

# A reduced run: seed and kjv, fewer queries (bench/README.md gives its
# time), then the regression gate on it: fails when a figure is more than
# 20% worse than bench/baseline/<machine kind>.json (bench/gate.py says how
# it judges).  Writes no tracked file.
bench-quick: bench-build
	python3 bench/run.py --quick
	python3 bench/gate.py

# The gate alone, on the latest run (or RUN=bench/out/<run id>).
bench-gate:
	python3 bench/gate.py $(if $(RUN),--results $(RUN))

# Publishes a run (RUN=bench/out/<run id>, default the latest) into
# bench/results and bench/RESULTS.md; it refuses to mix runs unless
# PUBLISH=--replace or PUBLISH=--mix says how (bench/publish.py).
bench-publish:
	python3 bench/publish.py $(RUN) $(PUBLISH)

bench-micro: $(BUILD)/bench/micro_codec $(BUILD)/bench/micro_open $(BUILD)/bench/micro_analyzer all
	./$(BUILD)/bench/micro_codec
	cat corpus/*.txt > $(BUILD)/analyzer-sample.txt
	./$(BUILD)/bench/micro_analyzer $(BUILD)/analyzer-sample.txt
	./ajsearch index
	./$(BUILD)/bench/micro_open index

# Installation, laid out as a C library's: the command, the shared object
# with its two links, the static archive, the header, a pkg-config file,
# the manual pages and the shell completions.  Every directory can be
# overridden on the command line; DESTDIR stages the whole tree (packaging).
# install depends on all and copies from $(BUILD): `sudo make install` after
# `make` finds everything up to date and compiles nothing as root.
#
# The version and the soname: see the top of this file.

BINDIR       ?= $(PREFIX)/bin
LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
DATADIR      ?= $(PREFIX)/share
MANDIR       ?= $(DATADIR)/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
BASHCOMPDIR  ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR   ?= $(DATADIR)/zsh/vendor-completions

# The pkg-config file.  Programs include <ajsearch.h> (Cflags names the
# header's own directory); Libs.private and Requires.private are what
# `pkg-config --static` adds for a link against libajsearch.a.  Directories
# under the prefix are written relative to ${prefix}, so a sysroot or
# pkgconf's --define-prefix can move the tree.  Phony, so rewritten at
# every install: PREFIX and LIBDIR are not files whose dates make compares.
pc_rel = $(patsubst $(PREFIX)/%,$${prefix}/%,$(1))
.PHONY: $(BUILD)/ajsearch.pc
$(BUILD)/ajsearch.pc:
	@mkdir -p $(dir $@)
	@printf '%s\n' \
	    'prefix=$(PREFIX)' \
	    'includedir=$(call pc_rel,$(INCLUDEDIR))' \
	    'libdir=$(call pc_rel,$(LIBDIR))' \
	    '' \
	    'Name: ajsearch' \
	    'Description: Full-text search of a directory of text documents: BM25-ranked paragraphs from a memory-mapped index' \
	    'Version: $(LIB_VERSION)' \
	    'Requires.private: $(PKGS)' \
	    'Cflags: -I$${includedir}/ajsearch' \
	    'Libs: -L$${libdir} -lajsearch' \
	    'Libs.private: -lstemmer -lpthread -lm' > $@.tmp
	@mv $@.tmp $@

# Every file install writes, relative to DESTDIR; uninstall removes these
# and nothing else.
INSTALLED = $(BINDIR)/ajsearch $(BINDIR)/ajsearch-extract $(BINDIR)/ajsearch-serve \
            $(LIBDIR)/$(REALNAME) $(LIBDIR)/$(SONAME) $(LIBDIR)/libajsearch.so \
            $(LIBDIR)/libajsearch.a \
            $(INCLUDEDIR)/ajsearch/ajsearch.h \
            $(PKGCONFIGDIR)/ajsearch.pc \
            $(MANDIR)/man1/ajsearch.1 $(MANDIR)/man3/libajsearch.3 \
            $(BASHCOMPDIR)/ajsearch $(ZSHCOMPDIR)/_ajsearch

install: all $(LIB) $(BUILD)/ajsearch.pc
	install -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(LIBDIR)" "$(DESTDIR)$(INCLUDEDIR)/ajsearch" \
	    "$(DESTDIR)$(PKGCONFIGDIR)" "$(DESTDIR)$(MANDIR)/man1" "$(DESTDIR)$(MANDIR)/man3" \
	    "$(DESTDIR)$(BASHCOMPDIR)" "$(DESTDIR)$(ZSHCOMPDIR)"
	install -m 755 $(BIN) "$(DESTDIR)$(BINDIR)/ajsearch"
	install -m 755 $(EXTRACT) "$(DESTDIR)$(BINDIR)/ajsearch-extract"
	install -m 755 $(SERVE) "$(DESTDIR)$(BINDIR)/ajsearch-serve"
	install -m 755 $(SO) "$(DESTDIR)$(LIBDIR)/$(REALNAME)"
	ln -sf $(REALNAME) "$(DESTDIR)$(LIBDIR)/$(SONAME)"
	ln -sf $(SONAME) "$(DESTDIR)$(LIBDIR)/libajsearch.so"
	install -m 644 $(LIB) "$(DESTDIR)$(LIBDIR)/libajsearch.a"
	install -m 644 src/ajsearch.h "$(DESTDIR)$(INCLUDEDIR)/ajsearch/ajsearch.h"
	install -m 644 $(BUILD)/ajsearch.pc "$(DESTDIR)$(PKGCONFIGDIR)/ajsearch.pc"
	install -m 644 docs/ajsearch.1 "$(DESTDIR)$(MANDIR)/man1/ajsearch.1"
	install -m 644 docs/libajsearch.3 "$(DESTDIR)$(MANDIR)/man3/libajsearch.3"
	install -m 644 tools/completion/ajsearch.bash "$(DESTDIR)$(BASHCOMPDIR)/ajsearch"
	install -m 644 tools/completion/_ajsearch "$(DESTDIR)$(ZSHCOMPDIR)/_ajsearch"

uninstall:
	rm -f $(foreach f,$(INSTALLED),"$(DESTDIR)$(f)")
	@d="$(DESTDIR)$(INCLUDEDIR)/ajsearch"; if [ -d "$$d" ]; then \
	    rmdir "$$d" 2>/dev/null || echo "uninstall: kept $$d, which holds other files"; fi

clean:
	rm -rf build build-san build-fuzz ajsearch ajsearch-extract
	rm -rf index/gen-* index/.build-* index/CURRENT index/CURRENT.* index/LOCK

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(SERVE_OBJS:.o=.d) $(TEST_OBJS:.o=.d) $(FUZZ_LIB_OBJS:.o=.d) $(FUZZ_EXTRACT_OBJS:.o=.d)
