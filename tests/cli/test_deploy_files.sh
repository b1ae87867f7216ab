#!/usr/bin/env bash
# The deployment files (deploy/, docs/drift.md) work as written, as far as this machine can tell without systemd
# running, a container engine or a cluster:
# - deploy/klarbrev.service passes `systemd-analyze verify` (ExecStart pointed at this build's klarbrev), keeps its
#   sandbox (`systemd-analyze security` exposure at most 2.0) and agrees with itself: --tokens names the credential
#   LoadCredential loads, KLARBREV_CACHE_DIR is the CacheDirectory, HOME the StateDirectory, TMPDIR the private /tmp,
#   and TimeoutStopSec leaves the requests in flight their time (upload or PDF). The drop-ins docs/drift.md shows verify too.
# - every YAML file under deploy/kubernetes parses, with the kinds each file should have; the Service, HPA and
#   PodDisruptionBudget point at the Deployment; the probes ask /health on the container's port 8080; the pods run
#   as the image's non-root user with a read-only root and an emptyDir on /tmp; the tokens Secret (mode 0400) reaches
#   klarbrev as a file only its owner can read; the ConfigMap's kommune.ini loads (`klarbrev plugin list --config`).
# - the Indexed Job's own script, run here for every shard that the `split` command of docs/drift.md makes, writes
#   one letter per case; run again for a shard (a retried pod), it skips the letters that exist and writes a missing
#   one.
# - deploy/Containerfile installs what scripts/install-deps.sh says the build needs, and the runtime libraries of
#   what it builds with (rules below); its COPY lines hold all that CMakeLists.txt configures from.
# - deploy/tokens.example and the recipe in docs/drift.md give lines in the contract's format, mode 0600.
# - the options every `klarbrev serve` line passes (unit, Containerfile, Deployment, docs/drift.md) are options that
#   `klarbrev serve --help` lists, and the server starts with tokens.example and the ConfigMap's config, answers
#   /health without a token and /templates with one, reloads on SIGHUP and exits 0 on SIGTERM. This part is skipped,
#   with a message, while `klarbrev serve --help` fails (the server is not in this build yet).
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3 # Debian's python3, with python3-yaml (scripts/install-deps.sh)
D=$KB_SRC/deploy
K=$D/kubernetes
UNIT=$D/klarbrev.service
for f in "$UNIT" "$D/Containerfile" "$D/tokens.example" "$K/deployment.yaml" "$K/service.yaml" "$K/hpa.yaml" \
  "$K/batch-job.yaml" "$KB_SRC/docs/drift.md"; do
  [ -f "$f" ] && pass || fail "missing: ${f#"$KB_SRC"/}"
done

# ---- the systemd unit ----

# verify_unit FILE DESCRIPTION: systemd-analyze verify accepts FILE without a word (it only warns about unknown keys
# and bad values, with exit 0, so any output is a failure)
verify_unit() {
  systemd-analyze verify --man=no "$1" >"$T/verify" 2>&1
  local vrc=$?
  if [ "$vrc" -eq 0 ] && [ ! -s "$T/verify" ]; then pass; else
    fail "$2: systemd-analyze verify exits $vrc"
    sed 's/^/    /' "$T/verify" | head -n 20
  fi
}
mkdir -p "$T/unit"
grep -q '^ExecStart=/usr/local/bin/klarbrev serve' "$UNIT" && pass ||
  fail "klarbrev.service starts /usr/local/bin/klarbrev serve (where cmake --install --prefix /usr/local puts it)"
# the program must exist for verify: this build's, in place of the installed one
sed "s#^ExecStart=/usr/local/bin/klarbrev #ExecStart=$KLARBREV #" "$UNIT" >"$T/unit/klarbrev.service"
verify_unit "$T/unit/klarbrev.service" "deploy/klarbrev.service"
systemd-analyze security --offline=true --threshold=20 --no-pager "$T/unit/klarbrev.service" >"$T/security" 2>&1
src=$?
level=$(sed -n 's/.*Overall exposure level for klarbrev.service: \([0-9.]*\).*/\1/p' "$T/security")
if [ "$src" -eq 0 ] && [ -n "$level" ]; then pass; else
  fail "klarbrev.service's sandbox: systemd-analyze security gives exposure ${level:-?} (exit $src), want at most 2.0"
  grep '✗' "$T/security" | head -n 20
fi
# a unit with a mistake must fail here, or the check above proves nothing
sed 's/^ProtectSystem=strict$/ProtectSystem=strikt/' "$T/unit/klarbrev.service" >"$T/unit/broken.service"
systemd-analyze verify --man=no "$T/unit/broken.service" >"$T/verify" 2>&1
[ -s "$T/verify" ] && pass || fail "systemd-analyze verify says nothing about ProtectSystem=strikt"

