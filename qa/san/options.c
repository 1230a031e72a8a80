/*
 * options.c - sanitizer options compiled into SAN=1 builds of
 * pmdacontainers only (GNUmakefile: PMDA_OBJS), for `make check-qa-asan`.
 *
 * pmcd starts the agent through pmdaroot with a clean environment, so
 * ASAN_OPTIONS cannot reach it: the runtimes ask these functions instead.
 * Reports go to PCC_SAN_LOG.<pid> (a directory the make target creates
 * root-owned: the agent keeps no CAP_DAC_OVERRIDE, so it cannot write into
 * pmcd's pcp-owned log directory), and the check fails if any appears.
 * UBSan stops at the first error (-fno-sanitize-recover) after reporting.
 */
#ifndef PCC_SAN_LOG
#define PCC_SAN_LOG "/var/tmp/pcc-san/pmda"
#endif

const char *__asan_default_options(void);
const char *__ubsan_default_options(void);
const char *__lsan_default_options(void);
const char *__lsan_default_suppressions(void);

const char *__asan_default_options(void)
{
	return "log_path=" PCC_SAN_LOG ":abort_on_error=0:detect_leaks=1:print_suppressions=0";
}

const char *__ubsan_default_options(void)
{
	return "log_path=" PCC_SAN_LOG ":print_stacktrace=1";
}

const char *__lsan_default_options(void)
{
	return "log_path=" PCC_SAN_LOG ":print_suppressions=0";
}

/*
 * Leaks that are libpcp's, not ours: pmdaDaemon() strdup()s the default
 * log file name and pmdaGetOptions() replaces it (-l) without freeing it.
 */
const char *__lsan_default_suppressions(void)
{
	return "leak:pmdaDaemon\n";
}
