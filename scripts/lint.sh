#!/bin/sh
# Static checks that need no running pmcd: shell scripts (shellcheck),
# man pages (groff warnings) and help text covering every metric (chkhelp).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
rc=0

scripts=$(grep -rlE '^#! ?/bin/(ba)?sh' scripts qa/lab qa/check qa/common.rc qa/fuzz/*.sh bench .ci \
	pmda-containers/Install pmda-containers/Remove 2>/dev/null | grep -v '\.c$' || true)
if command -v shellcheck >/dev/null 2>&1; then
	# SC1090/1091: sourced files named at run time (pcp.env, common.rc)
	# shellcheck disable=SC2086
	shellcheck -x -e SC1090,SC1091 $scripts || rc=1
else
	echo "lint: shellcheck not installed, skipped" >&2
fi

for m in man/*.[13]; do
	out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings=w -E UTF-8 -l "$m" 2>&1 >/dev/null |
		grep -v 'cannot adjust line' || true)
	[ -z "$out" ] || { echo "lint: $m:"; echo "$out"; rc=1; }
done

missing=$(/usr/lib/pcp/bin/chkhelp -n pmda-containers/root -e "$BUILD/help" container 2>&1 || true)
[ -z "$missing" ] || { echo "lint: metrics without help text:"; echo "$missing"; rc=1; }

[ $rc = 0 ] && echo "lint: clean"
exit $rc