# the drop-ins docs/drift.md shows (```ini blocks that begin with [Service]), each added to the unit
"$PY" - "$KB_SRC/docs/drift.md" "$T/unit" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
blocks = [b for b in re.findall(r"^```ini\n(.*?)^```", text, re.S | re.M) if b.startswith("[Service]")]
for i, b in enumerate(blocks):
    open("%s/dropin-%d.conf" % (sys.argv[2], i), "w", encoding="utf-8").write(b)
EOF
n_dropins=$(ls "$T"/unit/dropin-*.conf 2>/dev/null | wc -l)
[ "$n_dropins" -ge 2 ] && pass || fail "docs/drift.md shows the drop-ins for --templates and TLS ($n_dropins found)"
for f in "$T"/unit/dropin-*.conf; do
  [ -e "$f" ] || continue
  { cat "$UNIT"; echo; cat "$f"; } | sed "s#^ExecStart=/usr/local/bin/klarbrev #ExecStart=$KLARBREV #" \
    >"$T/unit/with-dropin.service"
  verify_unit "$T/unit/with-dropin.service" "klarbrev.service with the drop-in of docs/drift.md: $(grep -m1 -v '^\[' "$f")"
done

# ---- the deployment files, read as data: prints "ok WHAT" or "FAIL WHY"; writes what the shell runs below ----
cat >"$T/deploy_check.py" <<'EOF'
import os, re, shlex, sys
import yaml

SRC, OUT = sys.argv[1], sys.argv[2]
K = os.path.join(SRC, "deploy", "kubernetes")


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    return ok


def write(name, text):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        f.write(text)


def options(args):
    """The --options of a command line (the word after an option is its value, not checked)."""
    return [a.split("=")[0] for a in args if a.startswith("--")]


def opt_value(args, name, default=None):
    for i, a in enumerate(args):
        if a == name and i + 1 < len(args):
            return args[i + 1]
        if a.startswith(name + "="):
            return a.split("=", 1)[1]
    return default


serve_lines = []  # (where, args after "serve") for the --help check in the shell

# -- the unit --
unit = {}
for line in open(os.path.join(SRC, "deploy", "klarbrev.service"), encoding="utf-8"):
    line = line.strip()
    if line and not line.startswith(("#", ";", "[")) and "=" in line:
        k, v = line.split("=", 1)
        unit.setdefault(k, []).append(v)
one = lambda k: unit.get(k, [""])[-1]
execstart = shlex.split(one("ExecStart"))
serve_lines.append(("deploy/klarbrev.service ExecStart", execstart[2:]))
check(one("DynamicUser") == "yes" or one("User") not in ("", "root"), "klarbrev.service runs as a user of its own")
for k, v in (("ProtectSystem", "strict"), ("ProtectHome", "yes"), ("PrivateTmp", "yes"),
             ("NoNewPrivileges", "yes"), ("CapabilityBoundingSet", ""), ("LockPersonality", "yes"),
             ("SystemCallFilter", "@system-service"), ("RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX"),
             ("KillSignal", "SIGTERM"), ("ExecReload", "/bin/kill -HUP $MAINPID")):
    check(v in unit.get(k, []), "klarbrev.service has %s=%s" % (k, v))
check(bool(re.fullmatch(r"\d+[KMG]", one("MemoryMax"))), "klarbrev.service has a MemoryMax (%r)" % one("MemoryMax"))
# --tokens is the credential LoadCredential= loads from /etc/klarbrev
creds = dict(v.split(":", 1) for v in unit.get("LoadCredential", []) if ":" in v)
tokens = opt_value(execstart, "--tokens", "")
m = re.fullmatch(r"%d/([\w.-]+)", tokens)
check(bool(m) and m.group(1) in creds and creds[m.group(1)].startswith("/etc/klarbrev/"),
      "klarbrev.service: --tokens %r is a credential LoadCredential= loads from /etc/klarbrev (%s)" % (tokens, creds))
env = dict(e.split("=", 1) for v in unit.get("Environment", []) for e in shlex.split(v))
check(env.get("KLARBREV_CACHE_DIR") == "%C/" + one("CacheDirectory") and one("CacheDirectory") != "",
      "klarbrev.service: KLARBREV_CACHE_DIR (%r) is its CacheDirectory (%r)" %
      (env.get("KLARBREV_CACHE_DIR"), one("CacheDirectory")))
check(env.get("HOME") == "%S/" + one("StateDirectory") and one("StateDirectory") != "",
      "klarbrev.service: HOME (%r, for LibreOffice) is its StateDirectory (%r)" % (env.get("HOME"),
                                                                                 one("StateDirectory")))
check(env.get("TMPDIR") == "/tmp" and one("PrivateTmp") == "yes", "klarbrev.service: TMPDIR is its private /tmp")
# a request in flight at SIGTERM may still be uploading (--timeout, 60 s by default) or making a PDF
# (KLARBREV_PDF_TIMEOUT, 120 s by default)
PDF_TIMEOUT = 120
in_flight = max(int(opt_value(execstart, "--timeout", "60")), PDF_TIMEOUT)
stop = one("TimeoutStopSec")
check(stop.isdigit() and int(stop) > in_flight,
      "klarbrev.service: TimeoutStopSec (%s) is longer than a request in flight may take (%d s)" % (stop, in_flight))
