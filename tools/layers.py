#!/usr/bin/env python3
"""Checks that the library's layers include downward only.

  python3 tools/layers.py [ROOT]     (ROOT: the repository, default .)

src/ holds the public header ajsearch.h and one folder per layer
(ARCHITECTURE.md).  A file of a layer may include the public header, the
headers of its own layer and those of the layers below it (ALLOWED); the
command line (src/cli) includes the public header and its own headers only,
so it uses nothing a library user could not.  Includes are written from
src/ ("format/dict.h"), never with "..".  Prints each violation as
FILE:LINE and exits 1 when there is one.
"""
import os
import re
import sys

# Each layer and what it may include besides itself and ajsearch.h.
ALLOWED = {
    "common": [],
    "extract": ["common"],
    "analysis": ["common"],
    "format": ["common", "analysis"],
    "index": ["common", "analysis", "format", "extract"],
    "build": ["common", "analysis", "format", "index", "extract"],
    "query": ["common", "analysis", "format", "index"],
    "search": ["common", "analysis", "format", "index", "query"],
    "cli": [],
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def check(root):
    src = os.path.join(root, "src")
    bad = []
    for name in sorted(os.listdir(src)):
        path = os.path.join(src, name)
        if os.path.isfile(path) and name.endswith((".c", ".h")):
            # the public header stands alone
            for n, line in enumerate(open(path, encoding="utf-8"), 1):
                m = INCLUDE.match(line)
                if m:
                    bad.append(f"src/{name}:{n}: the public header includes \"{m.group(1)}\"")
        elif os.path.isdir(path) and name not in ALLOWED:
            bad.append(f"src/{name}: a folder that is not a layer (tools/layers.py)")
    for layer in ALLOWED:
        d = os.path.join(src, layer)
        if not os.path.isdir(d):
            continue
        may = set(ALLOWED[layer]) | {layer}
        for name in sorted(os.listdir(d)):
            if not name.endswith((".c", ".h")):
                continue
            rel = f"src/{layer}/{name}"
            for n, line in enumerate(open(os.path.join(d, name), encoding="utf-8"), 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                inc = m.group(1)
                if inc == "ajsearch.h":
                    continue
                if ".." in inc.split("/"):
                    bad.append(f"{rel}:{n}: \"{inc}\": include from src/, without ..")
                    continue
                if layer == "cli":
                    if "/" in inc:
                        bad.append(f"{rel}:{n}: the command line includes \"{inc}\": "
                                   "only ajsearch.h and its own headers")
                    continue
                parts = inc.split("/")
                if len(parts) != 2 or parts[0] not in ALLOWED:
                    bad.append(f"{rel}:{n}: \"{inc}\" names no layer")
                elif parts[0] not in may:
                    bad.append(f"{rel}:{n}: layer {layer} includes \"{inc}\" "
                               f"(it may include {', '.join(sorted(may))})")
    return bad


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    bad = check(root)
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
