#!/usr/bin/env bash
# Emulates what 'sam build' does for each Java function in template.yaml, without the SAM CLI:
#
#   1. installs the reactor once (parent pom, circuit-state-lib, lambda-observability, function-support,
#      test-support -> ~/.m2), which is what './lab build' does before a real 'sam build';
#   2. for every function: copies its CodeUri folder ALONE to a scratch directory (so the parent
#      folder and its siblings are not there, exactly like SAM's scratch dir), runs
#        mvn clean install
#        mvn dependency:copy-dependencies -DincludeScope=runtime -Dmdep.prependGroupId=true
#      and assembles the artifact the way SAM's java-maven workflow does: the contents of
#      target/classes at the zip root plus the runtime jars under lib/;
#   3. zips it, checks the handler class is inside, and prints one line per function:
#        UpstreamFunction artifact: N.N MB (N jars)
#
# Run it through './lab sam-build-check', which provides a JDK 21+ in JAVA_HOME.
# Options:
#   --no-reactor   skip step 1 (the reactor is already installed in ~/.m2)
#   --out DIR      keep the zips in DIR (as <Function>.zip)
# Environment: SAM_BUILD_CHECK_TIMEOUT  seconds allowed for each Maven run (default 900)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TEMPLATE="$ROOT/template.yaml"
FUNCTIONS=(DownstreamFunction UpstreamFunction)
MVN_TIMEOUT="${SAM_BUILD_CHECK_TIMEOUT:-900}"
UPSTREAM_WARN_MB=10          # the upstream's cold start grows with its artifact; keep it lean
LAMBDA_UNZIPPED_LIMIT_MB=250 # hard Lambda limit for a zip package (unzipped, incl. layers)

log()  { echo "sam-build-check: $*" >&2; }
warn() { echo "sam-build-check: WARNING: $*" >&2; }
die()  { echo "sam-build-check: ERROR: $*" >&2; exit 1; }