check("2" in one("RestartPreventExitStatus").split(),
      "klarbrev.service: no restart after exit 2 (a start-up problem)")

# -- the Kubernetes files --
EXPECTED = {"deployment.yaml": ["ConfigMap", "Deployment", "PodDisruptionBudget"], "service.yaml": ["Service"],
            "hpa.yaml": ["HorizontalPodAutoscaler"], "batch-job.yaml": ["PersistentVolumeClaim", "Job"]}
docs = {}
for name in sorted(os.listdir(K)):
    if not name.endswith((".yaml", ".yml")):
        continue
    try:
        with open(os.path.join(K, name), encoding="utf-8") as f:
            ds = [d for d in yaml.safe_load_all(f) if d is not None]
    except yaml.YAMLError as e:
        check(False, "deploy/kubernetes/%s parses: %s" % (name, str(e).replace("\n", " ")))
        continue
    check(True, "deploy/kubernetes/%s parses" % name)
    for d in ds:
        check(isinstance(d, dict) and d.get("apiVersion") and d.get("kind") and (d.get("metadata") or {}).get("name"),
              "deploy/kubernetes/%s: every document has apiVersion, kind and metadata.name" % name)
    docs[name] = ds
    if name in EXPECTED:
        kinds = [d.get("kind") for d in ds]
        check(kinds == EXPECTED[name], "deploy/kubernetes/%s has %s (has %s)" % (name, EXPECTED[name], kinds))
for name in EXPECTED:
    check(name in docs, "deploy/kubernetes/%s exists" % name)


def find(kind):
    got = [d for ds in docs.values() for d in ds if isinstance(d, dict) and d.get("kind") == kind]
    return got[0] if got else {}


def sub(d, *path):
    for p in path:
        d = d.get(p, {}) if isinstance(d, dict) else {}
    return d


