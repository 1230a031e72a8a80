/*
 * kmem.c - the kernel memory a kept cgroup file fd costs once it has been
 * read: the struct file, kernfs_open_file, seq_file and the seq_file's
 * buffer (a page, kept until close), measured as the change of Slab +
 * VmallocUsed in /proc/meminfo around opening and reading the files given
 * one per line on stdin.
 *
 * usage: kmem [ROUNDS] < files
 * Each round: open+close every file once (so dentries and inodes exist and
 * are not counted), note meminfo, open and read each file keeping the fd,
 * note meminfo, close them all.  Prints
 *   "kmem <files> <bytes per fd, median of rounds> <min> <max>"
 * Other activity on the machine moves Slab too: with thousands of files
 * the per-fd figure is steady to a few percent.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_ROUNDS	15

/* Slab + VmallocUsed in kB, -1 if meminfo cannot be read. */
static long long kernel_kb(void)
{
	char line[256];
	long long v, sum = 0;
	FILE *f = fopen("/proc/meminfo", "re");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "Slab: %lld kB", &v) == 1 ||
		    sscanf(line, "VmallocUsed: %lld kB", &v) == 1)
			sum += v;
	}
	fclose(f);
	return sum;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 5, r, fd;
	long long per[MAX_ROUNDS], k0, k1;
	char **paths = NULL, *line = NULL, buf[4096];
	size_t n = 0, cap = 0, i, kept;
	int *fds;
	ssize_t len;

	if (rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "usage: kmem [ROUNDS 1..%d] < files\n", MAX_ROUNDS);
		return 2;
	}
	while ((len = getline(&line, &cap, stdin)) > 0) {
		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		paths = realloc(paths, (n + 1) * sizeof(*paths));
		if (paths == NULL || (paths[n] = strdup(line)) == NULL)
			return 1;
		n++;
	}
	free(line);
	if ((fds = calloc(n ? n : 1, sizeof(*fds))) == NULL)
		return 1;
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < n; i++)
			if ((fd = open(paths[i], O_RDONLY | O_CLOEXEC)) >= 0)
				close(fd);
		usleep(100000);
		k0 = kernel_kb();
		for (i = kept = 0; i < n; i++) {
			fds[i] = open(paths[i], O_RDONLY | O_CLOEXEC);
			if (fds[i] >= 0 && pread(fds[i], buf, sizeof(buf), 0) >= 0)
				kept++;
		}
		k1 = kernel_kb();
		for (i = 0; i < n; i++)
			if (fds[i] >= 0)
				close(fds[i]);
		per[r] = kept ? (k1 - k0) * 1024 / (long long)kept : 0;
		usleep(100000);
	}
	qsort(per, rounds, sizeof(per[0]), cmp_ll);
	printf("kmem %zu %lld %lld %lld\n", n, per[rounds / 2], per[0], per[rounds - 1]);
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	free(fds);
	return 0;
}
