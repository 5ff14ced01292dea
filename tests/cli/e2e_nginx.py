#!/usr/bin/env python3
"""The scale-out recipe of README "Server": two `ajsearch serve` replicas
behind nginx (Debian's) as the load balancer, on localhost.

Usage: e2e_nginx.py SCENARIO   (from the repository root; $AJSEARCH_BIN
names the binary).  Scenarios:

  replicas   an index built once and copied to two replica directories,
             one server on each, nginx in front of both; while three
             clients search through nginx without pause, a new generation
             is built once, copied into replica 1 and switched in (CURRENT
             renamed over), then into replica 2: no request fails, every
             answer is the old index's or the new one's, both replicas end
             on the new generation, and the new document is found through
             nginx
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import CORPUS, build, check, main, run  # noqa: E402
from e2e_serve import Endpoint, Searchers, Server, add_document, q  # noqa: E402

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/nginx-body;
    proxy_temp_path {tmp}/nginx-proxy;
    fastcgi_temp_path {tmp}/nginx-fastcgi;
    uwsgi_temp_path {tmp}/nginx-uwsgi;
    scgi_temp_path {tmp}/nginx-scgi;
    upstream ajsearch {{
        server {r1};
        server {r2};
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://ajsearch;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_next_upstream error timeout http_502 http_503;
        }}
    }}
}}
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def current(index):
    with open(os.path.join(index, "CURRENT")) as f:
        return f.read().strip()


def switch(src, dst):
    """Copies src's live generation into the replica dst and makes it live
    there: the generation first, then CURRENT renamed over (README
    "Server", the recipe)."""
    gen = current(src)
    shutil.copytree(os.path.join(src, gen), os.path.join(dst, gen + ".tmp"))
    os.rename(os.path.join(dst, gen + ".tmp"), os.path.join(dst, gen))
    with open(os.path.join(dst, "CURRENT.tmp"), "w") as f:
        f.write(gen + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.rename(os.path.join(dst, "CURRENT.tmp"), os.path.join(dst, "CURRENT"))
    return gen


def s_replicas(tmp):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    check(os.path.exists(nginx), "nginx is not installed (Debian package nginx)")
    corpus = os.path.join(tmp, "corpus")
    shutil.copytree(CORPUS, corpus)
    built = build(tmp, corpus)                     # the CI build
    replicas = [os.path.join(tmp, f"replica{i}") for i in (1, 2)]
    for r in replicas:
        shutil.copytree(built, r, ignore=shutil.ignore_patterns("LOCK"))
    servers = [Server(r) for r in replicas]
    port = free_port()
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF.format(tmp=tmp, port=port, r1=servers[0].url.split("//")[1],
                                  r2=servers[1].url.split("//")[1]))
    ngx = subprocess.Popen([nginx, "-c", conf, "-p", tmp, "-e", os.path.join(tmp, "nginx-error.log")],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    front = Endpoint(f"http://127.0.0.1:{port}")
    clients = Searchers(front)
    try:
        deadline = time.time() + 10
        status = None
        while time.time() < deadline:
            try:
                status, first = front.json(q("maritime", n=3))
                if status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        check(status == 200, f"nginx does not answer: {ngx.poll()}")
        clients.start()
        add_document(corpus)
        rc, out, err = run("index", "--corpus", corpus, index=built)
        check(rc == 0, f"the second build: {err}")
        gens = []
        for r, srv in zip(replicas, servers):
            gens.append(switch(built, r))
            deadline = time.time() + 10
            while time.time() < deadline and srv.json("/healthz")[1]["generation"] != gens[-1]:
                time.sleep(0.05)
            check(srv.json("/healthz")[1]["generation"] == gens[-1], f"{r} did not switch")
            time.sleep(0.5)  # traffic with the replicas on different generations
        clients.stop()
        new = gens[0]
        clients.check(first, new)
        seen = {g for g, _ in clients.seen}
        check(seen == {first["generation"], new} and len(clients.seen) > 20,
              f"generations seen: {seen} in {len(clients.seen)} answers")
        for _ in range(4):  # both replicas, in turn
            status, got = front.json(q("Zanzibarian"))
            check(status == 200 and got["total"] == 1 and got["generation"] == new,
                  f"the new document through nginx: {status} {got.get('total')}")
    finally:
        clients.stop()
        ngx.send_signal(signal.SIGQUIT)
        try:
            ngx.wait(timeout=10)
        except subprocess.TimeoutExpired:
            ngx.kill()
        for srv in servers:
            srv.stop()


if __name__ == "__main__":
    main("e2e_nginx", globals())
