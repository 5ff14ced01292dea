#!/usr/bin/env python3
"""The shell completions and the library's manual page agree with the
command line and with the public header.

Usage: e2e_completion.py SCENARIO   (from the repository root; $AJSEARCH_BIN
names the binary, $AJSEARCH_BUILD the build directory whose libajsearch.a
the manual's example is linked with).  Scenarios:

  bash_completion  tools/completion/ajsearch.bash, sourced in `bash --norc`
                   (plain bash: the bash-completion package is not loaded),
                   completes the first word to every command, and after
                   `ajsearch CMD -` exactly the options `ajsearch CMD --help`
                   lists (with --help, which every command takes); option
                   values: directories, files, fixed sets (each accepted by
                   the binary), nothing for numbers.
  zsh_completion   tools/completion/_ajsearch passes `zsh -n`, names every
                   command and every option of every --help (and no option
                   that no --help names), and, driven in a pseudo-terminal,
                   offers what bash_completion checks.  Without zsh it is
                   skipped with a note, or fails when AJ_REQUIRE_ZSH=1.
  man_pages        docs/libajsearch.3 and docs/ajsearch.1 render without a
                   warning (groff -ww, man --warnings); libajsearch.3 has
                   its sections, documents every AJ_API function of
                   src/ajsearch.h (and no other) and every error code, gives
                   the header's version, and its EXAMPLE compiles, links with
                   the build's library and prints cited hits.  That
                   ajsearch.1 documents every option of every command is
                   tests/cli/docs.py's part.

What the completions must offer is read from the binary's --help, so an
option added to the command line without its completion fails here.
"""
import os
import pty
import re
import select
import shlex
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import BIN, Fail, check, main  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "corpus")
BASH_FILE = os.path.join(ROOT, "tools", "completion", "ajsearch.bash")
ZSH_FILE = os.path.join(ROOT, "tools", "completion", "_ajsearch")
HEADER = os.path.join(ROOT, "src", "ajsearch.h")
MAN1 = os.path.join(ROOT, "docs", "ajsearch.1")
MAN3 = os.path.join(ROOT, "docs", "libajsearch.3")

# An option as --help writes it: --name or -x, as a whole word (not the
# -korea of a query, not --rank=bm25's value).
OPT = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[a-z])(?![\w-])")
# An option line of a --help: indented a little, starting with a dash
# (descriptions continue further right).
OPTION_LINE = re.compile(r"^ {1,8}(-.*)$")


# ------------------------------------------------------------ --help

def clean_env(home):
    """An environment without the caller's shell set-up: no BASH_ENV, no
    rc files, no ajsearch variables."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "LC_ALL": "C.UTF-8",
            "TERM": "dumb"}


def run_bin(*args):
    p = subprocess.run([BIN] + list(args), capture_output=True, timeout=60,
                       env=dict(clean_env(ROOT), NO_COLOR="1"))
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def help_text(*args):
    rc, out, err = run_bin(*args)
    check(rc == 0 and out.strip(), f"`ajsearch {' '.join(args)}`: status {rc}, {err[:300]!r}")
    return out


def usage_entries(text):
    """The usage block of a --help (up to its first blank line), by command:
    "search" for `ajsearch [search] ...`, "" for the line of --version and
    help; a continuation line belongs to the entry above it."""
    entries, key = {}, None
    for line in text.split("\n\n", 1)[0].split("\n"):
        m = re.match(r"\s*(?:usage:\s*)?ajsearch\s+(\S+)", line)
        if m:
            word = m.group(1)
            key = "search" if word == "[search]" else word if re.fullmatch(r"[a-z]+", word) else ""
            entries[key] = entries.get(key, "") + " " + line
        elif key is not None:
            entries[key] += " " + line
    return entries


def help_options(cmd, text):
    """The options `ajsearch CMD --help` (text) lists: those of its usage
    entry and of its option lines (the option column only, before the
    description)."""
    opts = set(OPT.findall(usage_entries(text).get(cmd, "")))
    for line in text.split("\n"):
        m = OPTION_LINE.match(line)
        if m:
            column = re.split(r"\s{2,}", m.group(1).strip())[0]
            opts |= set(OPT.findall(column))
    return opts


class Cli:
    """The commands and options the binary's --help texts give."""

    def __init__(self):
        self.main_help = help_text("--help")
        entries = usage_entries(self.main_help)
        self.commands = [c for c in entries if c]
        check("search" in self.commands and len(self.commands) >= 5,
              f"cannot read the commands of `ajsearch --help`: {sorted(entries)}")
        if "help [COMMAND]" in entries.get("", ""):
            self.commands.append("help")
        self.global_opts = set(OPT.findall(entries.get("", "")))
        check({"--help", "--version"} <= self.global_opts,
              f"`ajsearch --help` gives no --help and --version: {self.global_opts}")
        self.helps, self.options = {}, {}
        for c in self.commands:
            if c == "help":
                continue
            self.helps[c] = help_text(c, "--help")
            self.options[c] = help_options(c, self.helps[c])
            check(self.options[c], f"no option read from `ajsearch {c} --help`")
        check({"-n", "--limit", "--json", "--index"} <= self.options["search"],
              f"search options read from --help: {sorted(self.options['search'])}")
        # Every command takes --help (-h), though only the main help says so.
        self.offered = {c: o | {"-h", "--help"} for c, o in self.options.items()}
        # Before any command: the search options, and --version.
        self.top = self.offered["search"] | self.global_opts
        self.all_help = "\n".join([self.main_help] + list(self.helps.values()))