def labels_match(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


dep, cm, svc, hpa = find("Deployment"), find("ConfigMap"), find("Service"), find("HorizontalPodAutoscaler")
pdb, job, pvc = find("PodDisruptionBudget"), find("Job"), find("PersistentVolumeClaim")
pod = sub(dep, "spec", "template", "spec")
pod_labels = sub(dep, "spec", "template", "metadata", "labels")
check(labels_match(sub(dep, "spec", "selector", "matchLabels"), pod_labels), "the Deployment selects its own pods")
cs = [c for c in pod.get("containers", []) if c.get("name") == "klarbrev"]
c = cs[0] if cs else {}
check(bool(c), "the Deployment has a container named klarbrev")
args = c.get("args", [])
check(args[:2] == ["klarbrev", "serve"], "the Deployment's container runs klarbrev serve (args %s)" % args[:2])
serve_lines.append(("deploy/kubernetes/deployment.yaml args", args[2:]))
ports = {p.get("name"): p.get("containerPort") for p in c.get("ports", [])}
listen = opt_value(args, "--listen", "")
check(8080 in ports.values() and listen.endswith(":8080"),
      "the Deployment's container listens on 8080 (--listen %s, ports %s)" % (listen, ports))
for probe in ("readinessProbe", "livenessProbe") + (("startupProbe",) if "startupProbe" in c else ()):
    g = sub(c, probe, "httpGet")
    port = ports.get(g.get("port"), g.get("port"))
    check(g.get("path") == "/health" and port == 8080,
          "the Deployment's %s asks GET /health on 8080 (path %r, port %r)" % (probe, g.get("path"), port))
res = c.get("resources", {})
check(all(res.get(a, {}).get(b) for a in ("requests", "limits") for b in ("cpu", "memory")),
      "the Deployment's container has requests and limits for cpu and memory")
check(sub(pod, "securityContext").get("runAsNonRoot") is True, "the Deployment's pods run as non-root")
check(sub(c, "securityContext").get("readOnlyRootFilesystem") is True, "the container's root file system is read-only")
vols = {v.get("name"): v for v in pod.get("volumes", [])}
mounts = {m.get("mountPath"): m.get("name") for m in c.get("volumeMounts", [])}
check("emptyDir" in vols.get(mounts.get("/tmp"), {}), "an emptyDir is mounted on /tmp")
grace = pod.get("terminationGracePeriodSeconds", 30)
in_flight = max(int(opt_value(args, "--timeout", "60")), PDF_TIMEOUT)
check(grace > in_flight, "terminationGracePeriodSeconds (%s) is longer than a request in flight may take (%d s)" %
      (grace, in_flight))


def volume_of(container, path):
    """(mount path, volume name) of the mount a file is on: the longest mount path that is a prefix of path."""
    best = (None, None)
    for m in container.get("volumeMounts", []):
        mp = m.get("mountPath", "").rstrip("/")
        if path.startswith(mp + "/") and (best[0] is None or len(mp) > len(best[0])):
            best = (mp, m.get("name"))
    return best


# the tokens: a Secret with mode 0400; klarbrev refuses a file its group may read, and a Secret volume under fsGroup
# is 0440, so an init container copies it (mode 0600) to the volume klarbrev reads
tok = opt_value(args, "--tokens", "")
_, tname = volume_of(c, tok)
tv = vols.get(tname, {})
check(any(sub(v, "secret").get("defaultMode") == 0o400 for v in vols.values()),
      "the tokens come from a Secret volume with defaultMode 0400")
if "secret" in tv:
    check(not sub(pod, "securityContext").get("fsGroup"),
          "--tokens is on the Secret volume itself: then no fsGroup (it makes the file 0440, which klarbrev refuses)")
else:
    fillers = [i for i in pod.get("initContainers", [])
               if tname in {m.get("name") for m in i.get("volumeMounts", [])}
               and any("secret" in vols.get(m.get("name"), {}) for m in i.get("volumeMounts", []))
               and "0600" in i.get("args", []) + i.get("command", [])]
    check("emptyDir" in tv and len(fillers) == 1,
          "--tokens %s is on an emptyDir that an init container fills from the Secret with mode 0600" % tok)
# the config: a key of the ConfigMap in deployment.yaml, on the volume that mounts it
cfg = opt_value(args, "--config", "")
mp, cname = volume_of(c, cfg)
cv = vols.get(cname, {})
key = cfg[len(mp) + 1:] if mp else ""
ok = check(sub(cv, "configMap").get("name") == sub(cm, "metadata").get("name") and key in cm.get("data", {}),
           "--config %s is the key %r of the ConfigMap %r" % (cfg, key, sub(cm, "metadata").get("name")))
if ok:
    write("kommune.ini", cm["data"][key])
# Service, PodDisruptionBudget and HPA point at the Deployment's pods
check(labels_match(sub(svc, "spec", "selector"), pod_labels), "the Service selects the Deployment's pods")
sp = (sub(svc, "spec").get("ports") or [{}])[0]
check(ports.get(sp.get("targetPort"), sp.get("targetPort")) == 8080, "the Service sends to the pods' 8080")
check(labels_match(sub(pdb, "spec", "selector", "matchLabels"), pod_labels),
      "the PodDisruptionBudget selects the Deployment's pods")
ref = sub(hpa, "spec", "scaleTargetRef")
check(hpa.get("apiVersion") == "autoscaling/v2" and ref.get("kind") == "Deployment" and
      ref.get("name") == sub(dep, "metadata").get("name"),
      "the HPA (autoscaling/v2) scales the Deployment %r (targets %s %r)" %
      (sub(dep, "metadata").get("name"), ref.get("kind"), ref.get("name")))
metrics = sub(hpa, "spec").get("metrics", [])
check(any(sub(m, "resource").get("name") == "cpu" for m in metrics) and res.get("requests", {}).get("cpu"),
      "the HPA scales on CPU, and the pods request CPU (a utilization needs it)")

# the Indexed Job
js = sub(job, "spec")
jpod = sub(js, "template", "spec")
check(js.get("completionMode") == "Indexed" and isinstance(js.get("completions"), int) and js["completions"] >= 1,
      "the batch Job is Indexed with a number of completions")
write("completions", str(js.get("completions")))
check(jpod.get("restartPolicy") == "Never", "the batch Job's pods have restartPolicy Never (podFailurePolicy)")
rules = sub(js, "podFailurePolicy").get("rules", [])
check(any(r.get("action") == "FailJob" and 2 in sub(r, "onExitCodes").get("values", []) for r in rules),
      "the batch Job stops at exit 2 (the batch could not start: every shard would fail)")
jc = (jpod.get("containers") or [{}])[0]
check(jc.get("image") == c.get("image"), "the batch Job runs the Deployment's image")
jargs = jc.get("args", [])
script = jargs[2] if jargs[:2] == ["/bin/bash", "-c"] and len(jargs) == 3 else ""
check(all(w in script for w in ("JOB_COMPLETION_INDEX", "klarbrev batch", "--report", "--resume")),
      "the batch Job's pods run klarbrev batch on shard $JOB_COMPLETION_INDEX with --report and --resume")
write("job-script.sh", script)
write("job-env", "".join("%s=%s\n" % (e["name"], e.get("value", "")) for e in jc.get("env", [])))
jvols = {v.get("name"): v for v in jpod.get("volumes", [])}
claims = [sub(v, "persistentVolumeClaim").get("claimName") for v in jvols.values() if "persistentVolumeClaim" in v]
check(claims == [sub(pvc, "metadata").get("name")] and "ReadWriteMany" in sub(pvc, "spec").get("accessModes", []),
      "the batch Job's pods share the PersistentVolumeClaim of batch-job.yaml (ReadWriteMany)")
check([sub(v, "configMap").get("name") for v in jvols.values() if "configMap" in v] == [sub(cm, "metadata").get("name")],
      "the batch Job reads the ConfigMap of deployment.yaml")
check(sub(jpod, "securityContext").get("runAsNonRoot") is True, "the batch Job's pods run as non-root")

# -- the Containerfile --
cf = open(os.path.join(SRC, "deploy", "Containerfile"), encoding="utf-8").read()
logical = re.sub(r"\\\n", " ", cf)
stages, cur = {}, None
for line in logical.splitlines():
    line = line.strip()
    m = re.match(r"FROM\s+\S+(?:\s+AS\s+(\S+))?", line, re.I)
    if m:
        cur = m.group(1) or "stage%d" % len(stages)
        stages[cur] = []
    elif cur:
        stages[cur].append(line)
names = list(stages)
runtime = names[-1] if names else ""


def apt_packages(lines):
    pkgs = set()
    for line in lines:
        for seg in re.findall(r"apt-get install(.*?)(?:&&|;|$)", line):
            pkgs |= {w for w in seg.split() if re.fullmatch(r"[a-z0-9][a-z0-9.+-]+", w)}
    return pkgs


build_pkgs = apt_packages(stages.get("build", []))
run_pkgs = apt_packages(stages.get(runtime, []))
write("build-packages", "\n".join(sorted(build_pkgs)) + "\n")
write("runtime-packages", "\n".join(sorted(run_pkgs)) + "\n")
check("build" in stages and runtime != "build", "the Containerfile has a build stage and a runtime stage")
check(all(re.search(r"FROM\s+(\$\{DEBIAN\}|debian:(12|bookworm)\S*)", l) for l in cf.splitlines()
          if l.startswith("FROM")) and re.search(r"ARG DEBIAN=debian:(12|bookworm)", cf),
      "the Containerfile builds on Debian 12")
user = [l.split()[1] for l in stages.get(runtime, []) if l.startswith("USER ")]
uid = user[-1].split(":")[0] if user else ""
check(uid.isdigit() and uid != "0", "the image runs as a numeric non-root user (USER %s)" % uid)
check(str(sub(pod, "securityContext").get("runAsUser")) == uid and str(sub(jpod, "securityContext").get("runAsUser")) == uid,
      "the pods run as the image's user %s" % uid)
check(re.search(r"^EXPOSE 8080$", cf, re.M) is not None, "the image exposes 8080")
cmd = re.search(r"^CMD (\[.*\])$", cf, re.M)
cmd = yaml.safe_load(cmd.group(1)) if cmd else []
check(cmd[:2] == ["klarbrev", "serve"] and opt_value(cmd, "--listen") == "0.0.0.0:8080",
      "the image's CMD is klarbrev serve --listen 0.0.0.0:8080 (%s)" % cmd)
serve_lines.append(("deploy/Containerfile CMD", cmd[2:]))
copies = [l.split()[1] for l in stages.get("build", []) if l.startswith("COPY ") and "--from" not in l]
write("copies", "\n".join(copies) + "\n")

# -- docs/drift.md: the klarbrev serve lines in its code blocks --
drift = open(os.path.join(SRC, "docs", "drift.md"), encoding="utf-8").read()
for block in re.findall(r"^```[a-z]*\n(.*?)^```", drift, re.S | re.M):
    for line in block.splitlines():
        m = re.search(r"(?:^|[\s=/])klarbrev serve\b(.*)$", line)
        if m:
            serve_lines.append(("docs/drift.md: " + line.strip(), shlex.split(m.group(1))))
write("serve-lines", "".join("%s\t%s\n" % (w, " ".join(options(a))) for w, a in serve_lines))
links = re.findall(r"\]\(([\w.-]+\.md)(?:#[^)]*)?\)", drift)
write("links", "\n".join(sorted(set(links))) + "\n")
EOF
"$PY" "$T/deploy_check.py" "$KB_SRC" "$T" >"$T/checks" 2>"$T/stderr"
prc=$?
[ "$prc" -eq 0 ] && pass || fail "the deployment files could not be read (python exits $prc)"
while IFS= read -r line; do
  case "$line" in
    "ok   "*) pass ;;
    "FAIL "*) fail "${line#FAIL }" ;;
  esac
