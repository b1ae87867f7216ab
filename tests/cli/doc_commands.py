#!/usr/bin/env python3
"""doc_commands.py KLARBREV KB_SRC SCRATCH DOC.md... -- runs every klarbrev command line printed in the guides.

A command is a line in a fenced code block that starts with `klarbrev `, `build/bin/klarbrev ` or the Windows path
of klarbrev.exe. Usage lines name their arguments in capitals (TEMPLATE, SAG.json, BREV.docx|BREV.txt, [--all]); they
become the sample template, its example case and a letter filled from it, and `A|B` runs once with each. Every
command runs in a fresh folder holding those files (converted to the tegnsæt of `--encoding X` when it has one), with
standard input from /dev/null unless it reads a file with `<`. A trailing comment `# -> TEXT (afslutningskode N)`
is checked: TEXT must be in the output and the exit code must be N; otherwise the command must be accepted as
printed (exit 0 or 1: 1 only says the letter has findings). Prints one line per command, "ok" or "FAIL", and exits
1 when any failed.
"""
import os
import re
import shlex
import shutil
import subprocess
import sys

KLARBREV, SRC, SCRATCH = sys.argv[1], sys.argv[2], sys.argv[3]
DOCS = sys.argv[4:]
SAMPLE = "templates/afslag-kontanthjaelp"

# capitals in usage lines -> what the test gives for them
PLACEHOLDERS = {
    "TEMPLATE": SAMPLE, "SKABELON": SAMPLE, "MAPPE": SAMPLE, "{SKABELON}": SAMPLE,
    "CASE.json": "sag.json", "SAG.json": "sag.json", "{SAG}": "sag.json",
    "LETTER.docx": "brev.docx", "BREV.docx": "brev.docx", "{BREV}": "brev.docx",
    "LETTER.txt": "brev.txt", "BREV.txt": "brev.txt",
    "COPY.docx": "kopi.docx", "KOPI.docx": "kopi.docx", "{KOMMENTERET}": "kopi.docx",
    "UDKAST.docx": "udkast.docx", "{UDKAST}": "udkast.docx",
    "OUT.pdf": "ud.pdf", "OUT.txt": "ud.txt", "BREV.pdf": "ud.pdf",
    "TEMPLATE.txt": "skabelon.txt", "SKABELON.txt": "skabelon.txt",
    "COMMAND": "fill", "KOMMANDO": "fill",
    "CASES.csv": "sager.csv", "SAGER.csv": "sager.csv", "CASES.jsonl": "sager.jsonl", "SAGER.jsonl": "sager.jsonl",
    "FOLDER": "breve", "UDMAPPE": "breve",
}
DROP = {"[WORD...]", "[ORD...]", "[FILE...]", "[FIL...]"}
# the files every command's folder starts with (made once by prepare())
INPUTS = ("sag.json", "sag-fra-fagsystem.json", "brev.docx", "brev.txt", "gammelt-brev.txt", "gammel-tekst.txt",
          "tekst.txt", "afsnit.txt", "skabelon.txt", "afslag.txt", "kommune.ini", "sager.csv", "sager.jsonl")
OUTPUT_OPTIONS = ("-o", "--output", "--pdf", "--txt", "--draft", "--annotate")


def help_text(args):
    p = subprocess.run([KLARBREV] + args + ["--help"], capture_output=True, stdin=subprocess.DEVNULL, timeout=60)
    text = p.stdout.decode("utf-8", "replace")
    if p.returncode != 0 or not text.strip():
        sys.exit("doc_commands: klarbrev %s --help exits %d with %s; its examples cannot be run" %
                 (" ".join(args), p.returncode, "no text" if not text.strip() else "text"))
    return text


def subcommands():
    """The commands `klarbrev --help` lists (the second word of its usage lines)."""
    return sorted(set(re.findall(r"^\s+klarbrev ([a-z]+)", help_text([]), re.M)) - {"KOMMANDO"})


