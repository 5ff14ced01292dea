"""The C side: finding libajsearch, mirrors of its public structs, and the
prototypes of the functions the package calls.

Everything here follows src/ajsearch.h.  The struct mirrors are checked
against the header by tests/test_layout.py, which compiles a C program
printing the real sizes and offsets; keep STRUCTS complete when adding a
mirror so that the test covers it.
"""

import ctypes
import ctypes.util
import os
from ctypes import (CFUNCTYPE, POINTER, c_char, c_char_p, c_double, c_int,
                    c_size_t, c_uint, c_uint32, c_uint64, c_void_p)

# The library version this package was written against.  A library of
# another MAJOR may have other struct layouts or enum values (the header's
# rule), and one of an older MINOR may lack functions or options used here
# (aj_search_opts.group came with 0.2).
MAJOR = 2
MINOR = 0

# ---- enums (values fixed within a MAJOR; test_layout compares them) ----

ERROR_NAMES = (
    "AJ_OK", "AJ_ENOMEM", "AJ_EIO", "AJ_ECORRUPT", "AJ_EVERSION",
    "AJ_ESYNTAX", "AJ_ELIMIT", "AJ_EINVAL", "AJ_ENOTFOUND", "AJ_EBUSY",
    "AJ_EWARN", "AJ_ECANCELED",
)
AJ_ESYNTAX = 5
AJ_ELIMIT = 6

AJ_WARN_NKINDS = 10

AJ_RANK_FULL = 0
AJ_RANK_BM25 = 1

AJ_CORRECT_AUTO = 0
AJ_CORRECT_PROPOSE = 1
AJ_CORRECT_OFF = 2

AJ_NO_PARA = 0xFFFFFFFF
UINT32_MAX = 0xFFFFFFFF

# Every enum of the header is an int in the C ABIs this runs on, and so is
# sig_atomic_t (aj_build_opts.cancel) on glibc and musl.
c_enum = c_int
c_sig_atomic = c_int

# ---- structs ----


class aj_ctx(ctypes.Structure):
    _fields_ = [("err", c_enum), ("pos", c_size_t), ("msg", c_char * 512)]


class aj_token(ctypes.Structure):
    # term and word are read with their lengths (the lengths are
    # authoritative), hence raw pointers rather than c_char_p.
    _fields_ = [
        ("term", c_void_p), ("term_len", c_uint32),
        ("word", c_void_p), ("word_len", c_uint32),
        ("pos", c_uint32), ("start", c_uint32), ("end", c_uint32),
    ]


aj_token_fn = CFUNCTYPE(c_int, c_void_p, POINTER(aj_token))
aj_warn_fn = CFUNCTYPE(None, c_void_p, c_int, c_char_p, c_char_p)


class aj_build_opts(ctypes.Structure):
    _fields_ = [
        ("corpus_dir", c_char_p), ("index_dir", c_char_p),
        ("warn", aj_warn_fn), ("warn_arg", c_void_p),
        ("threads", c_int), ("memory", c_uint64),
        ("keep", c_int), ("wait", c_int), ("strict", c_int),
        ("progress", c_void_p),  # aj_progress_fn, never set here
        ("progress_arg", c_void_p),
        ("cancel", c_void_p),  # const volatile sig_atomic_t *
        ("extractor", c_char_p), ("extract_memory", c_uint64),
        ("extract_seconds", ctypes.c_uint), ("shard_bytes", c_uint64),
    ]


class aj_build_stats(ctypes.Structure):
    _fields_ = [
        ("ndocs", c_uint32), ("nparas", c_uint32), ("nskipped", c_uint32),
        ("nterms", c_uint64), ("nwords", c_uint64), ("ntokens", c_uint64),
        ("npostings", c_uint64), ("bytes_in", c_uint64),
        ("bytes_out", c_uint64), ("threads", c_uint32), ("nruns", c_uint32),
        ("seconds", c_double), ("warnings", c_uint32 * AJ_WARN_NKINDS),
        ("fingerprint", c_uint64), ("format", c_uint),
        ("nshards", c_uint32), ("shards_built", c_uint32),
    ]


class aj_file_info(ctypes.Structure):
    _fields_ = [("name", c_char_p), ("nbytes", c_uint64)]


class aj_index_stats(ctypes.Structure):
    _fields_ = [
        ("ndocs", c_uint32), ("nparas", c_uint32), ("nchrome", c_uint32),
        ("chrome_tokens", c_uint64),
        ("nterms", c_uint64), ("nwords", c_uint64), ("npostings", c_uint64),
        ("ntokens", c_uint64), ("avgdl", c_double), ("nacronyms", c_uint32),
        ("generation", c_char_p), ("nfiles", c_size_t),
        ("files", aj_file_info * 8),
    ]