done <"$T/checks"

# ---- the ConfigMap's kommune.ini is a config file klarbrev loads ----
if [ -s "$T/kommune.ini" ]; then
  run "$KLARBREV" plugin list --config "$T/kommune.ini"
  expect_rc 0 "klarbrev plugin list --config with the ConfigMap's kommune.ini"
fi

# ---- the Containerfile's packages and scripts/install-deps.sh ----
# The rules:
# 1. Every -dev package scripts/install-deps.sh installs is in the Containerfile's build stage, except those the
#    build of klarbrev does not link: libclang-rt-14-dev (clang's sanitizer and libFuzzer runtimes, scripts/fuzz.sh).
# 2. The build tools of install-deps (build-essential, cmake, pkg-config) are in the build stage; the runtime stage
#    has none of them and no -dev package.
# 3. For every -dev package of the build stage, the runtime stage installs the package that holds the shared library
#    the build links (the library its lib*.so link points to, as dpkg on this machine knows it: libzip-dev ->
#    libzip4). So the -dev package must be installed here, as install-deps does.
# 4. What klarbrev reads at run time from install-deps' packages is in the runtime stage: hunspell-da (the da_DK
#    dictionary), and libreoffice-writer-nogui (PDF) where the Containerfile installs for PDF=yes.
sed -n '/^packages=(/,/^)/p' "$KB_SRC/scripts/install-deps.sh" | sed '1d;$d' | tr -s ' \t' '\n\n' | grep -v '^$' |
  sort -u >"$T/deps"
