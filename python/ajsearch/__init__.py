"""ajsearch: Python bindings to libajsearch, the paragraph search engine.

    import ajsearch
    ajsearch.build("corpus", "index")
    with ajsearch.Index("index") as ix:
        for hit in ix.search("maritime security", n=3):
            print(hit["rank"], hit["cite"])
            print(hit["text"])

The bindings use ctypes only.  The library is found through the
environment variable AJSEARCH_LIB (a path), else
ctypes.util.find_library("ajsearch"), else the loader's search path for
libajsearch.so.2; importing fails with ImportError when it cannot be loaded
or is of a version this package was not written for.
"""

from ._capi import lib_path as library_path
from ._core import (HIT_KEYS, Error, Index, Results, analyze, build,
                    format_version, version)

__version__ = "2.0.0"

__all__ = ["Error", "Index", "Results", "build", "analyze", "version",
           "format_version", "library_path", "HIT_KEYS", "__version__"]
