#!/usr/bin/env python3
"""End-to-end tests of `ajsearch serve` (README "Server"): the server is
started on a free port of 127.0.0.1 and asked over HTTP.

Usage: e2e_serve.py SCENARIO   (from the repository root; $AJSEARCH_BIN
names the binary, beside which ajsearch-serve must be).  Scenarios:

  api        /api/search returns the hits `ajsearch --json` prints (the
             same objects, in the same order) with the total, suggestion,
             correction and facets of the command line's answer; group=1
             the documents of --group; /api/paragraph/ID the objects of
             `show --json`; /api/stats the counts of `stats --json`;
             /healthz the generation
  errors     a query error is 400 with the message and position the
             command line gives; bad parameters 400; unknown pages and
             paragraphs 404; POST, PUT, DELETE 405 with Allow; a GET with a
             body 413; HEAD answers without a body; every error is JSON
  follows    while clients search without pause, `ajsearch index` adds a
             document and switches the index: the server picks the new
             generation up without a restart, every answer is complete
             and is the old index's or the new one's (never an error), and
             the new document is found
  overload   with more connections open than its threads take at once
             (64 each), the API answers 503 with Retry-After at once,
             /healthz still 200; once they close, 200 again
  faults     a client sending its headers a byte at a time does not hold
             up the others; headers of 300 KiB are refused (4xx or a
             closed connection); queries at every limit are 400s; 10,000
             connections opened at once (fewer when the hard limit on open
             files is lower) are served or refused, never a crash, and once they close the server answers as before,
             its memory within 64 MB of what it was
  load       wrk (Debian's) for 2 s at each of 1, 8 and 64 connections,
             then 64 connections while the index is rebuilt three times:
             every answer 200, no socket error, and the server's memory
             after within 64 MB of before (the figures are make bench's;
             this checks only that the answers hold up)
"""
import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import BIN, CORPUS, build, check, main, run  # noqa: E402

QUERIES = ["maritime security", "AOIP", '"rule of law"', "clim*", "japan -china",
           "mariitme", "cyber OR digital", "Nguyễn Xuân Phúc", "energy NEAR/5 transition"]


class Endpoint:
    """An HTTP server at url (an ajsearch server, or nginx in front of
    some)."""

    def __init__(self, url):
        self.url = url

    def get(self, path, method="GET", data=None):
        req = urllib.request.Request(self.url + path, method=method, data=data)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def json(self, path):
        status, headers, body = self.get(path)
        check(headers.get("Content-Type", "").startswith("application/json"),
              f"{path}: content type {headers.get('Content-Type')}")
        return status, json.loads(body)

class Server(Endpoint):
    """ajsearch serve on a free port; stopped by stop() (SIGTERM)."""

    def __init__(self, index, *more):
        env = dict(os.environ)
        env.pop("AJSEARCH_INDEX", None)
        # A sanitizer build keeps freed memory aside (ASan's quarantine, 256
        # MB by default) to catch late uses: kept small here, so that the
        # memory checks measure the server, not the quarantine.
        env["ASAN_OPTIONS"] = ":".join(x for x in (env.get("ASAN_OPTIONS"),
                                                   "quarantine_size_mb=8") if x)
        self.p = subprocess.Popen([BIN, "serve", "--index", index, "--corpus", CORPUS,
                                   "--port", "0", *more], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=env, text=True)
        line = self.p.stdout.readline()
        m = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
        if not m:
            self.p.kill()
            raise AssertionError(f"serve printed no address: {line!r} {self.p.stderr.read()}")
        self.url = m.group(1).rstrip("/")

    def stop(self):
        self.p.terminate()
        try:
            rc = self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            raise AssertionError("serve did not stop on SIGTERM")
        check(rc == 0, f"serve exited with {rc}: {self.p.stderr.read()}")


def q(query, **more):
    return "/api/search?" + urllib.parse.urlencode({"q": query, **more})


def add_document(corpus):
    """Adds the document the switch tests look for (one more match of
    "maritime", and the only one of "Zanzibarian")."""
    with open(os.path.join(corpus, "added.txt"), "w", encoding="utf-8") as f:
        f.write("Zanzibarian maritime patrols met the maritime working group.\n")