[ -s "$T/deps" ] && pass || fail "the package list of scripts/install-deps.sh could not be read"
not_linked="libclang-rt-14-dev"
for p in $(grep -- '-dev$' "$T/deps"); do
  case " $not_linked " in *" $p "*) continue ;; esac
  grep -qx -- "$p" "$T/build-packages" && pass ||
    fail "rule 1: $p (scripts/install-deps.sh) is not in deploy/Containerfile's build stage"
done
for p in build-essential cmake pkg-config; do
  grep -qx "$p" "$T/deps" && grep -qx "$p" "$T/build-packages" && pass ||
    fail "rule 2: $p is in scripts/install-deps.sh and in the Containerfile's build stage"
  grep -qx "$p" "$T/runtime-packages" && fail "rule 2: the runtime stage installs the build tool $p" || pass
done
grep -- '-dev$' "$T/runtime-packages" >"$T/runtime-dev" && fail "rule 2: the runtime stage installs -dev packages: $(tr '\n' ' ' <"$T/runtime-dev")" || pass
# owner PATH: the package dpkg says holds PATH (Debian 12 merged /lib into /usr/lib; dpkg may know the old path)
owner() {
  dpkg-query -S "$1" 2>/dev/null | head -n 1 | cut -d: -f1 ||
    true
}
for p in $(grep -- '-dev$' "$T/build-packages"); do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    fail "rule 3: $p (the Containerfile's build stage) is not installed here; scripts/install-deps.sh installs every -dev package the build uses"
    continue
  fi
  libs=$(dpkg-query -L "$p" | grep '/lib[^/]*\.so$' || true)
  [ -n "$libs" ] || { fail "rule 3: $p has no lib*.so"; continue; }
  for so in $libs; do
    real=$(readlink -f "$so")
    pkg=$(owner "$real")
    [ -n "$pkg" ] || pkg=$(owner "${real#/usr}")
    if [ -n "$pkg" ] && grep -qx -- "$pkg" "$T/runtime-packages"; then pass; else
      fail "rule 3: the runtime stage lacks ${pkg:-the package of $real}, which holds $(basename "$real") that $p links"
    fi
  done
done
grep -qx hunspell-da "$T/deps" && grep -qx hunspell-da "$T/runtime-packages" && pass ||
  fail "rule 4: hunspell-da (the Danish dictionary) is in install-deps and in the runtime stage"
grep -qx libreoffice-writer-nogui "$T/deps" && grep -q 'PDF' "$D/Containerfile" &&
  grep -qx libreoffice-writer-nogui "$T/runtime-packages" && pass ||
  fail "rule 4: libreoffice-writer-nogui (PDF) is in install-deps and in the runtime stage (for PDF=yes)"

# The build stage's COPY lines hold all CMakeLists.txt configures from: configure (not build) a copy of just those.
mkdir -p "$T/ctx"
while IFS= read -r p; do
  [ -n "$p" ] || continue
  if [ -e "$KB_SRC/$p" ]; then cp -R "$KB_SRC/$p" "$T/ctx/"; else fail "the Containerfile copies $p, which is not in the repository"; fi
done <"$T/copies"
run cmake -S "$T/ctx" -B "$T/ctx-build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr/local
expect_rc 0 "cmake configures from only what the Containerfile copies"
run cmake --build "$T/ctx-build" --target help
expect_in "$T/stdout" "klarbrev_cli" "the configured copy has the target the Containerfile builds"

# ---- the tokens file: deploy/tokens.example and the recipe in docs/drift.md ----
# the contract's format: NAVN TOKEN [RUTER]; NAVN [A-Za-z0-9._-]+, TOKEN 16+ printable ASCII without spaces, RUTER
# a comma list of templates,fill,check,lint or *
token_line='^[A-Za-z0-9._-]+ [!-~]{16,}( (\*|(templates|fill|check|lint)(,(templates|fill|check|lint))*))?$'
n_tokens=0
while IFS= read -r line; do
  case "$line" in '' | '#'*) continue ;; esac
  n_tokens=$((n_tokens + 1))
  echo "$line" | grep -Eq "$token_line" && pass || fail "tokens.example: not NAVN TOKEN [RUTER]: $line"
