"""templatelib.py -- what scripts/make-gallery.py and the template library's tests (tests/cli/test_template_library.sh,
tests/cli/test_gallery.sh) agree on: a template's example cases and their names, a case's value by its dotted path,
and a fill that leaves its report."""
import glob
import json
import os
import subprocess


def cases(tpl):
    """The example cases of the template folder tpl: example.json first (when there is one), then examples/*.json
    by name."""
    main = os.path.join(tpl, "example.json")
    return ([main] if os.path.exists(main) else []) + sorted(glob.glob(os.path.join(tpl, "examples", "*.json")))


def case_name(tpl, path):
    """An example's short name, as the gallery's pictures are named: "example", or the name in examples/."""
    return "example" if os.path.relpath(path, tpl) == "example.json" else os.path.splitext(os.path.basename(path))[0]


def lookup(case, path):
    """The case's value at a dotted path ("begrundelse.fakta"), or None."""
    v = case
    for k in path.split("."):
        if not isinstance(v, dict) or k not in v:
            return None
        v = v[k]
    return v


def fill(klarbrev, tpl, case_path, docx, *outputs):
    """klarbrev fill tpl case_path -o docx [outputs: --pdf X, --txt Y] --format json, the outputs removed first:
    (exit code, the report or None, stderr)."""
    for f in [docx] + [o for o in outputs if not o.startswith("--")]:
        if os.path.exists(f):
            os.unlink(f)
    p = subprocess.run([klarbrev, "fill", tpl, case_path, "-o", docx] + list(outputs) + ["--format", "json"],
                       capture_output=True, timeout=900)
    try:
        report = json.loads(p.stdout.decode("utf-8"))
    except ValueError:
        report = None
    return p.returncode, report, p.stderr.decode("utf-8", "replace")