REACTOR=1
OUT_DIR=""
while [ $# -gt 0 ]; do
  case "$1" in
    --no-reactor) REACTOR=0 ;;
    --out) [ $# -ge 2 ] || die "--out needs a directory"; OUT_DIR="$2"; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
  shift
done

# ------------------------------------------------------------------ preconditions
[ -f "$TEMPLATE" ] || die "no template.yaml in $ROOT"
[ -x "$ROOT/mvnw" ] || die "no executable Maven wrapper at $ROOT/mvnw"
command -v python3 >/dev/null 2>&1 || die "python3 is required (it zips and inspects the artifacts)"
command -v timeout >/dev/null 2>&1 || die "'timeout' (coreutils) is required"

JAVA_BIN="java"
[ -n "${JAVA_HOME:-}" ] && JAVA_BIN="$JAVA_HOME/bin/java"
java_major=$("$JAVA_BIN" -XshowSettings:properties -version 2>&1 \
  | awk -F'= ' '/java.specification.version/ {print $2; exit}' || true)
java_major="${java_major%%.*}"
if [ -z "$java_major" ] || [ "$java_major" -lt 21 ]; then
  die "needs a JDK 21 or newer (found '${java_major:-none}' at $JAVA_BIN): run it as './lab sam-build-check', which finds one"
fi

# ------------------------------------------------------------------ template parsing
# Prints the value of a property written directly under Resources.<fn>.Properties (6-space indent),
# without quotes or a trailing comment. Prints nothing if the function or the property is missing.
template_prop() {
  awk -v fn="$1" -v prop="$2" '
    /^Resources:[[:space:]]*$/ { inres = 1; next }
    inres && /^[^[:space:]#]/ { inres = 0 }
    !inres { next }
    /^  [A-Za-z0-9]+:[[:space:]]*$/ { cur = $1; sub(/:$/, "", cur); inprops = 0; next }
    cur == fn && /^    Properties:[[:space:]]*$/ { inprops = 1; next }
    cur == fn && /^    [^[:space:]]/ { inprops = 0 }
    cur == fn && inprops && $0 ~ ("^      " prop ":") {
      v = $0
      sub("^      " prop ":[[:space:]]*", "", v)
      sub(/[[:space:]]+#.*$/, "", v)
      gsub(/^["\047]|["\047][[:space:]]*$/, "", v)
      sub(/[[:space:]]+$/, "", v)
      print v
      exit
    }
  ' "$TEMPLATE"
}

# ------------------------------------------------------------------ helpers
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/sam-build-check.XXXXXX")
cleanup() { rm -rf "$SCRATCH"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# run_mvn <label> <logfile> <maven args...>: bounded Maven run; on failure shows the log's tail.
run_mvn() {
  local label="$1" logfile="$2" rc=0
  shift 2
  timeout "$MVN_TIMEOUT" "$ROOT/mvnw" -B -ntp "$@" >"$logfile" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "---- last lines of the Maven output ($label) ----" >&2
    tail -n 60 "$logfile" >&2 || true
    echo "----" >&2
    if [ "$rc" -eq 124 ]; then
      die "$label timed out after ${MVN_TIMEOUT}s"
    fi
    if grep -q "Could not find artifact dev.circuitlab\|Non-resolvable parent POM" "$logfile"; then
      log "hint: the parent pom or a sibling module is not in ~/.m2; run './lab build' (or drop --no-reactor)"
    elif grep -q "There are test failures\|Tests run:.*Failures: [1-9]" "$logfile"; then
      log "hint: tests ran in the standalone build; the module's 'standalone-sam-build' profile should skip them"
    fi
    die "$label failed (exit $rc)"
  fi
}

# ------------------------------------------------------------------ 1. reactor install
if [ "$REACTOR" -eq 1 ]; then
  log "installing the reactor into ~/.m2 (mvnw -DskipTests install)"
  run_mvn "reactor install" "$SCRATCH/reactor.log" -q -DskipTests install -f "$ROOT/pom.xml"
fi

# ------------------------------------------------------------------ 2./3. per function
[ -z "$OUT_DIR" ] || mkdir -p "$OUT_DIR"
for fn in "${FUNCTIONS[@]}"; do
  code_uri=$(template_prop "$fn" CodeUri)
  handler=$(template_prop "$fn" Handler)
  [ -n "$code_uri" ] || die "template.yaml: no CodeUri under Resources.$fn.Properties"
  [ -n "$handler" ] || die "template.yaml: no Handler under Resources.$fn.Properties"
  case "$code_uri" in
    s3://*|/*|*..*) die "template.yaml: $fn CodeUri '$code_uri' is not a folder inside the project" ;;
  esac
  src="$ROOT/${code_uri%/}"
  [ -f "$src/pom.xml" ] || die "template.yaml: $fn CodeUri '$code_uri' has no pom.xml ($src)"
  handler_class="${handler%%::*}"
  [[ "$handler_class" =~ ^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$ ]] \
    || die "template.yaml: $fn Handler '$handler' is not package.Class::method"
  class_file="${handler_class//.//}.class"

  # Copy the folder alone, like SAM: its parent (and so ../tools/dynalite) is not there, which also
  # activates the modules' 'standalone-sam-build' profile. target/ is left out ('clean' drops it).
  work="$SCRATCH/$fn/$(basename "$src")"
  mkdir -p "$work"
  (cd "$src" && tar --exclude=./target -cf - .) | (cd "$work" && tar -xf -)

  log "$fn: mvn clean install in a copy of $code_uri"
  run_mvn "$fn: mvn clean install" "$SCRATCH/$fn.install.log" -q -f "$work/pom.xml" clean install
  log "$fn: mvn dependency:copy-dependencies (runtime scope)"
  run_mvn "$fn: mvn dependency:copy-dependencies" "$SCRATCH/$fn.deps.log" -q -f "$work/pom.xml" \
    dependency:copy-dependencies -DincludeScope=runtime -Dmdep.prependGroupId=true

  zip_file="$SCRATCH/$fn.zip"
  result=$(python3 - "$work" "$zip_file" "$class_file" <<'PY'
import os, sys, zipfile

work, out, class_file = sys.argv[1:4]
classes = os.path.join(work, "target", "classes")
deps = os.path.join(work, "target", "dependency")
if not os.path.isdir(classes):
    sys.exit("ERROR: no target/classes after the build")
jars = sorted(f for f in os.listdir(deps) if f.endswith(".jar")) if os.path.isdir(deps) else []
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for root, dirs, files in os.walk(classes):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(root, name)
            z.write(full, os.path.relpath(full, classes))
    for jar in jars:
        z.write(os.path.join(deps, jar), "lib/" + jar)
with zipfile.ZipFile(out) as z:
    infos = z.infolist()
names = {i.filename for i in infos}
if class_file not in names:
    sys.exit("ERROR: handler class %s is not at the root of the artifact" % class_file)
test_jars = [j for j in jars if j.startswith(("org.junit", "dev.circuitlab.test-support", "org.testcontainers"))]
if test_jars:
    sys.exit("ERROR: test-scoped jars in lib/: " + ", ".join(test_jars))
print(os.path.getsize(out), sum(i.file_size for i in infos), len(jars))
PY
) || die "$fn: assembling the artifact failed (see the message above)"
  read -r zip_bytes unzipped_bytes jar_count <<<"$result"
  mb=$(python3 -c "import sys; print('%.1f' % (int(sys.argv[1]) / 1048576))" "$zip_bytes")
  echo "$fn artifact: $mb MB ($jar_count jars)"

  if [ "$unzipped_bytes" -gt $((LAMBDA_UNZIPPED_LIMIT_MB * 1048576)) ]; then
    die "$fn: unzipped artifact is over Lambda's ${LAMBDA_UNZIPPED_LIMIT_MB} MB limit"
  fi
  if [ "$fn" = UpstreamFunction ] && [ "$zip_bytes" -gt $((UPSTREAM_WARN_MB * 1048576)) ]; then
    warn "UpstreamFunction artifact is $mb MB (over ${UPSTREAM_WARN_MB} MB): look for dependencies it does not need (cold start)"
  fi
  [ -z "$OUT_DIR" ] || cp "$zip_file" "$OUT_DIR/$fn.zip"
done
log "ok: every function builds alone, the way 'sam build' builds it"
