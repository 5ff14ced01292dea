#!/usr/bin/env python3
"""The manual page, --help and README.md agree with the command line.

Usage: docs.py   (run from the repository root; $AJSEARCH_BIN names the
binary, default ./ajsearch).  Exit status 0 = pass; on failure every
disagreement found is printed and the status is 1.

The source of truth is src/cli/main.c: its commands[] table, its optdefs[]
table (each option with the CMD_* bits of the commands it applies to; the
macros CMD_ALL, CMD_READERS, CMD_JSON, ... are read from the same file) and
the binary built from it.  Checked:

  (a) options: every long option of optdefs[] is in docs/ajsearch.1 (as an
      entry of OPTIONS), in README.md and in some --help text; and, for
      every command, each option that applies to it is in that command's
      --help, in its entry of the man page's COMMANDS ("Options: ..."), in
      its synopsis in the man page and in the main --help (exactly those
      options, no others), and in its row of README's Commands table.
      An option that is only another spelling of an earlier one (same O_*
      id: --colour for --color) counts as documented by that one, except in
      the man page, which names it.  --help and --version (every command)
      are checked in the main --help only.
  (b) commands: every command of commands[], and help, is an entry of the
      man page's COMMANDS section, a row of README's Commands table and a
      usage line of `ajsearch --help`; `ajsearch help CMD` prints what
      `ajsearch CMD --help` prints.
  (c) exit statuses: the man page's EXIT STATUS names 0, 1, 2, 3, 128, 130
      and 143; `ajsearch --help` and `ajsearch index --help` give 3 for
      another build holding the index and 130/143 for SIGINT/SIGTERM;
      README's Commands table says "3 when another build holds".
  (d) the version of the man page's .TH line is `ajsearch --version`'s.
  Also: the man page renders without a warning (groff, from groff-base).

KNOWN_GAPS lists the disagreements known and not fixed yet; each is
reported as a note while it lasts, and the test fails once it is gone, so
that the list is kept short and true.
"""
import os
import re
import shlex
import shutil
import subprocess
import sys

ROOT = os.getcwd()
BIN = os.environ.get("AJSEARCH_BIN", os.path.abspath("ajsearch"))
MAIN_C = os.path.join(ROOT, "src", "cli", "main.c")
MAN = os.path.join(ROOT, "docs", "ajsearch.1")
README = os.path.join(ROOT, "README.md")

# (where, command, option) that are known not to agree yet.  where is
# "readme-row" (the command's row of README's Commands table),
# "main-usage" (the command's usage line in `ajsearch --help`) or "help"
# (no --help text at all; command "").
KNOWN_GAPS = set()

EXIT_CODES = ["0", "1", "2", "3", "128", "130", "143"]

failures = []
gaps_seen = set()


def fail(msg):
    if msg not in failures:
        failures.append(msg)


def gap_or_fail(where, cmd, opt, msg):
    if (where, cmd, opt) in KNOWN_GAPS:
        gaps_seen.add((where, cmd, opt))
    else:
        fail(msg)