class aj_doc_info(ctypes.Structure):
    _fields_ = [
        ("path", c_char_p), ("title", c_char_p), ("date", c_char_p),
        ("source", c_char_p), ("first_para", c_uint32), ("nparas", c_uint32),
        ("cite_path", c_int), ("size", c_uint64), ("xxh3", c_uint64),
        ("format", c_char_p), ("own_title", c_int), ("own_date", c_int),
        ("failed", c_int),
    ]


class aj_para_info(ctypes.Structure):
    _fields_ = [
        ("id", c_uint32), ("doc", c_uint32), ("ordinal", c_uint32),
        ("block", c_uint32), ("label", c_char_p), ("mark", c_int),
        ("start", c_uint64), ("end", c_uint64), ("len", c_uint32),
        ("kind", c_int), ("chrome", c_int), ("section", c_uint32),
        ("page", c_uint32),
    ]


class aj_cite(ctypes.Structure):
    _fields_ = [
        ("cite", c_char_p), ("place", c_char_p), ("title", c_char_p),
        ("date", c_char_p), ("path", c_char_p), ("heading", c_char_p),
        ("nsection", c_size_t), ("section", POINTER(c_char_p)),
        ("section_ids", POINTER(c_uint32)), ("position", c_uint32),
        ("mem", c_void_p),
    ]


class aj_qword(ctypes.Structure):
    _fields_ = [("pos", c_size_t), ("len", c_size_t), ("chrome", c_int)]


class aj_search_opts(ctypes.Structure):
    _fields_ = [
        ("k1", c_double), ("b", c_double),
        ("offset", c_uint32), ("limit", c_uint32),
        ("explain", c_int), ("exact_total", c_int), ("rank", c_enum),
        ("w_prox", c_double), ("w_head", c_double), ("heading_hit", c_double),
        ("partial", c_int), ("doc_counts", c_int), ("expand", c_int),
        ("correct", c_enum), ("chrome", c_int), ("group", c_uint32),
        ("since", c_char_p), ("until", c_char_p), ("doc", c_char_p), ("source", c_char_p),
        ("facets", ctypes.c_uint),
    ]


class aj_facet_value(ctypes.Structure):
    _fields_ = [("value", c_char_p), ("count", c_uint64)]


class aj_facet(ctypes.Structure):
    _fields_ = [("kind", ctypes.c_uint), ("values", POINTER(aj_facet_value)),
                ("n", c_size_t)]


class aj_hit(ctypes.Structure):
    _fields_ = [
        ("id", c_uint32), ("score", c_double), ("bm25", c_double),
        ("proximity", c_double), ("heading", c_double), ("kind", c_double),
        ("share", c_double), ("matched", c_uint32), ("clauses", c_uint32),
        ("explain", c_void_p),  # aj_explain *, only with opts.explain
        ("nexplain", c_size_t),
    ]


class aj_span(ctypes.Structure):
    _fields_ = [("start", c_uint32), ("end", c_uint32), ("term", c_uint32)]


class aj_group(ctypes.Structure):
    _fields_ = [
        ("doc", c_uint32), ("matches", c_uint32), ("score", c_double),
        ("hits", POINTER(aj_hit)), ("nhits", c_size_t),
    ]


class aj_correction(ctypes.Structure):
    _fields_ = [
        ("pos", c_size_t), ("len", c_size_t),
        ("original", c_char_p), ("word", c_char_p),
        ("df_original", c_uint32), ("df_word", c_uint32),
        ("edits", c_int), ("automatic", c_int),
    ]


class aj_suggestion(ctypes.Structure):
    _fields_ = [
        ("query", c_void_p), ("query_len", c_size_t),
        ("fixes", POINTER(aj_correction)), ("nfixes", c_size_t),
    ]


class aj_results(ctypes.Structure):
    _fields_ = [
        ("total", c_uint64), ("total_exact", c_int),
        ("nhits", c_size_t), ("npartial", c_size_t),
        ("hits", POINTER(aj_hit)),
        ("seconds", c_double), ("decoded", c_uint64),
        ("doc_matches", POINTER(c_uint32)),
        ("also", POINTER(c_char_p)), ("nalso", c_size_t),
        ("clauses", c_uint32),
        ("missing", POINTER(aj_qword)), ("nmissing", c_size_t),
        ("suggestion", POINTER(aj_suggestion)),
        ("corrected", c_int),
        # Query bytes with lengths: any bytes, NUL included.
        ("given", c_void_p), ("query", c_void_p),
        ("given_len", c_size_t), ("query_len", c_size_t),
        ("groups", POINTER(aj_group)), ("ngroups", c_size_t),
        ("total_groups", c_uint64),
        ("facets", POINTER(aj_facet)), ("nfacets", c_size_t), ("filtered", c_int),
    ]


# Every mirror, by its C type name, for the layout test.
STRUCTS = {
    cls.__name__: cls
    for cls in (aj_ctx, aj_token, aj_build_opts, aj_build_stats,
                aj_file_info, aj_index_stats, aj_doc_info, aj_para_info,
                aj_cite, aj_qword, aj_search_opts, aj_facet_value, aj_facet, aj_hit,
                aj_span, aj_group,
                aj_correction, aj_suggestion, aj_results)
}