class Searchers:
    """n clients searching "maritime" through endpoint without pause, from
    start() to stop(): seen holds (generation, total) of each answer,
    errors every failed or incomplete one."""

    def __init__(self, endpoint, n=3):
        self.endpoint, self.seen, self.errors = endpoint, [], []
        self.halt = threading.Event()
        self.threads = [threading.Thread(target=self.client) for _ in range(n)]

    def client(self):
        while not self.halt.is_set():
            try:
                status, got = self.endpoint.json(q("maritime", n=3))
                if status != 200 or len(got["hits"]) != min(3, got["total"]):
                    self.errors.append((status, got))
                else:
                    self.seen.append((got["generation"], got["total"]))
            except Exception as e:  # a refused or broken connection is a failure
                self.errors.append(repr(e))

    def start(self):
        for t in self.threads:
            t.start()

    def stop(self):
        self.halt.set()
        for t in self.threads:
            if t.is_alive():
                t.join()

    def check(self, first, new):
        """No answer failed, and each is the first index's (first: its
        answer) or the new generation's, with the added document."""
        check(not self.errors, f"answers failed during the switch: {self.errors[:3]}")
        for g, total in self.seen:
            check((g, total) in {(first["generation"], first["total"]),
                                 (new, first["total"] + 1)}, f"{g} answered {total} matches")


# What --json repeats in every line and the API says once, at the top.
QUERY_KEYS = ("also", "suggestion", "corrected", "missing", "in_chrome")


def cli_lines(index, *args):
    """--json's lines, without the keys the API gives once (QUERY_KEYS)."""
    rc, out, err = run("--json", *args, index=index)
    check(rc in (0, 1), f"ajsearch {args}: {rc} {err}")
    return [{k: v for k, v in json.loads(line).items() if k not in QUERY_KEYS}
            for line in out.splitlines()]


def s_api(tmp):
    index = build(tmp)
    srv = Server(index)
    try:
        status, h = srv.json("/healthz")
        check(status == 200 and h["status"] == "ok" and h["generation"].startswith("gen-"),
              f"healthz: {h}")
        for query in QUERIES:
            status, got = srv.json(q(query, n=5))
            check(status == 200, f"{query}: status {status}")
            lines = cli_lines(index, "-n", "5", "--", query)
            hits = [x for x in lines if "rank" in x]
            check(got["hits"] == hits, f"{query}: the API's hits differ from --json's")
            check(len(got["hits"]) == got["listed"] <= 5, f"{query}: listed")
            rc, out, _ = run("--count", "--json", "--", query, index=index)
            count = json.loads(out)
            check(got["total"] == count["count"] and got["corrected"] == count["corrected"]
                  and got["suggestion"] == count["suggestion"]
                  and got["missing"] == count["missing"], f"{query}: {got} / {count}")
            check(got["given"] == query and isinstance(got["took_us"], (int, float)),
                  f"{query}: given/took_us")
        # a correction runs the corrected query, as the command line does
        status, got = srv.json(q("mariitme"))
        check(got["corrected"] and got["query"] == "maritime" and got["total"] > 0,
              f"mariitme: {got['query']} {got['total']}")
        # filters, offset and facets, against the command line's
        status, got = srv.json(q("ASEAN", n=3, offset=2, since="2023", facet="year,doc"))
        lines = cli_lines(index, "-n", "3", "--offset", "2", "--since", "2023", "--facet", "year",
                          "--facet", "doc", "ASEAN")
        check(got["hits"] == [x for x in lines if "rank" in x], "filtered hits")
        check(got["hits"][0]["rank"] == 3, "offset counts in rank")
        check({"facets": got["facets"]} == lines[-1], f"facets: {got['facets']} / {lines[-1]}")
        check(all(d >= "2023" for d in (h["date"] for h in got["hits"])), "since")
        status, got = srv.json(q("security", group=1, n=2))
        groups = cli_lines(index, "--group", "-n", "2", "security")
        check(got["groups"] == groups and got["total_groups"] >= len(groups),
              "group=1 gives --group's documents")
        # a paragraph and its neighbours, as show --json
        status, got = srv.json("/api/paragraph/28?context=2")
        rc, out, err = run("show", "--json", "--context", "2", "28", index=index)
        check(status == 200 and got["paragraphs"] == [json.loads(x) for x in out.splitlines()],
              "paragraph 28 as show --json")
        check(sum(p["target"] for p in got["paragraphs"]) == 1, "one target")
        status, st = srv.json("/api/stats")
        rc, out, _ = run("stats", "--json", index=index)
        cli = json.loads(out)
        for k in ("generation", "documents", "paragraphs", "terms", "words", "postings"):
            check(st[k] == cli[k], f"stats {k}: {st[k]} / {cli[k]}")
    finally:
        srv.stop()


