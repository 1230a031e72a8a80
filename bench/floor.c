/*
 * floor.c - the cost floor of reading a set of cgroup files, to compare the
 * PMDA against: the files are given one per line on stdin (bench/files
 * lists the ones the PMDA reads, so both read the same set).
 *
 * usage: floor MODE ITERATIONS < files
 *   MODE kept:  open once, then pread(fd, buf, n, 0) each iteration
 *        cold:  kept, and between iterations 32 MB of memory is written
 *               (untimed), as pmcd, the client and others do between two
 *               fetches: the kernel's data of the files leaves the caches
 *        dir:   open each file's directory once (O_PATH), then
 *               openat(dirfd, name)/read/close each iteration
 *        path:  open/read/close by absolute path each iteration
 *        mirror: as the PMDA reads them, when its fd budget does not keep
 *               every file: each line is "K|O<TAB>mount<TAB>rel" (files -t,
 *               marked by run.sh from the fds the PMDA holds); K is kept
 *               (pread), O is opened per read as the PMDA opens it:
 *               openat(the mount's O_PATH fd, rel)/read/close
 * Prints "<mode> <files> <cpu ns per iteration>" (process CPU time, after
 * one untimed iteration); mirror adds how many of the O files opened then
 * (the list is made once: the host's own containers come and go).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum mode { KEPT, COLD, DIR, PATH, MIRROR };

#define SWEEP	(32u << 20)	/* cold: bytes written between iterations, an L3's worth */

struct file {
	char *path;
	const char *name;	/* DIR, MIRROR opened: below fd */
	int fd;			/* KEPT: the file; DIR: its directory (shared);
				 * MIRROR: the file, or the mount (opened) */
	enum mode how;		/* MIRROR: KEPT or PATH (opened per read) */
};

static long long cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* DIR: the O_PATH fd of directory dir, opened once (a small hash of them). */
static int dir_fd(const char *dir)
{
	static struct { char *dir; int fd; } *tab;
	static size_t cap;
	size_t h = 5381, i;

	if (tab == NULL && (tab = calloc(cap = 1 << 16, sizeof(*tab))) == NULL)
		return -1;
	for (const char *p = dir; *p; p++)
		h = h * 33 + (unsigned char)*p;
	for (i = h & (cap - 1); tab[i].dir; i = (i + 1) & (cap - 1))
		if (strcmp(tab[i].dir, dir) == 0)
			return tab[i].fd;
	tab[i].dir = strdup(dir);
	tab[i].fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return tab[i].fd;
}

/* MIRROR: "K|O<TAB>mount<TAB>rel" into f (path: mount/rel); -1 if malformed */
static int setup_mirror(struct file *f, const char *line)
{
	const char *tab = strchr(line, '\t'), *rel;
	char *mount;

	if ((line[0] != 'K' && line[0] != 'O') || tab != line + 1 ||
	    (rel = strchr(tab + 1, '\t')) == NULL)
		return -1;
	if ((mount = strndup(tab + 1, rel - tab - 1)) == NULL ||
	    asprintf(&f->path, "%s/%s", mount, rel + 1) < 0)
		return -1;
	f->how = line[0] == 'K' ? KEPT : PATH;
	if (f->how == KEPT) {
		f->fd = open(f->path, O_RDONLY | O_CLOEXEC);
	} else {
		f->fd = dir_fd(mount);
		f->name = f->path + strlen(mount) + 1;
	}
	free(mount);
	return 0;
}

static void setup(struct file *f, enum mode mode)
{
	char *slash;

	f->fd = -1;
	if (mode == KEPT || mode == COLD) {
		f->fd = open(f->path, O_RDONLY | O_CLOEXEC);
	} else if (mode == DIR && (slash = strrchr(f->path, '/')) != NULL) {
		*slash = '\0';
		f->fd = dir_fd(f->path);
		*slash = '/';
		f->name = slash + 1;
	}
}

/* Returns 1 if the file was opened for this read (and read), else 0. */
static int read_one(const struct file *f, enum mode mode, char *buf, size_t len)
{
	int fd;

	if (mode == MIRROR)
		mode = f->how == KEPT ? KEPT : DIR;	/* DIR: openat(f->fd, f->name) */
	switch (mode) {
	case KEPT:
	case COLD:
		/* a cgroup removed meanwhile (the host's other containers) fails: ignored */
		if (f->fd >= 0)
			(void)!pread(f->fd, buf, len, 0);
		return 0;
	case DIR:
		fd = f->fd >= 0 ? openat(f->fd, f->name, O_RDONLY | O_CLOEXEC) : -1;
		break;
	case PATH:
		fd = open(f->path, O_RDONLY | O_CLOEXEC);
		break;
	default:
		return 0;
	}
	if (fd < 0)
		return 0;
	(void)!read(fd, buf, len);
	close(fd);
	return 1;
}

int main(int argc, char **argv)
{
	static char buf[65536];
	struct file *files = NULL;
	char *line = NULL;
	size_t n = 0, cap = 0, i, opened = 0;
	int iters, it;
	enum mode mode;
	long long t, sum = 0;
	char *sweep = NULL;
	ssize_t len;

	if (argc != 3 || (strcmp(argv[1], "kept") && strcmp(argv[1], "cold") &&
			  strcmp(argv[1], "dir") && strcmp(argv[1], "path") &&
			  strcmp(argv[1], "mirror"))) {
		fprintf(stderr, "usage: floor kept|cold|dir|path|mirror ITERATIONS < files\n");
		return 2;
	}
	mode = argv[1][0] == 'k' ? KEPT : argv[1][0] == 'c' ? COLD :
	       argv[1][0] == 'd' ? DIR : argv[1][0] == 'm' ? MIRROR : PATH;
	if (mode == COLD && (sweep = malloc(SWEEP)) == NULL)
		return 1;
	iters = atoi(argv[2]);
	while ((len = getline(&line, &cap, stdin)) > 0) {
		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		files = realloc(files, (n + 1) * sizeof(*files));
		if (files == NULL)
			return 1;
		files[n].fd = -1;
		if (mode == MIRROR) {
			if (setup_mirror(&files[n++], line) < 0) {
				fprintf(stderr, "floor: not K|O<TAB>mount<TAB>rel: %s\n", line);
				return 2;
			}
			continue;
		}
		if ((files[n].path = strdup(line)) == NULL)
			return 1;
		setup(&files[n++], mode);
	}
	free(line);
	for (i = 0; i < n; i++)		/* untimed: the first read allocates seq buffers */
		opened += read_one(&files[i], mode, buf, sizeof(buf));
	for (it = 0; it < iters; it++) {
		if (sweep != NULL)
			memset(sweep, it, SWEEP);
		t = cpu_ns();
		for (i = 0; i < n; i++)
			read_one(&files[i], mode, buf, sizeof(buf));
		sum += cpu_ns() - t;
	}
	printf("%s %zu %lld", argv[1], n, iters ? sum / iters : 0);
	if (mode == MIRROR)
		printf(" %zu", opened);
	printf("\n");
	free(sweep);
	return 0;
}
