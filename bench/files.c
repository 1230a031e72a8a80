/*
 * files.c - the cgroup files the PMDA reads for a fetch, for the floor
 * programs to read the same ones: for each cgroup path on stdin (as
 * container.info.cgroup gives them), a reader of the library is made, read
 * once (so files the kernel lacks are found absent, as in the PMDA), and
 * the files it would read for the statistics named are printed, one host
 * path a line.  As in the PMDA, the reader's budget watches setting files
 * (limits, shares, weight), so they are not read again until written and
 * are left out; -a lists them too (what a reader without watches reads).
 *
 * usage: files [-a] [-t] WHAT < cgroup-paths
 *   WHAT  a comma list of: cpu, memory, io, pids (the statistics behind
 *         container.cpu.*, memory.*, io.*, pids.*), psi, cpu.usage (alone)
 *   -t    print "mount<TAB>rel" (the hierarchy's mount point, and the file
 *         below it as the PMDA opens it from the mount's fd)
 * Prints nothing for a cgroup that has gone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acct.h"

static void add_range(struct pcc_statset *s, enum pcc_stat from, enum pcc_stat to)
{
	for (unsigned st = from; st <= (unsigned)to; st++)
		pcc_statset_add(s, (enum pcc_stat)st);
}

static int parse_what(char *what, struct pcc_statset *ret)
{
	char *tok, *save = NULL;

	for (tok = strtok_r(what, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "cpu") == 0)
			add_range(ret, PCC_CPU_USAGE, PCC_CPU_WEIGHT);
		else if (strcmp(tok, "memory") == 0)
			add_range(ret, PCC_MEM_USAGE, PCC_MEM_EV_OOM_KILL);
		else if (strcmp(tok, "io") == 0)
			add_range(ret, PCC_IO_READ_BYTES, PCC_IO_WRITES);
		else if (strcmp(tok, "pids") == 0)
			add_range(ret, PCC_PIDS_CURRENT, PCC_PIDS_LIMIT);
		else if (strcmp(tok, "psi") == 0)
			add_range(ret, PCC_PSI_FIRST, PCC_PSI_LAST);
		else if (strcmp(tok, "cpu.usage") == 0)
			pcc_statset_add(ret, PCC_CPU_USAGE);
		else
			return -1;
	}
	return 0;
}

static void print_file(const char *mount, const char *rel, void *arg)
{
	printf("%s%c%s\n", mount, *(const int *)arg ? '\t' : '/', rel);
}

int main(int argc, char **argv)
{
	struct pcc_statset want = { { 0 } };
	struct pcc_sample out = { 0 };
	struct pcc_mounts *m = NULL;
	struct pcc_acct *a;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	struct pcc_fdbudget budget = { .max = 0, .watch_settings = true };
	int root, tab = 0;

	for (; argc > 2 && argv[1][0] == '-'; argc--, argv++) {
		if (strcmp(argv[1], "-t") == 0)
			tab = 1;
		else if (strcmp(argv[1], "-a") == 0)
			budget.watch_settings = false;
		else
			break;
	}
	if (argc != 2 || parse_what(argv[1], &want) < 0) {
		fprintf(stderr, "usage: files [-a] [-t] cpu,memory,io,pids,psi,cpu.usage < cgroup-paths\n");
		return 2;
	}
	if ((root = pcc_sysroot_open(NULL)) < 0 || pcc_mounts_load(root, &m) < 0) {
		fprintf(stderr, "files: cannot load the cgroup mounts\n");
		return 1;
	}
	while ((len = getline(&line, &cap, stdin)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (len == 0 || pcc_acct_new(m, line, &budget, &a) < 0)
			continue;
		if (pcc_acct_read(a, &want, &out) >= 0)
			pcc_acct_files(a, &want, print_file, &tab);
		pcc_acct_free(a);
	}
	free(line);
	pcc_sample_release(&out);
	pcc_mounts_free(m);
	return 0;
}
