#!/usr/bin/env python3
"""The manual page, --help and README.md agree with the command line, and
FORMAT.md with the code that writes the index.

Usage: docs.py [SCENARIO...]   (run from the repository root;
$AJSEARCH_BIN names the binary, default ./ajsearch).  Scenarios: `cli`,
checks (a) to (d) below; `format`, check (e).  Without one, both run.
Exit status 0 = pass; on failure every disagreement found is printed and
the status is 1 (2 for an unknown scenario).

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
  (e) FORMAT.md, the one specification of the index files, gives the
      numbers the code uses: the format version, magic, header size and
      page size (src/format/file.h); the section ids of meta.aj
      (AJ_SEC_* in src/index/index.h), dict.aj (AJ_SEC_DICT_BASE) and
      stor.aj (src/format/store.c); every fixed-size record's size (the
      *_BYTES and AJ_STORE_ENTRY #defines, dict.c's INDEX_BYTES), which
      its field list adds up to; and block sizes and bounds (AJ_BLOCK,
      AJ_DICT_BLOCK, AJ_STORE_BLOCK, AJ_NO_LABEL, ...).  The writers'
      aj_put_u32le/aj_put_u64le calls must put each field at the offset
      and width that FORMAT.md's field list gives, and fill every field
      but the zero ones.

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

def check_cli():
    del failures[:]
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


# ---- (e) FORMAT.md against the code ----

FORMAT_MD = os.path.join(ROOT, "FORMAT.md")
WIDTHS = {"u8": 1, "u16": 2, "u32": 4, "u64": 8}


def c_source(rel):
    """Source file rel (from the repository root) with its comments
    blanked out, so that a number in a comment is never read as code."""
    try:
        text = open(os.path.join(ROOT, rel), encoding="utf-8").read()
    except OSError as e:
        fail("cannot read %s: %s" % (rel, e))
        return ""
    return re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)


def c_value(expr):
    """The value of a #define's constant expression (80u, (3u * 1024),
    (16u << 20), 0x3FFFFFFFu), or None."""
    e = re.sub(r"(?<=[0-9a-fA-F])[uU]+\b", "", expr.strip())
    if not re.fullmatch(r"[0-9a-fA-FxX\s()*+<-]+", e):
        return None
    try:
        return int(eval(e, {"__builtins__": {}}))
    except Exception:
        return None


def c_defines(rel, names):
    src = c_source(rel)
    out = {}
    for name in names:
        m = re.search(r"^\s*#\s*define\s+" + name + r"\s+([^\n]+)", src, re.M)
        v = c_value(m.group(1)) if m else None
        if v is None:
            fail("%s: no numeric #define %s" % (rel, name))
        out[name] = v
    return out


def c_function(src, rel, name):
    """The body of function name in src (comments blanked)."""
    m = re.search(r"^[\w \t*]*\b" + name + r"\([^;{]*\)\s*\{", src, re.M)
    if not m:
        fail("%s: cannot find the function %s" % (rel, name))
        return ""
    depth, i = 1, m.end()
    while depth and i < len(src):
        depth += {"{": 1, "}": -1}.get(src[i], 0)
        i += 1
    return src[m.end():i]


def c_puts(rel, func, var, shift=0):
    """(offset, width) of every aj_put_u32le/aj_put_u64le(var [+ k], ...)
    in function func of rel, moved by shift."""
    body = c_function(c_source(rel), rel, func)
    puts = {(shift + int(k or 0), int(bits) // 8) for bits, k in re.findall(
        r"\baj_put_u(32|64)le\(\s*" + var + r"\s*(?:\+\s*(\d+)\s*)?,", body)}
    if body and not puts:
        fail("%s: %s writes no field of `%s` (tests/cli/docs.py format looks for "
             "aj_put_u32le/aj_put_u64le(%s + OFFSET, ...))" % (rel, func, var, var))
    return puts


def md_sections(text):
    """FORMAT.md's ## sections by the first word of their heading
    ("Container", "meta.aj", "dict.aj", ...)."""
    return {re.split(r"[\s:]", m.group(1), 1)[0]: m.group(2)
            for m in re.finditer(r"^## ([^\n]*)\n(.*?)(?=^## |\Z)", text, re.S | re.M)}


def md_rows(body):
    """The rows of the tables in body, as lists of cells (a \| inside a
    cell is not a separator)."""
    rows = []
    for line in body.split("\n"):
        if line.startswith("|") and not re.match(r"\|\s*-", line):
            rows.append([c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]])
    return rows


def md_record(text, what):
    """A record as FORMAT.md gives it: "N bytes: `u32` name, `u64` name,
    ..." in text, up to the first "; " or sentence end.  Returns N and the
    fields as (offset, width, name)."""
    m = re.search(r"(\d+)\s+bytes:\s", text)
    if not m:
        fail("FORMAT.md: %s: no \"N bytes: `u32` ...\" field list" % what)
        return None, []
    rest, depth, end = text[m.end():], 0, None
    for i, ch in enumerate(rest):  # the list ends at a ";" or "." outside parentheses
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0 and (ch == ";" or (ch == "." and rest[i + 1:i + 2] in ("", " ", "\n"))):
            end = i
            break
    fields, at = [], 0
    for f in re.finditer(r"`(u8|u16|u32|u64)`\s*([^,(;`]*)", rest[:end]):
        fields.append((at, WIDTHS[f.group(1)], f.group(2).strip()))
        at += WIDTHS[f.group(1)]
    if at != int(m.group(1)):
        fail("FORMAT.md: %s: the fields add up to %d bytes, not the %s it says"
             % (what, at, m.group(1)))
    return int(m.group(1)), fields


def md_number(text, pattern, what):
    m = re.search(pattern, text, re.S)
    if not m:
        fail("FORMAT.md: cannot find %s (/%s/)" % (what, pattern))
        return None
    return int(m.group(1).replace(",", ""), 0)


def check_format():
    del failures[:]
    counts = {"ids": 0, "sizes": 0, "numbers": 0, "fields": 0}

    def agree(what, doc, code, where):
        counts["numbers"] += 1
        if doc is not None and code is not None and doc != code:
            fail("FORMAT.md gives %s %s; %s has %s" % (what, doc, where, code))

    try:
        md = open(FORMAT_MD, encoding="utf-8").read()
    except OSError as e:
        print("docs.py format: cannot read FORMAT.md: %s" % e)
        return 1
    sec = md_sections(md)
    for name in ("Directory", "Container", "meta.aj", "dict.aj", "post.aj", "posn.aj", "stor.aj"):
        if name not in sec:
            fail("FORMAT.md has no \"## %s\" section" % name)
            sec[name] = ""

    fh = c_defines("src/format/file.h", ["AJ_FORMAT_VERSION", "AJ_HEADER_BYTES", "AJ_PAGE_BYTES",
                                         "AJ_MAX_SECTIONS"])
    ix = c_defines("src/index/index.h", ["AJ_SUPER_BYTES", "AJ_DOC_BYTES", "AJ_PARA_BYTES",
                                         "AJ_CITE_BYTES", "AJ_NO_LABEL", "AJ_ACRO_BYTES",
                                         "AJ_RUN_BYTES"])
    dh = c_defines("src/format/dict.h", ["AJ_DICT_BLOCK"])
    dc = c_defines("src/format/dict.c", ["INDEX_BYTES"])
    ph = c_defines("src/format/postings.h", ["AJ_SKIP_BYTES"])
    bp = c_defines("src/format/bitpack.h", ["AJ_BLOCK"])
    sh = c_defines("src/format/store.h", ["AJ_STORE_ENTRY", "AJ_STORE_BLOCK", "AJ_STORE_MAX_RAW",
                                          "AJ_STORE_DICT", "AJ_STORE_SAMPLE"])
    pr = c_defines("src/format/pairs.h", ["AJ_PAIR_COMMON", "AJ_PAIR_PARTNERS",
                                          "AJ_PAIR_COMMON_MAX", "AJ_PAIR_PARTNERS_MAX"])
    api = c_defines("src/ajsearch.h", ["AJ_MAX_WORD"])
    if failures:
        return format_report(counts)

    # the version, the container's header and its section directory
    agree("the version (title)", md_number(md, r"\A# ajsearch index format, version (\d+)", "the title"),
          fh["AJ_FORMAT_VERSION"], "src/format/file.h AJ_FORMAT_VERSION")
    m = re.search(r'#\s*define\s+AJ_MAGIC\s+"([^"]*)"', c_source("src/format/file.h"))
    head = {}
    for cells in md_rows(sec["Container"]):
        if len(cells) == 3 and cells[0].isdigit():
            head[int(cells[0])] = (cells[1], cells[2])
    at = 0
    while at in head and head[at][0].isdigit():
        at += int(head[at][0])
    agree("the header's size (where the payload starts)", at if at in head else None,
          fh["AJ_HEADER_BYTES"], "src/format/file.h AJ_HEADER_BYTES")
    if not m or 0 not in head or "`%s`" % m.group(1) not in head[0][1] or head[0][0] != str(len(m.group(1))):
        fail("FORMAT.md: the header's first field is not the magic %s (src/format/file.h AJ_MAGIC)"
             % (m.group(1) if m else "?"))
    agree("the version (header, offset 8)", md_number(head.get(8, ("", ""))[1], r"`(\d+)`", "the version field"),
          fh["AJ_FORMAT_VERSION"], "src/format/file.h AJ_FORMAT_VERSION")
    agree("the page size (header, offset 32)", md_number(head.get(32, ("", ""))[1], r"`(\d+)`",
                                                         "the page size field"),
          fh["AJ_PAGE_BYTES"], "src/format/file.h AJ_PAGE_BYTES")
    header_fields = [(k, int(v[0]), v[1]) for k, v in head.items() if k < at and v[0].isdigit()]
    _, dir_fields = md_record(sec["Container"][sec["Container"].find("per section"):],
                              "the section directory's entries")
    agree("the most sections of a file", md_number(sec["Container"], r"at most (\d+); ajsearch rejects more",
                                                   "the section limit"),
          fh["AJ_MAX_SECTIONS"], "src/format/file.h AJ_MAX_SECTIONS")

    # section ids
    def ids(body, what):
        out = {}
        for cells in md_rows(body):
            if len(cells) == 3 and re.fullmatch(r"\d+|base\+\d", cells[0]):
                out[cells[1]] = (cells[0], cells[2])
        if not out:
            fail("FORMAT.md: %s has no table of sections" % what)
        return out

    meta = ids(sec["meta.aj"], "meta.aj")
    code_meta = {n: int(v) for n, v in re.findall(r"\bAJ_SEC_(\w+)\s*=\s*(\d+)", c_source("src/index/index.h"))}
    if not code_meta:
        fail("src/index/index.h: no AJ_SEC_* enum")
    for name in sorted(set(meta) | set(code_meta)):
        counts["ids"] += 1
        if name not in code_meta:
            fail("FORMAT.md lists meta.aj section %s, which src/index/index.h has no AJ_SEC_%s for"
                 % (name, name))
        elif name not in meta:
            fail("FORMAT.md's meta.aj table has no section %s (AJ_SEC_%s = %d)" % (name, name, code_meta[name]))
        elif meta[name][0] != str(code_meta[name]):
            fail("FORMAT.md gives meta.aj section %s id %s; src/index/index.h AJ_SEC_%s = %d"
                 % (name, meta[name][0], name, code_meta[name]))
    stor = ids(sec["stor.aj"], "stor.aj")
    code_stor = {n: int(v) for n, v in re.findall(r"\bSEC_(FRAMES|TABLE|DICT)\s*=\s*(\d+)",
                                                  c_source("src/format/store.c"))}
    for name in sorted(set(stor) | set(code_stor)):
        counts["ids"] += 1
        if stor.get(name, ("?",))[0] != str(code_stor.get(name, "?")):
            fail("FORMAT.md gives stor.aj section %s id %s; src/format/store.c SEC_%s = %s"
                 % (name, stor.get(name, ("none",))[0], name, code_stor.get(name, "none")))
    dsrc = c_source("src/format/dict.h")
    m = re.search(r"#\s*define\s+AJ_SEC_DICT_BASE\(\s*(\w+)\s*\)\s*\(\s*(\d+)u?\s*\+\s*(\d+)u?\s*\*", dsrc)
    which = dict(re.findall(r"\bAJ_DICT_(TERMS|WORDS)\s*=\s*(\d+)", dsrc))
    dic = ids(sec["dict.aj"], "dict.aj")
    if not m or len(which) != 2:
        fail("src/format/dict.h: cannot read AJ_SEC_DICT_BASE(which) as (A + B * which), "
             "or AJ_DICT_TERMS/AJ_DICT_WORDS")
    else:
        base = {w: int(m.group(2)) + int(m.group(3)) * int(v) for w, v in which.items()}
        said = re.search(r"TERMS uses ids (\d+), (\d+), (\d+) and WORDS (\d+), (\d+), (\d+)", sec["dict.aj"])
        offs = {n: int(v[0][5:]) for n, v in dic.items() if v[0].startswith("base+")}
        counts["ids"] += 6
        if not said:
            fail("FORMAT.md: dict.aj does not say \"TERMS uses ids A, B, C and WORDS D, E, F\"")
        elif [int(x) for x in said.groups()] != [base[w] + k for w in ("TERMS", "WORDS") for k in range(3)]:
            fail("FORMAT.md gives dict.aj ids %s; src/format/dict.h AJ_SEC_DICT_BASE makes them %s"
                 % (", ".join(said.groups()),
                    ", ".join(str(base[w] + k) for w in ("TERMS", "WORDS") for k in range(3))))
        if offs != {"COUNT": 0, "INDEX": 1, "BLOCKS": 2}:
            fail("FORMAT.md: dict.aj's sections are not COUNT, INDEX, BLOCKS at base+0, +1, +2 "
                 "(src/format/dict.c writes them so): %s" % offs)

    # fixed-size records: their sizes and fields
    records = {}
    for name, define, where in (("SUPER", "AJ_SUPER_BYTES", ix), ("DOCS", "AJ_DOC_BYTES", ix),
                                ("PARAS", "AJ_PARA_BYTES", ix), ("ACRONYMS", "AJ_ACRO_BYTES", ix),
                                ("CHROME", "AJ_RUN_BYTES", ix), ("CHROMEDF", "AJ_RUN_BYTES", ix)):
        size, fields = md_record(meta.get(name, ("", ""))[1], "meta.aj " + name)
        counts["sizes"] += 1
        agree("meta.aj %s records of" % name, size, where[define], "src/index/index.h " + define)
        records[name] = fields
    for what, text, define, where, rel in (
            ("dict.aj INDEX entries of", dic.get("INDEX", ("", ""))[1], "INDEX_BYTES", dc, "src/format/dict.c"),
            ("post.aj skip entries of", sec["post.aj"][sec["post.aj"].find("skip table"):], "AJ_SKIP_BYTES",
             ph, "src/format/postings.h"),
            ("stor.aj TABLE entries of", stor.get("TABLE", ("", ""))[1], "AJ_STORE_ENTRY", sh,
             "src/format/store.h")):
        size, fields = md_record(text, what)
        counts["sizes"] += 1
        agree(what, size, where[define], rel + " " + define)
        records[what.split(" entries")[0]] = fields
    outline = re.search(r"outline \(bytes (\d+)\.\.(\d+), (\d+) bytes\)", meta.get("PARAS", ("", ""))[1])
    if not outline:
        fail("FORMAT.md: PARAS does not say where its outline lies (\"outline (bytes A..B, N bytes)\")")
    else:
        agree("the size of PARAS' outline", int(outline.group(3)), ix["AJ_CITE_BYTES"],
              "src/index/index.h AJ_CITE_BYTES")
        agree("the start of PARAS' outline", int(outline.group(1)),
              ix["AJ_PARA_BYTES"] - ix["AJ_CITE_BYTES"], "src/index/index.h AJ_PARA_BYTES - AJ_CITE_BYTES")

    # other numbers of the format
    for what, text, pattern, value, where in (
            ("the label of no label", meta.get("PARAS", ("", ""))[1], r"`(0x[0-9A-Fa-f]+)` for none",
             ix["AJ_NO_LABEL"], "src/index/index.h AJ_NO_LABEL"),
            ("the most common terms", meta.get("COMMON", ("", ""))[1], r"\*c\* \(at most (\d+)\)",
             pr["AJ_PAIR_COMMON_MAX"], "src/format/pairs.h AJ_PAIR_COMMON_MAX"),
            ("the most partner terms", meta.get("COMMON", ("", ""))[1], r"\*q\* \(at most (\d+)\)",
             pr["AJ_PAIR_PARTNERS_MAX"], "src/format/pairs.h AJ_PAIR_PARTNERS_MAX"),
            ("the longest term", sec["dict.aj"], r"Terms are 1\.\.(\d+) bytes", api["AJ_MAX_WORD"],
             "src/ajsearch.h AJ_MAX_WORD"),
            ("the common terms the build chooses", sec["dict.aj"], r"the (\d+) most frequent terms",
             pr["AJ_PAIR_COMMON"], "src/format/pairs.h AJ_PAIR_COMMON"),
            ("the partner terms the build chooses", sec["dict.aj"], r"then the next ([\d,]+)",
             pr["AJ_PAIR_PARTNERS"], "src/format/pairs.h AJ_PAIR_PARTNERS"),
            ("the terms of a dictionary block", dic.get("INDEX", ("", ""))[1], r"per block of (\d+) terms",
             dh["AJ_DICT_BLOCK"], "src/format/dict.h AJ_DICT_BLOCK"),
            ("the terms of a dictionary block", dic.get("BLOCKS", ("", ""))[1], r"blocks of up to (\d+) terms",
             dh["AJ_DICT_BLOCK"], "src/format/dict.h AJ_DICT_BLOCK"),
            ("the postings of a block", sec["post.aj"], r"ceil\(df / (\d+)\)", bp["AJ_BLOCK"],
             "src/format/bitpack.h AJ_BLOCK"),
            ("the postings of a block", sec["post.aj"], r"\*m\* = (\d+) postings", bp["AJ_BLOCK"],
             "src/format/bitpack.h AJ_BLOCK"),
            ("the positions of a chunk", sec["posn.aj"], r"chunks of (\d+)\s+values", bp["AJ_BLOCK"],
             "src/format/bitpack.h AJ_BLOCK"),
            ("a text block's size", sec["stor.aj"], r"blocks of at\s+most (\d+) bytes", sh["AJ_STORE_BLOCK"],
             "src/format/store.h AJ_STORE_BLOCK"),
            ("a text block's raw length at most, in MiB", sec["stor.aj"], r"at most (\d+) MiB\.",
             sh["AJ_STORE_MAX_RAW"] >> 20, "src/format/store.h AJ_STORE_MAX_RAW"),
            ("the text dictionary's capacity, in KiB", sec["stor.aj"], r"capacity (\d+) KiB",
             sh["AJ_STORE_DICT"] >> 10, "src/format/store.h AJ_STORE_DICT"),
            ("the sample bytes of the text dictionary, in MiB", sec["stor.aj"],
             r"on up\s+to (\d+) MiB of paragraph texts", sh["AJ_STORE_SAMPLE"] >> 20,
             "src/format/store.h AJ_STORE_SAMPLE")):
        agree(what, md_number(text, pattern, what), value, where)

    # the writers put each field where FORMAT.md says
    for what, fields, puts, rel in (
            ("the header", header_fields,
             c_puts("src/format/file.c", "aj_fw_close", "h") | {(0, 8)}, "src/format/file.c"),
            ("a section directory entry", dir_fields, c_puts("src/format/file.c", "aj_fw_close", "ent"),
             "src/format/file.c"),
            ("SUPER", records["SUPER"], c_puts("src/build/build.c", "write_meta", "sup"), "src/build/build.c"),
            ("DOCS", records["DOCS"], c_puts("src/build/build.c", "write_meta", "r"), "src/build/build.c"),
            ("PARAS", records["PARAS"],
             c_puts("src/build/build.c", "take_segment", "r") |
             c_puts("src/build/build.c", "take_outline", "r", ix["AJ_PARA_BYTES"] - ix["AJ_CITE_BYTES"]),
             "src/build/build.c"),
            ("ACRONYMS", records["ACRONYMS"], c_puts("src/build/build.c", "write_acronyms", "r"),
             "src/build/build.c"),
            ("CHROME", records["CHROME"], c_puts("src/build/build.c", "write_chrome", "r"), "src/build/build.c"),
            ("CHROMEDF", records["CHROMEDF"], c_puts("src/build/build.c", "count_chrome", "r"),
             "src/build/build.c"),
            ("dict.aj INDEX", records["dict.aj INDEX"], c_puts("src/format/dict.c", "aj_dict_writer_add", "x"),
             "src/format/dict.c"),
            ("post.aj skip", records["post.aj skip"], c_puts("src/format/postings.c", "aj_postings_write_fn", "s"),
             "src/format/postings.c"),
            ("stor.aj TABLE", records["stor.aj TABLE"], c_puts("src/format/store.c", "aj_store_append", "e"),
             "src/format/store.c")):
        doc = {(off, width) for off, width, _ in fields}
        counts["fields"] += len(fields)
        for off, width in sorted(puts - doc):
            fail("%s writes %d bytes at offset %d of %s; FORMAT.md has no such field there"
                 % (rel, width, off, what))
        for off, width, name in fields:
            if (off, width) not in puts and not name.startswith("zero"):
                fail("FORMAT.md: %s's field %r (%d bytes at offset %d) is not written by %s"
                     % (what, name, width, off, rel))

    return format_report(counts)


def format_report(counts):
    if failures:
        print("docs.py format: FORMAT.md and the code disagree:")
        for f in failures:
            print("  - " + f)
        return 1
    print("docs.py format: %d section ids, %d record sizes with %d fields, %d other numbers: "
          "FORMAT.md and the code agree" % (counts["ids"], counts["sizes"], counts["fields"],
                                            counts["numbers"] - counts["sizes"]))
    return 0


SCENARIOS = {"cli": check_cli, "format": check_format}


def main(argv):
    names = argv[1:] or list(SCENARIOS)
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        print("usage: docs.py [SCENARIO...]\nscenarios: " + " ".join(SCENARIOS))
        return 2
    status = 0
    for name in names:
        status |= SCENARIOS[name]()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
