#!/usr/bin/env python3
"""Load on `ajsearch serve`, on localhost only: wrk (Debian's) with 1, 8 and
64 connections in turn, each for a bounded time, over the queries of
bench/serve_load.lua (the search page's request: hits and three facets).
Prints requests/s and the latency percentiles wrk reports, and writes
them as JSON.

Usage: bench/serve_load.py INDEX [--seconds S] [--threads N] [--out FILE]
(from the repository root, after `make all`).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "cli"))
from e2e_serve import Server  # noqa: E402

UNIT = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)$", v)
    return float(m.group(1)) * UNIT[m.group(2)]


def wrk(url, conns, seconds):
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "serve_load.lua")
    p = subprocess.run(["wrk", "-t", str(min(conns, 2)), "-c", str(conns), "-d", f"{seconds}s",
                        "--latency", "-s", script, url], capture_output=True, text=True,
                       timeout=seconds + 60)
    if p.returncode != 0:
        raise SystemExit(f"wrk failed: {p.stderr}")
    out = p.stdout
    lat = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)$", out, re.M))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: (.*)", out)
    return {"connections": conns, "requests_per_s": rps,
            "p50_ms": ms(lat["50"]), "p90_ms": ms(lat["90"]), "p99_ms": ms(lat["99"]),
            "non_2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": sock.group(1) if sock else None}


def main():
    a = argparse.ArgumentParser()
    a.add_argument("index")
    a.add_argument("--seconds", type=int, default=10)
    a.add_argument("--threads", type=int, default=0)
    a.add_argument("--out")
    args = a.parse_args()
    more = ["--threads", str(args.threads)] if args.threads else []
    srv = Server(os.path.abspath(args.index), *more)
    try:
        started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        rows = [wrk(srv.url, c, args.seconds) for c in (1, 8, 64)]
    finally:
        srv.stop()
    res = {"started": started, "index": args.index, "seconds": args.seconds, "runs": rows,
           "cpus": os.cpu_count()}
    print("| connections | requests/s | p50 ms | p90 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['connections']} | {r['requests_per_s']:,.0f} | {r['p50_ms']:.2f} | "
              f"{r['p90_ms']:.2f} | {r['p99_ms']:.2f} | {r['non_2xx']}"
              f"{', sockets: ' + r['socket_errors'] if r['socket_errors'] else ''} |")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
