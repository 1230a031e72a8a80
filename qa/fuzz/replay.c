/*
 * replay.c - a main() for a fuzz target built without libFuzzer: runs each
 * file named on the command line, and each regular file in each directory
 * named (not recursively, in name order), through LLVMFuzzerTestOneInput
 * once.  A directory that does not exist is skipped (a target may have no
 * regression inputs yet).  Built with gcc's ASan and UBSan, so make
 * check-fuzz replays the seed corpus and the regression inputs in seconds,
 * and a target's invariant checks abort() as they would under libFuzzer.
 *
 * Exit status 0 after all ran; 1 if a file could not be read.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

#define REPLAY_MAX	(16u << 20)	/* bytes: no input of ours comes close */

/* Read path whole into a buffer of exactly its size; 0 or -errno. */
static int slurp(const char *path, uint8_t **ret_buf, size_t *ret_len)
{
	uint8_t *buf = NULL, *nbuf;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		if (len == cap) {
			cap = cap ? 2 * cap : 4096;
			if (cap > REPLAY_MAX) {
				rc = -EFBIG;
				break;
			}
			nbuf = realloc(buf, cap);
			if (nbuf == NULL) {
				rc = -ENOMEM;
				break;
			}
			buf = nbuf;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = -errno;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	/* exactly len bytes, so a read past the end is caught */
	nbuf = malloc(len ? len : 1);
	if (nbuf == NULL) {
		free(buf);
		return -ENOMEM;
	}
	if (len)
		memcpy(nbuf, buf, len);
	free(buf);
	*ret_buf = nbuf;
	*ret_len = len;
	return 0;
}

static int run_file(const char *path)
{
	uint8_t *buf;
	size_t len;
	int rc = slurp(path, &buf, &len);

	if (rc < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(-rc));
		return -1;
	}
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Every regular file of dir; the number run, or -1 if one was unreadable. */
static int run_dir(const char *dir)
{
	struct dirent **ents;
	char path[4096];
	struct stat st;
	int n, i, count = 0, bad = 0;

	n = scandir(dir, &ents, NULL, by_name);
	if (n < 0)
		return errno == ENOENT ? 0 : -1;
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.' &&
		    snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name) < (int)sizeof(path) &&
		    stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (run_file(path) < 0)
				bad = 1;
			else
				count++;
		}
		free(ents[i]);
	}
	free(ents);
	return bad ? -1 : count;
}

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/');
	struct stat st;
	int i, n, total = 0, bad = 0;

	name = name ? name + 1 : argv[0];
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			n = run_dir(argv[i]);
		else if (stat(argv[i], &st) < 0 && errno == ENOENT)
			n = 0;
		else
			n = run_file(argv[i]) < 0 ? -1 : 1;
		if (n < 0)
			bad = 1;
		else
			total += n;
	}
	printf("%s: %d inputs replayed\n", name, total);
	return bad;
}
