#!/bin/bash
# test.sh - the README's test command and what CI runs (.ci/run): on a
# fresh Debian 12 clone, as root, install the dependencies, build, install
# and run every test.
#
#   ./scripts/test.sh
#
# Steps, in order, stopping at the first that fails:
#   deps     scripts/deps.sh: Debian packages (make, gcc, pcp, check, ...)
#   build    make -j<ncpu>
#   install  make install (library, PMDA files under $PCP_PMDAS_DIR)
#   check    make check: unit tests, the same under ASan/UBSan, valgrind,
#            QA through pmcd (qa/check -g sanity -g pmda -g tools)
# Each step's output goes to the terminal and to build/test-logs/STEP.log.
# Exit status: 0 if every step passed, else the failing step's status.
# Budget: 20 minutes on 2 cores; a longer run passes but says so.
set -eu
set -o pipefail

top=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$top"
[ -f GNUmakefile ] || { echo "test.sh: $top is not a pcp-containers tree" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "test.sh: must run as root (it installs packages and the PMDA)" >&2; exit 1; }
if ! grep -q '^VERSION_ID="12"' /etc/os-release 2>/dev/null; then
	echo "test.sh: warning: made for Debian 12; this is $(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-unknown}")" >&2
fi

logs=$top/build/test-logs
mkdir -p "$logs"
summary=()
start=$(date +%s)

report() {
	local line
	echo
	echo "==== test.sh summary ($(($(date +%s) - start))s)"
	for line in "${summary[@]}"; do echo "  $line"; done
}

step() {	# step NAME CMD...: run, log, time; stop the run if it fails
	local name=$1 t0 rc secs
	shift
	echo "==== $name: $*"
	t0=$(date +%s)
	rc=0
	"$@" 2>&1 | tee "$logs/$name.log" || rc=$?
	secs=$(($(date +%s) - t0))
	if [ $rc != 0 ]; then
		summary+=("$(printf '%-8s %5ss  FAILED (exit %s), see %s' "$name" "$secs" "$rc" "$logs/$name.log")")
		report
		echo "test.sh: step '$name' failed" >&2
		exit $rc
	fi
	summary+=("$(printf '%-8s %5ss  ok' "$name" "$secs")")
}

step deps ./scripts/deps.sh
step build make -j"$(nproc)"
step install make install
step check make check
report
total=$(($(date +%s) - start))
[ $total -le 1200 ] || echo "test.sh: warning: took ${total}s, over the 20 minute budget" >&2
echo "test.sh: all steps passed"