def s_errors(tmp):
    index = build(tmp)
    srv = Server(index)
    try:
        for query in ['"maritime', "(a OR b", "a" * 70000]:
            status, e = srv.json(q(query))
            rc, out, err = run("--json", "--", query, index=index)
            check(status == 400 and e["status"] == 400 and rc == 2, f"{query[:20]}: {status}")
            check(e["error"] in err, f"the command line's message: {e['error']} / {err}")
            check(isinstance(e["position"], int) and 0 <= e["position"] <= len(query.encode()),
                  f"position {e.get('position')}")
        for path, want in [("/api/search", 400), (q("x", n="many"), 400), (q("x", n=5000), 400),
                           (q("x", offset=-1), 400), (q("x", facet="colour"), 400),
                           ("/api/paragraph/99999", 404), ("/api/paragraph/abc", 404),
                           ("/api/paragraph/28?context=x", 400), ("/nothing", 404),
                           ("/api/searchx?q=a", 404)]:
            status, e = srv.json(path)
            check(status == want and e["status"] == want and e["error"], f"{path}: {status} {e}")
        for method in ["POST", "PUT", "DELETE", "PATCH"]:
            status, headers, body = srv.get(q("x"), method=method, data=b"x" if method != "DELETE" else None)
            check(status == 405 and headers.get("Allow") == "GET, HEAD" and
                  json.loads(body)["status"] == 405, f"{method}: {status} {headers}")
        status, headers, body = srv.get(q("x"), data=b"a body", method="GET")
        check(status == 413 and json.loads(body)["status"] == 413, f"GET with a body: {status}")
        status, headers, body = srv.get(q("maritime"), method="HEAD")
        check(status == 200 and body == b"", f"HEAD: {status} {len(body)}")
        status, _ = srv.json("/healthz")
        check(status == 200, "still serving")
    finally:
        srv.stop()


def s_follows(tmp):
    corpus = os.path.join(tmp, "corpus")
    shutil.copytree(CORPUS, corpus)
    index = build(tmp, corpus)
    srv = Server(index)
    clients = Searchers(srv)
    try:
        _, first = srv.json(q("maritime", n=3))
        clients.start()
        add_document(corpus)
        rc, out, err = run("index", "--corpus", corpus, index=index)
        check(rc == 0, f"index: {err}")
        deadline = time.time() + 10
        while time.time() < deadline:
            _, h = srv.json("/healthz")
            if h["generation"] != first["generation"]:
                break
            time.sleep(0.05)
        check(h["generation"] != first["generation"], "the new generation was not picked up")
        time.sleep(0.3)
        clients.stop()
        clients.check(first, h["generation"])
        gens = {g for g, _ in clients.seen}
        check(gens <= {first["generation"], h["generation"]} and len(clients.seen) > 10,
              f"generations seen: {gens}, {len(clients.seen)} answers")
        _, got = srv.json(q("Zanzibarian"))
        check(got["total"] == 1 and got["hits"][0]["doc"] == "added.txt", "the new document")
    finally:
        clients.stop()
        srv.stop()


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def idle_sockets(url, n):
    """n connections to the server that send nothing (those it refuses
    are closed on our side too)."""
    host, port = url.split("//")[1].split(":")
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect_ex((host, int(port)))
        except OSError:
            s.close()
            break
        socks.append(s)
    return socks


def s_overload(tmp):
    index = build(tmp)
    srv = Server(index, "--threads", "1")
    socks = []
    try:
        status, _ = srv.json(q("maritime"))
        check(status == 200, "a search before")
        socks = idle_sockets(srv.url, 80)
        time.sleep(0.5)
        status, headers, body = srv.get(q("maritime"))
        e = json.loads(body)
        check(status == 503 and e["status"] == 503 and "overloaded" in e["error"] and
              headers.get("Retry-After") == "1", f"with 80 connections open: {status} {e}")
        status, _ = srv.json("/healthz")
        check(status == 200, "healthz stays 200")
        for s in socks:
            s.close()
        socks = []
        deadline = time.time() + 10
        while time.time() < deadline and srv.get(q("maritime"))[0] != 200:
            time.sleep(0.1)
        check(srv.get(q("maritime"))[0] == 200, "200 again once they closed")
    finally:
        for s in socks:
            s.close()
        srv.stop()