# ---- loading ----

_P = POINTER
_ctx = _P(aj_ctx)

# name: (restype, argtypes).  Handles (aj_index *, aj_searcher *,
# aj_analyzer *) travel as c_void_p.
PROTOTYPES = {
    "aj_strerror": (c_char_p, [c_enum]),
    "aj_version_number": (c_uint, []),
    "aj_version_string": (c_char_p, []),
    "aj_format_version": (c_uint, []),
    "aj_analyzer_new": (c_enum, [_ctx, _P(c_void_p)]),
    "aj_analyzer_free": (None, [c_void_p]),
    "aj_analyze": (c_enum, [_ctx, c_void_p, c_char_p, c_size_t, c_uint32,
                            aj_token_fn, c_void_p]),
    "aj_warn_kind_name": (c_char_p, [c_int]),
    "aj_build": (c_enum, [_ctx, _P(aj_build_opts), _P(aj_build_stats)]),
    "aj_index_open": (c_enum, [_ctx, c_char_p, _P(c_void_p)]),
    "aj_index_close": (None, [c_void_p]),
    "aj_index_check": (c_enum, [_ctx, c_void_p]),
    "aj_index_stats_get": (None, [c_void_p, _P(aj_index_stats)]),
    "aj_doc_get": (c_enum, [_ctx, c_void_p, c_uint32, _P(aj_doc_info)]),
    "aj_para_get": (c_enum, [_ctx, c_void_p, c_uint32, _P(aj_para_info)]),
    "aj_para_kind_name": (c_char_p, [c_int, c_int]),
    "aj_para_cite": (c_enum, [_ctx, c_void_p, c_uint32, _P(aj_cite)]),
    "aj_cite_free": (None, [_P(aj_cite)]),
    "aj_free": (None, [c_void_p]),
    # char ** out-parameters as void ** so that the pointer survives for
    # free() instead of being turned into bytes.
    "aj_para_text": (c_enum, [_ctx, c_void_p, c_uint32, _P(c_void_p),
                              _P(c_size_t)]),
    "aj_searcher_new": (c_enum, [_ctx, c_void_p, _P(c_void_p)]),
    "aj_searcher_free": (None, [c_void_p]),
    "aj_search_para_text": (c_enum, [_ctx, c_void_p, c_uint32, _P(c_void_p),
                                     _P(c_size_t)]),
    "aj_search_opts_init": (None, [_P(aj_search_opts)]),
    "aj_search": (c_enum, [_ctx, c_void_p, c_char_p, c_size_t,
                           _P(aj_search_opts), _P(_P(aj_results))]),
    "aj_search_highlight": (c_size_t, [c_void_p, c_char_p, c_size_t,
                                       _P(aj_span), c_size_t]),
}


def _candidates():
    path = os.environ.get("AJSEARCH_LIB")
    if path:
        return [path], "AJSEARCH_LIB=%s" % path
    found = ctypes.util.find_library("ajsearch")
    if found:
        return [found], "ctypes.util.find_library('ajsearch') -> %s" % found
    return ["libajsearch.so.2"], "the loader's search path (libajsearch.so.2)"


def _load():
    names, where = _candidates()
    try:
        lib = ctypes.CDLL(names[0])
    except OSError as e:
        raise ImportError(
            "ajsearch: cannot load the C library libajsearch from %s: %s.  "
            "Build it (make, in the ajsearch source tree, gives "
            "build/libajsearch.so.2) and point the environment variable "
            "AJSEARCH_LIB at that file, or install it where the dynamic "
            "loader finds it." % (where, e)) from None
    try:
        lib.aj_version_number.restype = c_uint
        lib.aj_version_number.argtypes = []
        number = lib.aj_version_number()
    except AttributeError:
        raise ImportError("ajsearch: %s is not libajsearch (no "
                          "aj_version_number)" % names[0]) from None
    major, minor = number // 10000, number // 100 % 100
    patch = number % 100
    if major != MAJOR or minor < MINOR:
        raise ImportError(
            "ajsearch: the library %s is version %d.%d.%d, but this package "
            "was written for %d.%d or a later %d.x; its structs or functions "
            "may differ.  Use a matching libajsearch (AJSEARCH_LIB) or a "
            "matching version of this package."
            % (names[0], major, minor, patch, MAJOR, MINOR, MAJOR))
    for name, (restype, argtypes) in PROTOTYPES.items():
        try:
            fn = getattr(lib, name)
        except AttributeError:
            raise ImportError("ajsearch: the library %s lacks %s()"
                              % (names[0], name)) from None
        fn.restype = restype
        fn.argtypes = argtypes
    return lib, names[0]


lib, lib_path = _load()
free = lib.aj_free