def help_examples():
    """(name, lines) for every command's --help: its example lines are commands a user copies."""
    out = []
    for c in subcommands():
        text = help_text([c])
        lines, inside = [], False
        for line in text.splitlines():
            if re.match(r"^Eksempl?e", line):
                inside = True
                lines.append("```")
                continue
            if inside and line and not line.startswith(" "):
                inside = False
                lines.append("```")
            lines.append(line if inside else "")
        if inside:
            lines.append("```")
        out.append(("klarbrev %s --help" % c, lines))
    return out


def commands(lines, known):
    """Yields (line number, command text, expected text, expected exit code) for each command in the guide."""
    fence = None
    for n, raw in enumerate(lines, 1):
        line = raw.strip()
        if line.startswith("$ "):
            line = line[2:]
        if line.startswith("```"):
            fence = None if fence is not None else line[3:]
            continue
        if fence is None:
            continue
        line = re.sub(r'^"C:\\[^"]*\\klarbrev\.exe"', "klarbrev", line)
        if line.startswith("build/bin/klarbrev "):
            line = line[len("build/bin/"):]
        if not line.startswith("klarbrev ") or len(line.split()) < 2:
            continue
        if line.split()[1] not in known:
            # prose in a code block (a message box's "klarbrev har tjekket brevet:") is skipped; a line with an
            # option or a file name is a command with a mistyped or removed name, and fails
            if re.search(r"\s--?[a-z]|\.(docx|json|txt|pdf|ini|lua)\b", line):
                yield n, line, None, -1
            continue
        want_text, want_rc = None, None
        m = re.search(r"\s{2,}(#.*|\(.*\))$", line)
        if m:
            comment, line = m.group(1), line[:m.start()].rstrip()
            c = re.match(r"#\s*->\s*(.*?)\s*(?:\(afslutningskode (\d)\))?\s*$", comment)
            if c:
                want_text = c.group(1) or None
                want_rc = int(c.group(2)) if c.group(2) else None
        yield n, line, want_text, want_rc


def expand(cmd):
    """The usage line's capitals replaced; A|B alternatives give one command each."""
    variants = [[]]
    for tok in shlex.split(cmd, posix=True):
        if tok in DROP:
            continue
        m = re.fullmatch(r"\[(--[a-z-]+)\]", tok)
        if m:
            tok = m.group(1)
        if tok.startswith("/etc/"):  # a path on the municipality's server: the file of that name here
            tok = os.path.basename(tok)
        for name in ("MAPPE", "SKABELON", "TEMPLATE"):
            if tok.startswith(name + "/"):  # MAPPE/example.json
                tok = SAMPLE + tok[len(name):]
        alts = tok.split("|") if re.fullmatch(r"[\w.{}-]+(\|[\w.{}-]+)+", tok) else [tok]
        alts = [PLACEHOLDERS.get(a, a) for a in alts]
        variants = [v + [a] for v in variants for a in alts]
    return variants


def run_serve(args, cwd, env):
    """`klarbrev serve ...` as printed, on a free port of the loopback address (or of the address it names): started,
    asked GET /health once it says it listens, then stopped with SIGTERM, as systemd stops it. Returns its exit code
    (0 when it started, answered and stopped) and what it printed."""
    import signal
    import urllib.request
    args = list(args)
    if "--listen" in args:
        i = args.index("--listen")
        host = args[i + 1].rsplit(":", 1)[0]
        args[i + 1] = host + ":0"
    else:
        args += ["--listen", "127.0.0.1:0"]
    p = subprocess.Popen(args, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=env, text=True)
    out = []
    port = None
    for line in p.stderr:
        out.append(line)
        m = re.search(r"lytter på https?://\S*:(\d+)", line)
        if m:
            port = m.group(1)
            break
    if port is None:
        p.wait(timeout=60)
        return p.returncode, "".join(out) + p.stdout.read()
    try:
        with urllib.request.urlopen("http://127.0.0.1:%s/health" % port, timeout=30) as r:
            health = r.status
    except Exception as e:  # noqa: BLE001 -- reported as the command's failure
        health = str(e)
    p.send_signal(signal.SIGTERM)
    rest, err = p.communicate(timeout=60)
    out.append(err)
    if health != 200:
        return 1, "".join(out) + "\nGET /health: %s" % health
    return p.returncode, "".join(out) + rest