done <"$D/tokens.example"
[ "$n_tokens" -ge 1 ] && pass || fail "tokens.example has example tokens"
[ "$(grep -v '^#' "$D/tokens.example" | awk 'NF {print $1}' | sort | uniq -d | wc -l)" -eq 0 ] && pass ||
  fail "tokens.example: a name is there twice"
grep -q 'openssl rand -hex 32' "$D/tokens.example" && pass || fail "tokens.example says how to make a real token"
recipe=$(grep -m1 'openssl rand -hex 32.*>>/etc/klarbrev/tokens' "$KB_SRC/docs/drift.md")
if [ -n "$recipe" ]; then
  mkdir -p "$T/etc"
  (umask 022 && cd "$T" && eval "${recipe//\/etc\/klarbrev\/tokens/$T/etc/tokens}") 2>"$T/stderr"
  echo "$(cat "$T/etc/tokens" 2>/dev/null)" | grep -Eq "$token_line" && pass ||
    fail "docs/drift.md's recipe makes a line the tokens file accepts: $(cat "$T/etc/tokens" 2>/dev/null)"
  mode=$(stat -c %a "$T/etc/tokens" 2>/dev/null)
  [ "$mode" = 600 ] && pass || fail "docs/drift.md's recipe makes a tokens file only its owner reads (mode $mode)"
else
  fail "docs/drift.md shows how to add a token made with openssl rand -hex 32 to /etc/klarbrev/tokens"
fi

# ---- docs/drift.md's links ----
while IFS= read -r l; do
  [ -n "$l" ] || continue
  if [ -f "$KB_SRC/docs/$l" ]; then pass
  elif [ "$l" = api.md ]; then echo "NOTE: docs/drift.md links docs/api.md, which is not in this tree yet (issue 14)"
  else fail "docs/drift.md links $l, which is not in docs/"; fi
done <"$T/links"

# ---- the national batch: the Job's script over the shards docs/drift.md's split makes ----
split_cmd=$(grep -m1 '^split -n l/' "$KB_SRC/docs/drift.md")
n=$(cat "$T/completions" 2>/dev/null)
shards=$(echo "$split_cmd" | sed -n 's#^split -n l/\([0-9]*\) .*#\1#p')
[ -n "$split_cmd" ] && [ "$shards" = "$n" ] && pass ||
  fail "docs/drift.md splits the cases into as many shards as the Job's completions ($n): '$split_cmd'"
mkdir -p "$T/data/sager" "$T/bin" "$T/tmp"
ln -s "$KLARBREV" "$T/bin/klarbrev"
TPL=$KB_SRC/templates/afslag-kontanthjaelp
cases=20
python3 "$KB_SRC/tests/cli/make_cases.py" "$TPL/example.json" "$T/data/sager.jsonl" $cases
(cd "$T/data" && eval "$split_cmd") 2>"$T/stderr"
want=$(for i in $(seq 0 $((n - 1))); do printf 'shard-%03d.jsonl\n' "$i"; done)
[ "$(ls "$T/data/sager")" = "$want" ] && pass || fail "the split makes shard-000.jsonl ... as the Job reads them: $(ls "$T/data/sager" | tr '\n' ' ')"
cat "$T"/data/sager/shard-*.jsonl | cmp -s - "$T/data/sager.jsonl" && pass || fail "the shards hold every case, in order"