def mentions(text, word):
    """Whether text names word (an option such as --b, or a command) as a
    whole word: --b is not in --bm25, --heading not in --heading-hit."""
    return re.search(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", text) is not None


def long_options(text):
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", text))


# ---- src/cli/main.c ----

def c_table(src, name):
    """The body of `static const TYPE name[] = { ... };`."""
    m = re.search(r"static\s+const\s+\w+\s+" + name + r"\s*\[\]\s*=\s*\{(.*?)\n\};", src, re.S)
    if not m:
        raise SystemExit("docs.py: cannot find %s[] in %s" % (name, MAIN_C))
    return m.group(1)


def parse_main_c():
    src = open(MAIN_C, encoding="utf-8").read()
    src_nc = re.sub(r"/\*.*?\*/", " ", src, flags=re.S)
    bits = {n: 1 << int(s) for n, s in re.findall(r"\b(CMD_[A-Z_]+)\s*=\s*1u?\s*<<\s*(\d+)", src_nc)}
    if not bits:
        raise SystemExit("docs.py: no CMD_* bits in main.c")
    macros = {}
    for name, body in re.findall(r"#define\s+(CMD_[A-Z_]+)\s+((?:[^\n\\]|\\\n)*)", src_nc):
        macros[name] = body.replace("\\\n", " ").strip()

    def value(expr, depth=0):
        if depth > 10:
            raise SystemExit("docs.py: CMD_ macros too deep: %s" % expr)
        total = 0
        for part in expr.strip().strip("()").split("|"):
            part = part.strip().strip("()").strip()
            if part in bits:
                total |= bits[part]
            elif part in macros:
                total |= value(macros[part], depth + 1)
            elif re.fullmatch(r"0[xX][0-9a-fA-F]+[uU]?|\d+[uU]?", part):
                total |= int(part.rstrip("uU"), 0)
            else:
                raise SystemExit("docs.py: cannot read %r in main.c" % part)
        return total

    commands = []
    for name, bit in re.findall(r'\{\s*"([a-z]+)"\s*,\s*(CMD_[A-Z_]+)\s*,', c_table(src_nc, "commands")):
        commands.append((name, value(bit)))
    options = []
    seen_ids = {}
    rows = re.findall(r'\{\s*"(--[a-z0-9-]+)"\s*,\s*([^,]+),\s*(ARG_[A-Z]+)\s*,\s*([^,]+),\s*(O_[A-Z0-9_]+)\s*\}',
                      c_table(src_nc, "optdefs"))
    for name, letter, _arg, cmds, oid in rows:
        letter = letter.strip()
        short = "-" + letter.strip("'") if letter.startswith("'") else None
        options.append({"name": name, "short": short, "cmds": value(cmds), "id": oid,
                        "alias_of": seen_ids.get(oid)})
        seen_ids.setdefault(oid, name)
    n_rows = len(re.findall(r'\{\s*"--', c_table(src_nc, "optdefs")))
    if len(options) != n_rows or not options:
        raise SystemExit("docs.py: read %d of the %d rows of optdefs[]" % (len(options), n_rows))
    all_bits = value(macros.get("CMD_ALL", "0")) if "CMD_ALL" in macros else sum(bits.values())
    return commands, options, all_bits


# ---- the binary ----

def run(*args):
    env = dict(os.environ)
    for k in ("AJSEARCH_INDEX", "AJSEARCH_CORPUS", "COLUMNS"):
        env.pop(k, None)
    p = subprocess.run([BIN] + list(args), capture_output=True, env=env, timeout=60)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def help_text(*args):
    rc, out, err = run(*args)
    if rc != 0 or not out.strip():
        fail("`ajsearch %s` exits %d (expected 0 with the help on standard output): %s"
             % (" ".join(args), rc, err.strip()[:300]))
    return out


def flat(text):
    return re.sub(r"\s+", " ", text)


# ---- the man page ----

GLYPHS = {"dq": '"', "aq": "'", "lq": "\u201c", "rq": "\u201d", "oq": "\u2018", "cq": "\u2019",
          "ps": "\u00b6", "Bq": "\u201e", "Fo": "\u00ab", "Fc": "\u00bb", "em": "\u2014",
          "en": "\u2013", "bu": "\u2022", "ti": "~", "ha": "^", "rs": "\\"}


def deroff(s):
    """The text of a roff line: escapes resolved, font changes dropped."""
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if c != "\\" or i + 1 == len(s):
            out.append(c)
            i += 1
            continue
        e = s[i + 1]
        i += 2
        if e == "(":
            out.append(GLYPHS.get(s[i:i + 2], ""))
            i += 2
        elif e == "[":
            j = s.find("]", i)
            name = s[i:j] if j >= 0 else ""
            i = j + 1 if j >= 0 else len(s)
            if name.startswith("u") and re.fullmatch(r"u[0-9A-F]{4,6}", name):
                out.append(chr(int(name[1:], 16)))
            else:
                out.append(GLYPHS.get(name, ""))
        elif e == "f":
            if s[i:i + 1] == "(":
                i += 3
            elif s[i:i + 1] == "[":
                j = s.find("]", i)
                i = j + 1 if j >= 0 else len(s)
            else:
                i += 1
        elif e == "-":
            out.append("-")
        elif e in "~ 0":
            out.append(" ")
        elif e in "e\\":
            out.append("\\")
        elif e in "%:&c|^/,":
            pass
        else:
            out.append(e)
    return "".join(out)


def roff_args(rest):
    args, cur, inq, any_ = [], [], False, False
    i = 0
    while i < len(rest):
        c = rest[i]
        if inq:
            if c == '"':
                if rest[i + 1:i + 2] == '"':
                    cur.append('"')
                    i += 2
                    continue
                inq = False
            else:
                cur.append(c)
        elif c == '"' and not cur:
            inq, any_ = True, True
        elif c in " \t":
            if cur or any_:
                args.append("".join(cur))
            cur, any_ = [], False
        else:
            cur.append(c)
        i += 1
    if cur or any_:
        args.append("".join(cur))
    return args


ALTERNATING = {"BR", "RB", "IR", "RI", "BI", "IB"}
JOINED = {"B", "I", "SM", "SB"}


def parse_man(path):
    """sections: name -> list of entries; an entry is {"tag": text or None,
    "text": body}.  An entry starts at .TP (its tag is the next line), .SY,
    .PP and the like; a section's first text before any of them is an
    entry without a tag."""
    sections = {}
    th = None
    section = None
    entry = None
    want_tag = False
    for raw in open(path, encoding="utf-8").read().split("\n"):
        if raw.startswith('.\\"') or raw.startswith("'\\\""):
            continue
        text = None
        if raw.startswith(".") or raw.startswith("'"):
            parts = raw[1:].strip().split(None, 1)
            macro = parts[0] if parts else ""
            rest = parts[1] if len(parts) > 1 else ""
            args = roff_args(rest)
            if macro == "TH":
                th = args
                continue
            if macro in ("SH", "SS"):
                name = deroff(" ".join(args))
                if macro == "SH":
                    section = name
                    sections.setdefault(section, [])
                entry = {"tag": None, "text": "", "sub": name}
                sections.setdefault(section, []).append(entry)
                want_tag = False
                continue
            if macro in ("TP", "PP", "LP", "P", "IP", "SY", "RS", "RE"):
                if section is None:
                    continue
                entry = {"tag": None, "text": "", "sub": entry["sub"] if entry else ""}
                sections[section].append(entry)
                want_tag = macro == "TP"
                if macro == "IP" and args:
                    entry["tag"] = deroff(args[0])
                if macro == "SY":
                    entry["text"] = deroff(" ".join(args))
                continue
            if macro in ALTERNATING:
                text = "".join(deroff(a) for a in args)
            elif macro in JOINED:
                text = deroff(" ".join(args))
            else:
                continue  # other requests and macros carry no text
        else:
            text = deroff(raw)
        if entry is None:
            continue
        if want_tag:
            entry["tag"] = text
            want_tag = False
        else:
            entry["text"] += (" " if entry["text"] else "") + text
    return th, sections


def section_text(sections, name):
    return " ".join((e["tag"] or "") + " " + e["text"] for e in sections.get(name, []))


# ---- README.md ----

def readme_commands(readme):
    m = re.search(r"^### Commands\n(.*?)^### ", readme, re.S | re.M)
    if not m:
        fail("README.md has no \"### Commands\" section followed by another ### heading")
        return "", []
    body = m.group(1)
    rows = [line for line in body.split("\n") if line.startswith("| `ajsearch")]
    return body, rows


def readme_row(rows, cmd):
    for row in rows:
        first = row.split("|")[1]
        if cmd == "search" and first.strip().startswith("`ajsearch [search]"):
            return row
        if re.match(r"\s*`ajsearch " + re.escape(cmd) + r"(?![\w-])", first):
            return row
    return None


# ---- the checks ----

def main():
    if not os.path.isfile(MAIN_C) or not os.path.isfile(MAN):
        print("docs.py: run from the repository root (needs src/cli/main.c and docs/ajsearch.1)")
        return 1
    commands, options, all_bits = parse_main_c()
    names = [c for c, _ in commands]
    readme = open(README, encoding="utf-8").read()
    th, man = parse_man(MAN)
    for s in ("NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "OPTIONS", "QUERY LANGUAGE", "OUTPUT",
              "ENVIRONMENT", "FILES", "EXIT STATUS", "EXAMPLES", "SEE ALSO"):
        if s not in man:
            fail("docs/ajsearch.1 has no .SH %s" % s)
    man_all = " ".join(section_text(man, s) for s in man)

    main_help = help_text("--help")
    helps = {"search": main_help}
    for c in names:
        if c != "search":
            helps[c] = help_text(c, "--help")
        rc, out, _ = run("help", c)
        if rc != 0 or out != helps[c]:
            fail("`ajsearch help %s` does not print what `ajsearch %s --help` prints"
                 % (c, c if c != "search" else "search"))
    all_help = "\n".join(helps.values())

    # Main --help usage lines: "ajsearch CMD ..." up to the next usage line.
    usage_block = main_help.split("\n\n", 1)[0]
    main_usage = {}
    for line in usage_block.split("\n"):
        m = re.match(r"\s*(?:usage:\s*)?ajsearch\s+(\S+)(.*)", line)
        if m:
            key = "search" if m.group(1) == "[search]" else m.group(1)
            main_usage[key] = line
            last = key
        elif line.startswith(" ") and main_usage:
            main_usage[last] += " " + line.strip()

    # Man page: entries of COMMANDS and OPTIONS, synopses.
    man_cmds = {}
    for e in man.get("COMMANDS", []):
        if e["tag"]:
            word = e["tag"].split()[0]
            man_cmds[word] = e["text"]
    man_opt_tags = [e for e in man.get("OPTIONS", []) if e["tag"]]
    man_synopsis = {}
    for e in man.get("SYNOPSIS", []):
        words = e["text"].split()
        if len(words) >= 2 and words[0] == "ajsearch":
            key = "search" if words[1] == "[search]" else words[1]
            man_synopsis[key] = e["text"]

    readme_cmd_body, rows = readme_commands(readme)

    # ---- (a) options ----
    for o in options:
        name = o["name"]
        if not any(mentions(e["tag"], name) for e in man_opt_tags):
            fail("docs/ajsearch.1: OPTIONS has no entry for %s" % name)
        if o["short"] and not any(mentions(e["tag"], o["short"]) for e in man_opt_tags):
            fail("docs/ajsearch.1: OPTIONS does not give %s as the short form of %s" % (o["short"], name))
        doc_name = o["alias_of"] or name  # an alias is documented by its first spelling
        if not mentions(readme, doc_name):
            fail("README.md never mentions %s" % doc_name)
        if not mentions(all_help, doc_name):
            fail("no --help text mentions %s" % doc_name)
        if o["short"]:
            if not mentions(all_help, o["short"]):
                gap_or_fail("help", "", o["short"],
                            "no --help text mentions %s (%s)" % (o["short"], name))
            if not mentions(readme, o["short"]):
                fail("README.md never mentions %s (%s)" % (o["short"], name))
        if o["cmds"] == all_bits:
            if not mentions(main_help, name):
                fail("`ajsearch --help` does not mention %s" % name)
        # "Applies to: ..." in the man page's entry names exactly its commands.
        for e in man_opt_tags:
            if mentions(e["tag"], name):
                m = re.search(r"Applies to:([^.]*)\.", e["text"])
                if m:
                    said = {w.strip() for w in m.group(1).split(",")}
                    want = {c for c, bit in commands if o["cmds"] & bit}
                    if said != want:
                        fail("docs/ajsearch.1: %s \"Applies to:\" says %s; optdefs[] says %s"
                             % (name, ", ".join(sorted(said)), ", ".join(sorted(want))))

    for cmd, bit in commands:
        want = {o["name"] for o in options
                if o["cmds"] & bit and o["cmds"] != all_bits and not o["alias_of"]}
        # The command's own --help (its usage line included).
        for opt in sorted(want):
            if not mentions(helps[cmd], opt):
                fail("`ajsearch %s --help` does not mention %s, which applies to %s"
                     % (cmd if cmd != "search" else "search", opt, cmd))
        # Its usage line in the main --help: exactly its options.
        if cmd != "search":
            line = main_usage.get(cmd)
            if line is None:
                fail("`ajsearch --help` has no usage line for %s" % cmd)
            else:
                have = long_options(line)
                for opt in sorted(want - have):
                    gap_or_fail("main-usage", cmd, opt,
                                "`ajsearch --help`: the usage line of %s lacks %s" % (cmd, opt))
                for opt in sorted(have - want):
                    fail("`ajsearch --help`: the usage line of %s names %s, which does not apply to it"
                         % (cmd, opt))
        # The man page's COMMANDS entry ("Options: ...") and synopsis.
        if cmd in man_cmds:
            m = re.search(r"Options:(.*)$", man_cmds[cmd])
            have = long_options(m.group(1)) if m else set()
            if have != want:
                fail("docs/ajsearch.1: COMMANDS %s lists options %s; optdefs[] gives %s"
                     % (cmd, sorted(have), sorted(want)))
        if cmd != "search":
            syn = man_synopsis.get(cmd)
            if syn is None:
                fail("docs/ajsearch.1: SYNOPSIS has no line for %s" % cmd)
            elif long_options(syn) != want:
                fail("docs/ajsearch.1: SYNOPSIS of %s names %s; optdefs[] gives %s"
                     % (cmd, sorted(long_options(syn)), sorted(want)))
        # Its row of README's Commands table.
        if cmd != "search":  # search's options are in the paragraph below the table
            row = readme_row(rows, cmd)
            if row is not None:
                have = long_options(row)
                for opt in sorted(want - have):
                    gap_or_fail("readme-row", cmd, opt,
                                "README.md: the Commands row of %s lacks %s" % (cmd, opt))
                for opt in sorted(have - want - {"--help"}):
                    fail("README.md: the Commands row of %s names %s, which does not apply to it"
                         % (cmd, opt))

    # ---- (b) commands ----
    for cmd in names + ["help"]:
        if cmd not in man_cmds:
            fail("docs/ajsearch.1: COMMANDS has no entry for %s" % cmd)
        if readme_row(rows, cmd) is None and not (
                cmd == "help" and any("help [COMMAND]" in r for r in rows)):
            fail("README.md: the Commands table has no row for %s" % cmd)
        if cmd == "help":
            if "help [COMMAND]" not in main_help:
                fail("`ajsearch --help` does not give `help [COMMAND]`")
        elif cmd not in main_usage:
            fail("`ajsearch --help` has no usage line for %s" % cmd)
    for word in man_cmds:
        if word not in names + ["help"]:
            fail("docs/ajsearch.1: COMMANDS has an entry for %s, which is no command" % word)

    # ---- (c) exit statuses ----
    exit_text = section_text(man, "EXIT STATUS")
    for code in EXIT_CODES:
        if not re.search(r"(?<![\w.])" + code + r"(?![\w.])", exit_text):
            fail("docs/ajsearch.1: EXIT STATUS does not name %s" % code)
    for tag in ("search", "index", "status", "check"):
        if not any((e["tag"] or "").split()[:1] == [tag] for e in man.get("EXIT STATUS", [])):
            fail("docs/ajsearch.1: EXIT STATUS has no entry for %s" % tag)
    for args, text in ((("--help",), main_help), (("index", "--help"), helps.get("index", ""))):
        t = flat(text)
        if not re.search(r"\b3 (when )?another build holds", t):
            fail("`ajsearch %s` does not give exit status 3 for another build holding the index"
                 % " ".join(args))
        for code, sig in (("130", "SIGINT"), ("143", "SIGTERM")):
            if not re.search(r"\b%s \(?%s" % (code, sig), t):
                fail("`ajsearch %s` does not give exit status %s for %s" % (" ".join(args), code, sig))
    if "3 when another build holds" not in readme_cmd_body:
        fail("README.md: the Commands table does not say \"3 when another build holds\"")

    # ---- (d) version ----
    rc, out, _ = run("--version")
    m = re.match(r"ajsearch (\S+)", out)
    if rc != 0 or not m:
        fail("`ajsearch --version` printed %r (exit %d)" % (out[:100], rc))
    else:
        version = m.group(1)
        th_versions = [re.match(r"ajsearch (\S+)$", a) for a in (th or [])]
        th_versions = [v.group(1) for v in th_versions if v]
        if th_versions != [version]:
            fail("docs/ajsearch.1: .TH gives version %s; `ajsearch --version` says %s"
                 % (", ".join(th_versions) or "none", version))

    # ---- rendering ----
    if not shutil.which("groff"):
        fail("groff is not installed: the man page cannot be checked (make test "
             "installs groff-base through tools/deps.sh)")
    else:
        p = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", MAN], capture_output=True)
        warn = p.stderr.decode("utf-8", "replace").strip()
        if p.returncode != 0 or warn:
            fail("groff -man -Tutf8 -ww docs/ajsearch.1: %s" % (warn[:500] or "exit %d" % p.returncode))

    for g in sorted(KNOWN_GAPS - gaps_seen):
        fail("KNOWN_GAPS lists %s, which is fixed now: remove it from tests/cli/docs.py" % (g,))

    if failures:
        print("docs.py: the man page, --help and README.md disagree:")
        for f in failures:
            print("  - " + f)
        return 1
    for g in sorted(gaps_seen):
        print("docs.py: note: known gap %s %s %s" % g)
    print("docs.py: %d options, %d commands: man page, --help and README.md agree"
          % (len(options), len(commands)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