def longs(opts):
    return {o for o in opts if o.startswith("--")}


def names(replies):
    """Offered option names, without the '=' of --rank= and --color=."""
    return {r.rstrip("=") for r in replies}


def same(got, want, what):
    got, want = set(got), set(want)
    check(got == want, f"{what}: missing {sorted(want - got)}, unwanted {sorted(got - want)}")


def make_tree(tmp):
    """A directory to complete in: three directories (one with a space)
    and two files."""
    d = os.path.join(tmp, "cwd")
    for sub in ("idx1", "idx2", "id x"):
        os.makedirs(os.path.join(d, sub))
    for f in ("idfile.txt", "notes.md"):
        open(os.path.join(d, f), "w").close()
    return d, {"idx1", "idx2", "id x"}, {"idfile.txt"}


def accepted(args, what):
    """The binary takes args (a value completed for an option): --help after
    them stops before anything runs, so only their parsing is tried."""
    rc, _, err = run_bin(*args, "--help")
    check(rc == 0, f"{what}: the binary rejects {args}: {err.strip()[:200]}")


def check_values(complete, cli):
    """The fixed value sets: each value offered is accepted by the binary
    and named by the command's --help or the main one (`show --help` gives
    --color=WHEN without the values); a wrong value is rejected (so that
    the check above means something)."""
    for line, cmd, opt, sep in (("ajsearch --rank=", "search", "--rank", "="),
                                ("ajsearch search --rank ", "search", "--rank", " "),
                                ("ajsearch show --color=", "show", "--color", "="),
                                ("ajsearch --colour=", "search", "--colour", "="),
                                ("ajsearch index --memory ", "index", "--memory", " ")):
        vals = set(complete(line))
        check(len(vals) >= 2, f"`{line}<TAB>` offers {sorted(vals)}")
        for v in sorted(vals):
            accepted([cmd] + ([opt + "=" + v] if sep == "=" else [opt, v]), f"`{line}<TAB>`")
            if opt != "--memory":  # sizes are examples, not a fixed set
                check(re.search(r"(?<![\w-])" + re.escape(v) + r"(?![\w-])",
                                cli.helps[cmd] + cli.main_help),
                      f"`{line}<TAB>` offers {v}, which no --help names")
    rc, _, _ = run_bin("search", "--rank=nonsense", "--help")
    check(rc == 2, "--rank=nonsense is accepted: the value checks above prove nothing")


