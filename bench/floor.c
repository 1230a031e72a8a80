/*
 * floor.c - the cost floor of reading a set of cgroup files, to compare the
 * PMDA against: the files are given one per line on stdin (the bench takes
 * them from the PMDA's own open fds, so both read the same set).
 *
 * usage: floor MODE ITERATIONS < files
 *   MODE kept:  open once, then pread(fd, buf, n, 0) each iteration
 *        path:  open/read/close by path each iteration
 * Prints "<mode> <files> <cpu ns per iteration>" (process CPU time).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	static char buf[65536];
	char **paths = NULL, *line = NULL;
	size_t n = 0, cap = 0, i;
	int *fds, iters, kept, it;
	long long t0, t1;
	ssize_t len;

	if (argc != 3 || (strcmp(argv[1], "kept") && strcmp(argv[1], "path"))) {
		fprintf(stderr, "usage: floor kept|path ITERATIONS < files\n");
		return 2;
	}
	kept = strcmp(argv[1], "kept") == 0;
	iters = atoi(argv[2]);
	while ((len = getline(&line, &cap, stdin)) > 0) {
		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		paths = realloc(paths, (n + 1) * sizeof(*paths));
		paths[n++] = strdup(line);
	}
	free(line);
	fds = calloc(n ? n : 1, sizeof(*fds));
	for (i = 0; i < n; i++)
		fds[i] = kept ? open(paths[i], O_RDONLY | O_CLOEXEC) : -1;
	t0 = cpu_ns();
	for (it = 0; it < iters; it++) {
		for (i = 0; i < n; i++) {
			if (kept) {
				if (fds[i] >= 0 && pread(fds[i], buf, sizeof(buf), 0) < 0)
					perror(paths[i]);
			} else {
				int fd = open(paths[i], O_RDONLY | O_CLOEXEC);

				if (fd < 0)
					continue;
				if (read(fd, buf, sizeof(buf)) < 0)
					perror(paths[i]);
				close(fd);
			}
		}
	}
	t1 = cpu_ns();
	printf("%s %zu %lld\n", argv[1], n, iters ? (t1 - t0) / iters : 0);
	for (i = 0; i < n; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		free(paths[i]);
	}
	free(fds);
	free(paths);
	return 0;
}
