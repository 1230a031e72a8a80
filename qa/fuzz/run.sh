#!/bin/sh
# run.sh - run the libFuzzer targets (built by make fuzz-build into
# build-fuzz/qa/fuzz).
#
#   run.sh short [TARGET...]  each target FUZZ_TIME seconds (default 10),
#                             FUZZ_JOBS targets at a time (default: the
#                             number of CPUs); make check-fuzz runs this
#   run.sh long [TARGET...]   each target FUZZ_TIME seconds (default 600)
#                             with FUZZ_JOBS parallel jobs, one target after
#                             the other; make fuzz runs this
#   run.sh merge [TARGET...]  add to the seed corpus qa/fuzz/corpus/TARGET
#                             the inputs of the working corpus that reach
#                             code the seeds do not (review, then commit)
#
# TARGET is a name such as fuzz_keyed_flat (or keyed_flat); none means all.
# Each target starts from its working corpus build-fuzz/corpus/TARGET (kept
# from run to run: new inputs go there, never into the source tree), the
# seeds qa/fuzz/corpus/TARGET and the regression inputs qa/fuzz/regress/TARGET.
# Logs go to build-fuzz/logs/TARGET.log (long: build-fuzz/logs/TARGET/,
# one fuzz-N.log per job), crashing inputs to build-fuzz/crashes/TARGET/.
# The summary line of a target gives its runs, exec/s (summed over the
# jobs in long mode), the coverage counters and the corpus size.  A crash found makes the
# exit status 1 and is listed: fix the library, then copy the input into
# qa/fuzz/regress/TARGET/ so the replay in make check keeps it fixed.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
out=$top/build-fuzz
mode=${1:-}
[ $# -gt 0 ] && shift
case $mode in
short) secs=${FUZZ_TIME:-10} ;;
long) secs=${FUZZ_TIME:-600} ;;
merge) secs=0 ;;
*) echo "usage: $0 short|long|merge [TARGET...]" >&2; exit 2 ;;
esac
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}

if [ $# -eq 0 ]; then
	# shellcheck disable=SC2046,SC2012
	set -- $(cd qa/fuzz && ls fuzz_*.c | sed 's/\.c$//')
fi
targets=""
for t in "$@"; do
	case $t in fuzz_*) ;; *) t=fuzz_$t ;; esac
	[ -f "qa/fuzz/$t.c" ] || { echo "run.sh: no target $t" >&2; exit 2; }
	targets="$targets $t"
done

# make check-fuzz and make fuzz have built them already
[ -n "${FUZZ_BUILT:-}" ] || make -s fuzz-build >/dev/null
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

# The corpus directories of target $1 that exist, working corpus first.
corpus_dirs() {
	mkdir -p "$out/corpus/$1"
	echo "$out/corpus/$1"
	for d in "$top/qa/fuzz/corpus/$1" "$top/qa/fuzz/regress/$1"; do
		[ -d "$d" ] && echo "$d"
	done
	return 0
}

# One target for $secs seconds; $2: extra libFuzzer flags, $3: the log.
# Its dictionary, if it has one, is qa/fuzz/dict/TARGET.dict.  Never fails.
fuzz_one() {
	t=$1
	dict=
	[ -f "$top/qa/fuzz/dict/$t.dict" ] && dict=-dict=$top/qa/fuzz/dict/$t.dict
	mkdir -p "$out/crashes/$t" "$out/logs"
	# shellcheck disable=SC2046,SC2086
	"$out/qa/fuzz/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$out/crashes/$t/" $dict $2 \
		$(corpus_dirs "$t") >"$3" 2>&1 || true
}

# "runs exec/s cov corpus" of a log (or of a directory of job logs).
stats() {
	cat "$@" 2>/dev/null | awk '
		/^stat::number_of_executed_units:/ { runs += $2 }
		/^stat::average_exec_per_sec:/ { eps += $2 }
		/(DONE|INITED|pulse|NEW|REDUCE)[ \t]+cov: / {
			for (i = 1; i <= NF; i++) {
				if ($i == "cov:" && $(i+1) > cov) cov = $(i+1)
				if ($i == "corp:") { split($(i+1), c, "/"); corp = c[1] }
			}
		}
		END { printf "%d runs, %d exec/s, cov %d, corpus %d", runs, eps, cov, corp }'
}

crashes() {
	find "$out/crashes/$1" -type f \( -name 'crash-*' -o -name 'leak-*' -o \
		-name 'timeout-*' -o -name 'oom-*' \) 2>/dev/null | sort
}

report() {
	t=$1
	shift
	c=$(crashes "$t")
	if [ -n "$c" ]; then
		printf '%-24s %s  CRASH:\n' "$t" "$(stats "$@")"
		echo "$c" | sed 's/^/    /'
		return 1
	fi
	printf '%-24s %s  ok\n' "$t" "$(stats "$@")"
}

rc=0
case $mode in
short)
	echo "fuzz: $secs s per target, $jobs at a time"
	n=0
	for t in $targets; do
		rm -f "$out/logs/$t.log"
		fuzz_one "$t" "" "$out/logs/$t.log" &
		n=$((n + 1))
		if [ "$n" -ge "$jobs" ]; then
			wait
			n=0
		fi
	done
	wait
	for t in $targets; do
		report "$t" "$out/logs/$t.log" || rc=1
	done
	;;
long)
	echo "fuzz: $secs s per target, $jobs jobs each"
	for t in $targets; do
		logdir=$out/logs/$t
		rm -rf "$logdir"
		mkdir -p "$logdir"
		# libFuzzer writes each job's log (fuzz-N.log) to the current directory
		(cd "$logdir" && fuzz_one "$t" "-jobs=$jobs -workers=$jobs" "$logdir/main.log")
		report "$t" "$logdir"/fuzz-*.log || rc=1
	done
	;;
merge)
	for t in $targets; do
		[ -d "$out/corpus/$t" ] || continue
		mkdir -p "qa/fuzz/corpus/$t"
		before=$(find "qa/fuzz/corpus/$t" -type f | wc -l)
		"$out/qa/fuzz/$t" -merge=1 "qa/fuzz/corpus/$t" "$out/corpus/$t" \
			>"$out/logs/$t.merge.log" 2>&1 || { echo "$t: merge failed" >&2; rc=1; }
		after=$(find "qa/fuzz/corpus/$t" -type f | wc -l)
		echo "$t: $((after - before)) inputs added"
	done
	;;
esac
[ $rc = 0 ] || echo "fuzz: crashes found: see above; fix, then add each input to qa/fuzz/regress/TARGET/" >&2
exit $rc