def run(args, cwd, stdin=None, env=None, stdout=None):
    """Runs the command; returns its exit code and its output (stdout and stderr, or only stderr when stdout goes to
    the file named by stdout, as the shell's > does)."""
    if len(args) > 1 and args[1] == "serve" and "--help" not in args:
        return run_serve(args, cwd, env)
    with open(stdin or os.devnull, "rb") as f:
        p = subprocess.run(args, cwd=cwd, stdin=f, capture_output=True, env=env, timeout=600)
    if stdout:
        with open(os.path.join(cwd, stdout), "wb") as out:
            out.write(p.stdout)
        return p.returncode, p.stderr.decode("utf-8", "replace")
    return p.returncode, p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")


def prepare(base):
    os.makedirs(base)
    # a copy: a command may write into the template folder (template fields MAPPE > MAPPE/example.json)
    shutil.copytree(os.path.join(SRC, "templates"), os.path.join(base, "templates"))
    shutil.copy(os.path.join(SRC, SAMPLE, "example.json"), os.path.join(base, "sag.json"))
    shutil.copy(os.path.join(SRC, SAMPLE, "example.json"), os.path.join(base, "sag-fra-fagsystem.json"))
    rc, out = run([KLARBREV, "fill", SAMPLE, "sag.json", "-o", "brev.docx", "--txt", "brev.txt"], base)
    if rc != 0:
        sys.exit("doc_commands: the sample does not fill (exit %d):\n%s" % (rc, out))
    for name in ("gammelt-brev.txt", "gammel-tekst.txt", "tekst.txt"):
        shutil.copy(os.path.join(base, "brev.txt"), os.path.join(base, name))
    with open(os.path.join(base, "skabelon.txt"), "w", encoding="utf-8") as f:
        f.write("Kære {{modtager.navn}}\n\nVi har behandlet din ansøgning fra {{ansoegning.dato | dato}}.\n")
    with open(os.path.join(base, "afslag.txt"), "w", encoding="utf-8") as f:
        f.write("Kære {{modtager.navn}}\n\n{{> klagevejledning/ankestyrelsen}}\n")
    with open(os.path.join(base, "kommune.ini"), "w", encoding="utf-8") as f:
        f.write("[klarbrev]\nplugin_folder = mine-regler\nplugin_time_ms = 2000\n\n[plugin readability]\nmax_words = 25\n")
    os.makedirs(os.path.join(base, "mine-regler"))
    # the service's tokens file (klarbrev serve --tokens /etc/klarbrev/tokens), private as the service demands
    with open(os.path.join(base, "tokens"), "w", encoding="utf-8") as f:
        f.write("fagsystem 0123456789abcdef0123456789abcdef\n")
    os.chmod(os.path.join(base, "tokens"), 0o600)
    with open(os.path.join(base, "afsnit.txt"), "w", encoding="utf-8") as f:
        f.write("Vi har behandlet din ansøgning. Du får svar i næste uge.\n")
    # cases for klarbrev batch: a ';' CSV as Danish Excel saves it, and JSON Lines (UTF-8 here; an --encoding on the
    # command converts them like the other inputs)
    import make_cases
    example = os.path.join(SRC, SAMPLE, "example.json")
    make_cases.main(["make_cases.py", example, os.path.join(base, "sager.csv"), "3", "--csv"])
    make_cases.main(["make_cases.py", example, os.path.join(base, "sager.jsonl"), "3"])