def check_completion(complete, cli, dirs, files):
    """What both shells must offer; complete(line) returns the offers for
    the last word of line, typed in the directory of make_tree."""
    cmds = cli.commands
    same(complete("ajsearch "), cmds, "`ajsearch <TAB>` offers the commands")
    same(complete("ajsearch s"), [c for c in cmds if c.startswith("s")], "`ajsearch s<TAB>`")
    same(complete("ajsearch help "), [c for c in cmds if c != "help"], "`ajsearch help <TAB>`")
    # every command's options, as its --help lists them
    for c, offered in sorted(cli.offered.items()):
        same(names(complete(f"ajsearch {c} --")), longs(offered),
             f"`ajsearch {c} --<TAB>` offers the long options of `ajsearch {c} --help`")
        same(names(complete(f"ajsearch {c} -")), offered,
             f"`ajsearch {c} -<TAB>` offers the options of `ajsearch {c} --help`")
    same(names(complete("ajsearch --")), longs(cli.top),
         "`ajsearch --<TAB>` offers the search options and --version")
    # the command found behind options and their values, or after a query word
    same(names(complete("ajsearch --index idx1 check --")), longs(cli.offered["check"]),
         "`ajsearch --index idx1 check --<TAB>`")
    same(names(complete("ajsearch -n 3 maritime --")), longs(cli.offered["search"]),
         "`ajsearch -n 3 maritime --<TAB>` (a search)")
    # directories
    for line in ("ajsearch --index ", "ajsearch search --index=", "ajsearch index --corpus ",
                 "ajsearch status --corpus=", "ajsearch export "):
        same(complete(line), dirs, f"`{line}<TAB>` offers the directories")
    same(complete("ajsearch check --index id"), dirs, "`ajsearch check --index id<TAB>`")
    # a query file: any file, directories on the way to one
    got = set(complete("ajsearch --query-file id"))
    check(files <= got and dirs <= got, f"`ajsearch --query-file id<TAB>` offers {sorted(got)}")
    # numbers: nothing (in particular no file names)
    for line in ("ajsearch -n ", "ajsearch search --offset ", "ajsearch show --context ",
                 "ajsearch index --threads ", "ajsearch --k1 "):
        got = complete(line)
        check(not got, f"`{line}<TAB>` offers {sorted(got)}, wanted nothing")
    check_values(complete, cli)


# ------------------------------------------------------------ bash

def bash_words(line):
    """COMP_WORDS and COMP_CWORD as bash makes them of line (typed with
    single spaces): '=' is in COMP_WORDBREAKS, so --rank=bm is "--rank" "="
    "bm", and with the cursor right after the '=' the current word is "="."""
    words = []
    for part in line.split(" "):
        if part.startswith("-") and "=" in part:
            opt, val = part.split("=", 1)
            words += [opt, "="] + ([val] if val else [])
        else:
            words.append(part)
    return words, len(words) - 1


def bash_complete(line, cwd):
    words, cword = bash_words(line)
    cur = words[cword]
    script = "\n".join([
        f"source {shlex.quote(BASH_FILE)} || exit 3",
        "COMP_WORDS=(" + " ".join(shlex.quote(w) for w in words) + ")",
        f"COMP_CWORD={cword}",
        f"COMP_LINE={shlex.quote(line)}",
        f"COMP_POINT={len(line)}",
        # the arguments bash gives: the command, the word (the text after
        # an '='), the word before it
        "_ajsearch ajsearch %s %s" % (shlex.quote("" if cur == "=" else cur),
                                      shlex.quote(words[cword - 1])),
        "printf '%s\\n' \"${COMPREPLY[@]}\"",
    ])
    p = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], cwd=cwd,
                       capture_output=True, text=True, timeout=30, env=clean_env(cwd))
    check(p.returncode == 0 and not p.stderr,
          f"bash, `{line}<TAB>`: status {p.returncode}, stderr {p.stderr.strip()[:300]!r}")
    return [r for r in p.stdout.split("\n") if r]


def s_bash_completion(tmp):
    check(shutil.which("bash"), "bash is not installed")
    cli = Cli()
    cwd, dirs, files = make_tree(tmp)
    # registered with -F, and usable without the bash-completion package
    p = subprocess.run(["bash", "--norc", "--noprofile", "-c",
                        f"source {shlex.quote(BASH_FILE)} && complete -p ajsearch && "
                        "! type _init_completion >/dev/null 2>&1"],
                       capture_output=True, text=True, timeout=30, env=clean_env(cwd))
    check(p.returncode == 0 and "-F _ajsearch" in p.stdout and not p.stderr,
          f"sourcing {BASH_FILE}: status {p.returncode}, {p.stdout!r} {p.stderr!r}")
    check_completion(lambda line: bash_complete(line, cwd), cli, dirs, files)
    # after "--" every word is a query word: no options
    got = bash_complete("ajsearch -- --", cwd)
    check(not any(g.startswith("--") for g in got), f"`ajsearch -- --<TAB>` offers {got}")