def s_faults(tmp):
    index = build(tmp)
    srv = Server(index)
    pid = srv.p.pid
    host, port = srv.url.split("//")[1].split(":")
    try:
        srv.json(q("maritime"))
        before = rss_kb(pid)
        # a client that sends its request a byte at a time
        slow = socket.create_connection((host, int(port)))
        req = b"GET /api/search?q=maritime HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 20
        for b in req[:40]:
            slow.send(bytes([b]))
            t0 = time.time()
            status, _ = srv.json(q("security"))
            check(status == 200 and time.time() - t0 < 2, "a slow client holds up the others")
            time.sleep(0.02)
        slow.close()
        # headers far past the connection's memory
        s = socket.create_connection((host, int(port)))
        try:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * (300 << 10) +
                      b"\r\n\r\n")
            s.settimeout(10)
            head = s.recv(200)
        except (BrokenPipeError, ConnectionResetError):
            head = b""
        s.close()
        m = re.match(rb"HTTP/1\.1 (\d+)", head)
        check(not head or (m and 400 <= int(m.group(1)) < 500), f"huge headers: {head[:80]!r}")
        # queries at the limits
        for query in ["a" * 70000, " ".join(["w"] * 1100), "(" * 70 + "a" + ")" * 70,
                      '"' + "a " * 300 + '"']:
            status, e = srv.json(q(query))
            check(status in (200, 400) and e.get("status", 200) == status,
                  f"a query at the limits: {status} {str(e)[:100]}")
        # 10,000 connections at once
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = min(hard, 12000)
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        socks = idle_sockets(srv.url, min(10000, want - 200))
        check(len(socks) >= min(10000, want - 200) - 10, f"opened {len(socks)} connections")
        time.sleep(1)
        check(srv.p.poll() is None, "the server died under 10,000 connections")
        for s in socks:
            s.close()
        deadline = time.time() + 40
        ok = False
        while time.time() < deadline and not ok:
            try:
                ok = srv.get(q("maritime"))[0] == 200
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
        check(ok, "the server answers again once the connections closed")
        after = rss_kb(pid)
        check(after - before < 64 * 1024, f"memory grew from {before} to {after} kB")
    finally:
        srv.stop()


def s_load(tmp):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                    "bench"))
    from serve_load import wrk  # noqa: E402
    corpus = os.path.join(tmp, "corpus")
    shutil.copytree(CORPUS, corpus)
    index = build(tmp, corpus)
    srv = Server(index)
    try:
        srv.json(q("maritime"))
        before = rss_kb(srv.p.pid)
        for conns in (1, 8, 64):
            r = wrk(srv.url, conns, 2)
            check(r["non_2xx"] == 0 and not r["socket_errors"] and r["requests_per_s"] > 0,
                  f"{conns} connections: {r}")
        done = threading.Event()
        result = {}

        def load():
            result["r"] = wrk(srv.url, 64, 6)
            done.set()

        t = threading.Thread(target=load)
        t.start()
        for i in range(3):
            with open(os.path.join(corpus, f"added-{i}.txt"), "w", encoding="utf-8") as f:
                f.write(f"Added {i}: maritime cooperation under load.\n")
            rc, out, err = run("index", "--corpus", corpus, index=index)
            check(rc == 0, f"a build under load: {err}")
            time.sleep(0.5)
        t.join()
        r = result["r"]
        check(r["non_2xx"] == 0 and not r["socket_errors"], f"under load and rebuilds: {r}")
        _, h = srv.json("/healthz")
        rc, out, _ = run("stats", "--json", index=index)
        check(h["generation"] == json.loads(out)["generation"], "the last generation is served")
        after = rss_kb(srv.p.pid)
        check(after - before < 64 * 1024, f"memory grew from {before} to {after} kB")
    finally:
        srv.stop()


if __name__ == "__main__":
    main("e2e_serve", globals())