def municipal_plugins(d, args):
    """A plugin file the command names in a municipality's folder (mine-regler/X.lua): a small working plugin with
    that id, as the municipality would have written it."""
    for a in args:
        m = re.fullmatch(r"mine-regler/([a-z0-9-]+)\.lua", a)
        if m and not os.path.exists(os.path.join(d, a)):
            with open(os.path.join(d, a), "w", encoding="utf-8") as f:
                f.write('return {\n  id = "%s",\n  avoid = { "pågældende" },\n'
                        '  examples = { ok = { "Du får hjælp." }, bad = { "Den [[pågældende]] får hjælp." } },\n}\n'
                        % m.group(1))


def main():
    base = os.path.join(SCRATCH, "base")
    prepare(base)
    env = dict(os.environ)
    bindir = os.path.join(SCRATCH, "bin")
    os.makedirs(bindir)
    os.symlink(KLARBREV, os.path.join(bindir, "klarbrev"))
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    failed = total = 0
    known = subcommands() + ["fill"]  # "fill" stands for COMMAND in "klarbrev COMMAND --help"
    sources = [(os.path.relpath(d, SRC), open(d, encoding="utf-8").read().splitlines()) for d in DOCS]
    for name, lines in sources + help_examples():
        for n, cmd, want_text, want_rc in commands(lines, known + ["COMMAND", "KOMMANDO"]):
            if want_rc == -1:
                failed += 1
                total += 1
                print("FAIL %s:%d: %s: \"%s\" is not a klarbrev command (klarbrev --help lists them)" %
                      (name, n, cmd, cmd.split()[1]))
                continue
            for k, args in enumerate(expand(cmd)):
                total += 1
                where = "%s:%d" % (name, n)
                d = os.path.join(SCRATCH, "c%d" % total)
                shutil.copytree(base, d, symlinks=True)
                municipal_plugins(d, args)
                stdin = stdout = None
                if "<" in args:
                    i = args.index("<")
                    stdin, args = os.path.join(d, args[i + 1]), args[:i] + args[i + 2:]
                if ">" in args:
                    i = args.index(">")
                    stdout, args = args[i + 1], args[:i] + args[i + 2:]
                unknown = [a for i, a in enumerate(args) if i >= 2 and re.fullmatch(r"[\w/.-]+\.(json|txt|docx|ini|lua)", a)
                           and not os.path.exists(os.path.join(d, a)) and args[i - 1] not in OUTPUT_OPTIONS
                           and not (args[1] == "export" and i == 3)]
                if unknown:
                    failed += 1
                    print("FAIL %s: %s: names %s, which this test does not prepare" % (where, cmd, unknown))
                    continue
                m = re.search(r"--encoding ([\w-]+)", " ".join(args))
                if m:  # the files the command reads, in the tegnsæt it names
                    for f in [a for a in args if a in INPUTS and a.endswith((".json", ".txt", ".csv", ".jsonl"))] + \
                             ([stdin] if stdin else []):
                        p = os.path.join(d, f)
                        data = open(p, encoding="utf-8").read()
                        open(p, "w", encoding=m.group(1)).write(data)
                rc, out = run(["klarbrev"] + args[1:], d, stdin, env, stdout)
                ok = rc == want_rc if want_rc is not None else rc in (0, 1)
                if ok and want_text and want_text not in out:
                    ok = False
                shown = " ".join(args)
                if ok:
                    print("ok   %s: %s (exit %d)" % (where, shown, rc))
                else:
                    failed += 1
                    want = "exit %s" % (want_rc if want_rc is not None else "0 or 1")
                    if want_text:
                        want += " and \"%s\" in the output" % want_text
                    print("FAIL %s: %s: exit %d, want %s\n%s" % (where, shown, rc, want,
                          "\n".join("    " + l for l in out.splitlines()[:12])))
                shutil.rmtree(d, ignore_errors=True)
    print("%d commands from the guides, %d failed" % (total, failed))
    sys.exit(1 if failed or total == 0 else 0)


if __name__ == "__main__":
    main()