# ------------------------------------------------------------ zsh

# Sourced by an interactive `zsh -f`: the completion system with
# tools/completion first in $fpath, Tab bound to a completion that ends
# with a marker, and compadd wrapped to print what is offered.
ZSH_SETUP = r"""
PROMPT='' RPROMPT='' PS2=''
fpath=(%(dir)s $fpath)
autoload -Uz compinit && compinit -u -D
_ajt_complete() { _main_complete; print -r -- '@@END'; }
zle -C ajt-complete complete-word _ajt_complete
bindkey '^I' ajt-complete
zstyle ':completion:*' insert-tab false
# never list the matches (a long list asks "do you wish to see all ...?"
# and would take the next line typed as its answer)
unsetopt auto_list auto_menu list_beep
LISTMAX=100000
compadd() {
  # calls that only ask for matches (-O, -A, -D) offer nothing
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
    builtin compadd "$@"
    return
  fi
  local -a __hits
  builtin compadd -A __hits "$@"
  local __h
  for __h in "${__hits[@]}"; do print -r -- "@@M $__h"; done
  builtin compadd "$@"
}
print -r -- '@@READY'
"""


class Zsh:
    """An interactive zsh in a pseudo-terminal, completing lines."""

    def __init__(self, cwd, setup):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                os.chdir(cwd)
                os.execvpe("zsh", ["zsh", "-f", "-i"], clean_env(cwd))
            finally:
                os._exit(127)
        os.write(self.fd, f"source {shlex.quote(setup)}\n".encode())
        if not self.read_until(b"@@READY\r\n"):
            self.close()
            raise Fail(f"zsh did not start: {self.out[-500:]!r}")

    def read_until(self, marker, seconds=20):
        self.out = b""
        end = time.time() + seconds
        while marker not in self.out and time.time() < end:
            r, _, _ = select.select([self.fd], [], [], 0.2)
            if r:
                try:
                    self.out += os.read(self.fd, 65536)
                except OSError:
                    break
        return marker in self.out

    def complete(self, line):
        # ^U clears what the last completion left on the line
        os.write(self.fd, b"\x15" + line.encode() + b"\t")
        check(self.read_until(b"@@END"), f"zsh, `{line}<TAB>`: no answer: {self.out[-500:]!r}")
        text = self.out.decode("utf-8", "replace")
        # zsh quotes what it inserts: "id\ x" is the directory "id x"
        return sorted({re.sub(r"\\(.)", r"\1", m) for m in re.findall(r"@@M ([^\r\n]*)", text)})

    def close(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        finally:
            os.close(self.fd)


def s_zsh_completion(tmp):
    if not shutil.which("zsh"):
        if os.environ.get("AJ_REQUIRE_ZSH") == "1":
            raise Fail("zsh is not installed, and AJ_REQUIRE_ZSH=1 asks for this test: "
                       "apt-get install zsh is needed")
        print("e2e_completion zsh_completion: skipped: zsh is not installed "
              "(apt-get install zsh; AJ_REQUIRE_ZSH=1 makes its absence a failure)")
        sys.exit(0)
    p = subprocess.run(["zsh", "-n", ZSH_FILE], capture_output=True, text=True, timeout=30)
    check(p.returncode == 0 and not p.stderr, f"zsh -n {ZSH_FILE}: {p.stderr.strip()[:500]}")
    src = open(ZSH_FILE, encoding="utf-8").read()
    check(src.startswith("#compdef ajsearch"), f"{ZSH_FILE} does not start with #compdef ajsearch")
    cli = Cli()
    # every command (with a description) and every option of every --help
    for c in cli.commands:
        check(re.search(r"'%s:[^']+'" % re.escape(c), src), f"_ajsearch: no entry for command {c}")
    for c, opts in sorted(cli.options.items()):
        for o in sorted(longs(opts)):
            check(re.search(r"(?<![\w-])" + re.escape(o) + r"(?![\w-])", src),
                  f"_ajsearch does not name {o} (`ajsearch {c} --help`)")
    # and no option that no --help names
    for o in sorted(set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", src))):
        check(re.search(r"(?<![\w-])" + re.escape(o) + r"(?![\w-])", cli.all_help),
              f"_ajsearch names {o}, which no --help mentions")
    # what it offers, in a real zsh
    cwd, dirs, files = make_tree(tmp)
    setup = os.path.join(tmp, "setup.zsh")
    with open(setup, "w") as f:
        f.write(ZSH_SETUP % {"dir": shlex.quote(os.path.dirname(ZSH_FILE))})
    z = Zsh(cwd, setup)
    try:
        check_completion(z.complete, cli, dirs, files)
    finally:
        z.close()


# ------------------------------------------------------------ manual pages

def render_warnings(page):
    """What groff -ww and man --warnings say about page (nothing, for a
    clean page); groff is required, man is used when installed."""
    check(shutil.which("groff"), "groff is not installed (make test installs groff-base)")
    env = dict(os.environ, LC_ALL="C.UTF-8", MANWIDTH="80")
    p = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", page], capture_output=True,
                       timeout=60, env=env)
    check(p.returncode == 0 and not p.stderr,
          f"groff -man -Tutf8 -ww {page}: {p.stderr.decode('utf-8', 'replace').strip()[:500]}")
    if not shutil.which("man"):
        print(f"e2e_completion man_pages: note: man is not installed, {page} checked "
              "with groff only")
        return
    p = subprocess.run(["man", "--warnings", "-l", page], capture_output=True, timeout=60,
                       env=env)
    check(p.returncode == 0 and not p.stderr and p.stdout.strip(),
          f"man --warnings -l {page}: {p.stderr.decode('utf-8', 'replace').strip()[:500]}")


def man_sections(src):
    """{section name: roff source} of a man page."""
    parts = re.split(r'^\.SH\s+"?([^"\n]+?)"?\s*$', src, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def deroff_example(text):
    """The C text of an .EX block: the escapes of a man page undone."""
    text = re.sub(r"^\\&", "", text, flags=re.M)
    for a, b in (("\\-", "-"), ("\\(aq", "'"), ("\\e", "\\")):
        text = text.replace(a, b)
    return text


def check_example(tmp, example):
    """Compiles the manual's example as a user would (the header installed
    as <ajsearch/ajsearch.h>), links it with the build's static library and
    runs it on an index of the corpus."""
    build = os.environ.get("AJSEARCH_BUILD") or os.path.join(ROOT, "build")
    lib = os.path.join(build, "libajsearch.a")
    if not os.path.exists(lib):
        # named, it must be there; by default it may not be built yet
        check(not os.environ.get("AJSEARCH_BUILD"), f"AJSEARCH_BUILD: no {lib}")
        print(f"e2e_completion man_pages: note: {lib} not found, the example is not compiled "
              "(set AJSEARCH_BUILD)")
        return
    # installed as include/ajsearch/ajsearch.h, found through pkg-config's
    # -I${includedir}/ajsearch
    inc = os.path.join(tmp, "include", "ajsearch")
    os.makedirs(inc)
    shutil.copy(HEADER, inc)
    prog = os.path.join(tmp, "search.c")
    with open(prog, "w") as f:
        f.write(example)
    san = ["-fsanitize=address,undefined", "-fno-omit-frame-pointer"] \
        if os.path.basename(build.rstrip("/")) == "build-san" else []
    p = subprocess.run(["pkg-config", "--libs", "libzstd", "libxxhash", "libutf8proc"],
                       capture_output=True, text=True, timeout=30)
    check(p.returncode == 0, f"pkg-config: {p.stderr.strip()}")
    exe = os.path.join(tmp, "search")
    cmd = ([os.environ.get("CC", "cc"), "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"]
           + san + ["-I", inc, "-o", exe, prog, lib]
           + p.stdout.split() + ["-lstemmer", "-lpthread", "-lm"])
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    check(p.returncode == 0, f"the EXAMPLE of libajsearch.3 does not compile: {' '.join(cmd)}\n"
          f"{p.stderr.strip()[:2000]}")
    index = os.path.join(tmp, "index")
    rc, _, err = run_bin("index", "--corpus", CORPUS, "--index", index)
    check(rc == 0, f"indexing {CORPUS}: {err.strip()[:300]}")
    p = subprocess.run([exe, index, "maritime security"], capture_output=True, timeout=60)
    out = p.stdout.decode("utf-8", "replace")
    check(p.returncode == 0 and re.search(r"^1\. \[\d+\.\d+\] .+ \u00b7 ", out, re.M)
          and not p.stderr,
          f"the EXAMPLE, run on the corpus: status {p.returncode}, {out[:500]!r} "
          f"{p.stderr.decode('utf-8', 'replace')[:500]!r}")
    p = subprocess.run([exe, index, "maritime AND ("], capture_output=True, timeout=60)
    check(p.returncode == 2 and b"syntax" in p.stderr,
          f"the EXAMPLE reports a syntax error: status {p.returncode}, {p.stderr[:300]!r}")


def s_man_pages(tmp):
    for page in (MAN3, MAN1):
        render_warnings(page)
    header = open(HEADER, encoding="utf-8").read()
    src = open(MAN3, encoding="utf-8").read()
    sections = man_sections(src)
    for name in ("NAME", "SYNOPSIS", "DESCRIPTION", "RETURN VALUE", "THREAD SAFETY",
                 "MEMORY OWNERSHIP", "VERSIONING", "EXAMPLE", "SEE ALSO"):
        check(name in sections, f"libajsearch.3 has no .SH {name}")
    # every function of the header, in the synopsis and as an entry of the
    # description (a .TP tag), and no entry for a function it lacks
    api = re.findall(r"^AJ_API\b[^;]*?\b(aj_\w+)\s*\(", header, re.M)
    check(len(api) >= 40, f"read only {len(api)} AJ_API functions from {HEADER}")
    synopsis = set(re.findall(r"\b(aj_\w+)\(", sections["SYNOPSIS"]))
    tags = set()
    for tag in re.findall(r"^\.TP\n(.*)$", sections["DESCRIPTION"], re.M):
        tags |= set(re.findall(r"\b(aj_\w+)\b", tag))
    for f in api:
        check(f in synopsis, f"libajsearch.3: {f} (src/ajsearch.h) is not in the SYNOPSIS")
        check(f in tags, f"libajsearch.3: {f} (src/ajsearch.h) has no entry in DESCRIPTION")
    for f in sorted((synopsis | tags) - set(api)):
        raise Fail(f"libajsearch.3 documents {f}, which src/ajsearch.h does not declare")
    # every error code
    codes = re.findall(r"^\s*(AJ_E[A-Z]+)\b", header, re.M)
    check("AJ_ENOMEM" in codes, f"read no error codes from {HEADER}")
    for code in codes:
        check(re.search(r"^\.B %s$" % code, sections["RETURN VALUE"], re.M),
              f"libajsearch.3: RETURN VALUE has no entry for {code}")
    # the version of the header, and its macros
    m = re.search(r'#define AJ_VERSION_STRING "([^"]+)"', header)
    th = re.search(r'^\.TH \S+ 3 "[^"]*" "ajsearch ([^"]+)"', src, re.M)
    check(m and th and th.group(1) == m.group(1), "libajsearch.3 .TH gives version %s, "
          "src/ajsearch.h %s" % (th and th.group(1), m and m.group(1)))
    for macro in re.findall(r"#define (AJ_VERSION_\w+)", header):
        check(macro in sections["VERSIONING"], f"libajsearch.3: VERSIONING does not name {macro}")
    versioning = sections["VERSIONING"]
    check("libajsearch.so." in versioning and "aj_format_version" in versioning,
          "libajsearch.3: VERSIONING does not name the soname and the format version")
    check(re.search(r"^\.BR ajsearch \(1\)", sections["SEE ALSO"], re.M)
          and re.search(r"^\.BR pkg\\-config \(1\)", sections["SEE ALSO"], re.M),
          "libajsearch.3: SEE ALSO lacks ajsearch(1) or pkg-config(1)")
    man1 = man_sections(open(MAN1, encoding="utf-8").read())
    check(re.search(r"^\.BR libajsearch \(3\)", man1.get("SEE ALSO", ""), re.M),
          "ajsearch.1: SEE ALSO does not name libajsearch(3)")
    # the example program
    ex = re.search(r"^\.EX\n(.*?)^\.EE$", sections["EXAMPLE"], re.M | re.S)
    check(ex and "int main" in ex.group(1), "libajsearch.3: EXAMPLE has no program")
    check_example(tmp, deroff_example(ex.group(1)))


if __name__ == "__main__":
    main("e2e_completion", globals())