# job_pod INDEX POD: runs the Job's script as pod INDEX would, with the paths of the image and the volume mapped here
job_pod() {
  local envs=()
  while IFS='=' read -r k v; do
    case "$k" in
      BATCH_DIR) v=$T/data ;;
      TEMPLATE) v=${v/#\/usr\/local\/share\/klarbrev/$KB_SRC} ;;
      KLARBREV_CONFIG) v=$T/kommune.ini ;;
      TMPDIR) v=$T/tmp ;;
      KLARBREV_CACHE_DIR) v=$T/cache ;;
      HOME) v=$T ;;
      *) case "$v" in /*) fail "the test does not know where $k=$v is here; add it to job_pod" ;; esac ;;
    esac
    envs+=("$k=$v")
  done <"$T/job-env"
  run env "${envs[@]}" JOB_COMPLETION_INDEX="$1" HOSTNAME="$2" PATH="$T/bin:$PATH" bash "$T/job-script.sh"
}
grep -q '^TEMPLATE=/usr/local/share/klarbrev/templates/' "$T/job-env" && pass ||
  fail "the Job's TEMPLATE is a template klarbrev installs in /usr/local/share/klarbrev/templates"
for i in $(seq 0 $((n - 1))); do
  job_pod "$i" "klarbrev-batch-$i-a"
  expect_rc 0 "the Job's pod for shard $i"
done
letters=$(find "$T/data/breve" -name '*.docx' 2>/dev/null | wc -l)
[ "$letters" -eq "$cases" ] && pass || fail "the Job's pods wrote one letter per case: $letters of $cases"
s3=$(printf 'shard-%03d' 3)
in_shard=$(cat "$T/data/sager/$s3.jsonl" 2>/dev/null | wc -l)
[ "$in_shard" -gt 0 ] && [ "$(find "$T/data/breve/$s3" -name '*.docx' 2>/dev/null | wc -l)" -eq "$in_shard" ] && pass ||
  fail "shard 3's letters are in breve/$s3/"
# a retried pod: the letters that exist are skipped, one that is missing is written, and the first report stays
first=$(ls "$T/data/breve/$s3" 2>/dev/null | head -n 1)
[ -n "$first" ] && rm "$T/data/breve/$s3/$first"
job_pod 3 "klarbrev-batch-3-b"
expect_rc 0 "the retried pod for shard 3"
[ -n "$first" ] && [ -f "$T/data/breve/$s3/$first" ] && pass || fail "the retried pod writes the letter that was missing ($first)"
r1=$T/data/rapporter/$s3.klarbrev-batch-3-a.jsonl
r2=$T/data/rapporter/$s3.klarbrev-batch-3-b.jsonl
[ -f "$r1" ] && [ -f "$r2" ] && pass || fail "each pod writes its own report: $(ls "$T/data/rapporter" | tr '\n' ' ')"
# count FILE STATUS: the report lines of FILE with that status (0 when there is no file)
count() { cat "$1" 2>/dev/null | grep -c "\"status\":\"$2\""; }
[ "$(count "$r1" written)" -eq "$in_shard" ] && pass ||
  fail "the first pod's report has every case of its shard written ($(count "$r1" written) of $in_shard)"
[ "$(count "$r2" written)" -eq 1 ] && [ "$(count "$r2" skipped)" -eq $((in_shard - 1)) ] && pass ||
  fail "the retried pod's report: one written, the rest skipped ($(count "$r2" written) and $(count "$r2" skipped))"

# ---- klarbrev serve: its options, and the server with these files ----
run "$KLARBREV" serve --help
if [ "$rc" -ne 0 ]; then
  echo "SKIP: '$KLARBREV serve --help' exits $rc (klarbrev serve is not in this build): the options of the"
  echo "      klarbrev serve lines in deploy/ and docs/drift.md are not checked, and the server is not started"
else
  cp "$T/stdout" "$T/serve-help"
  while IFS=$'\t' read -r where opts; do
    for o in $opts; do
      [ "$o" = --help ] && continue
      grep -Eq -- "(^|[^a-z-])$o([^a-z-]|\$)" "$T/serve-help" && pass ||
        fail "$where: klarbrev serve --help does not list $o"
    done
  done <"$T/serve-lines"
  # the server starts with the example tokens and the ConfigMap's config, as the unit and the pods start it
  install -m 0600 "$D/tokens.example" "$T/tokens"
  token=$(grep -v '^#' "$D/tokens.example" | awk 'NF && ($3 == "" || $3 == "*") {print $2; exit}')
  "$KLARBREV" serve --listen 127.0.0.1:0 --tokens "$T/tokens" --config "$T/kommune.ini" --threads 2 \
    >"$T/serve.out" 2>"$T/serve.err" &
  spid=$!
  port=
  for _ in $(seq 1 1200); do # up to 2 minutes: under valgrind the start is slow
    port=$(sed -n 's#.*lytter på http://127\.0\.0\.1:\([0-9]*\).*#\1#p' "$T/serve.err" | head -n 1)
    [ -n "$port" ] && break
    kill -0 "$spid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$port" ]; then
    fail "klarbrev serve with tokens.example and the ConfigMap's config never said it was ready"
    sed 's/^/    /' "$T/serve.err" | head -n 20
    kill -TERM "$spid" 2>/dev/null
    wait "$spid"
  else
    pass
    url=http://127.0.0.1:$port
    code=$(curl -s -o "$T/health" -w '%{http_code}' "$url/health")
    [ "$code" = 200 ] && grep -q '"generation": *1' "$T/health" && pass ||
      fail "GET /health without a token (the probes): $code $(cat "$T/health")"
    code=$(curl -s -o /dev/null -w '%{http_code}' "$url/templates")
    [ "$code" = 401 ] && pass || fail "GET /templates without a token: $code, want 401"
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$url/templates")
    [ "$code" = 200 ] && pass || fail "GET /templates with a token of tokens.example: $code, want 200"
    # systemctl reload: SIGHUP, and /health's generation counts it (docs/drift.md says so)
    kill -HUP "$spid"
    gen=
    for _ in $(seq 1 100); do
      gen=$(curl -s "$url/health" | sed -n 's/.*"generation": *\([0-9]*\).*/\1/p')
      [ "$gen" = 2 ] && break
      sleep 0.1
    done
    [ "$gen" = 2 ] && pass || fail "after SIGHUP (systemctl reload) /health's generation is 2, not '$gen'"
    # systemctl stop, podman stop and Kubernetes: SIGTERM, exit 0
    kill -TERM "$spid"
    wait "$spid"
    src=$?
    [ "$src" -eq 0 ] && pass || fail "klarbrev serve exits $src on SIGTERM, want 0"
  fi
fi
finish
