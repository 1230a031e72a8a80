/*
 * memhog.c - QA helper: allocate MIB mebibytes of anonymous memory, touch
 * every page so all of it is charged to the caller's memory cgroup, then
 * sleep until killed.  Prints "ready" on stdout once the memory is held.
 * A cgroup limit below MIB makes the OOM killer kill it while it touches.
 *
 * usage: memhog MIB
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	size_t mib, len, off;
	long page = sysconf(_SC_PAGESIZE);
	char *p;

	if (argc != 2 || (mib = strtoul(argv[1], NULL, 10)) == 0) {
		fprintf(stderr, "usage: memhog MIB\n");
		return 2;
	}
	len = mib << 20;
	if ((p = malloc(len)) == NULL) {
		perror("memhog: malloc");
		return 1;
	}
	for (off = 0; off < len; off += (size_t)page)
		p[off] = 1;
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
