/*
 * blkdev.c - the kernel name of a block device (sda, dm-0, nvme0n1) from its
 * major:minor, for the per-device io instances.  cgroup files name devices
 * by number only; sysfs says which name the number has now.
 *
 * Called when a new device appears in some container's io statistics, not
 * on every fetch: the caller caches names.  The uevent file is read into a
 * stack buffer with one bound, and the name found is copied, never trusted
 * to fit.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pcp-container.h"

#define UEVENT_MAX	4096	/* a block device's uevent is about 60 bytes */

/* The value of the DEVNAME= line in text (len bytes), and its length. */
static const char *devname(const char *text, size_t len, size_t *ret_len)
{
	const char *p = text, *end = text + len, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (nl - p > 8 && memcmp(p, "DEVNAME=", 8) == 0) {
			*ret_len = (size_t)(nl - p - 8);
			return p + 8;
		}
		p = nl + 1;
	}
	return NULL;
}

/* A name fit for a path component: no '/', no control bytes, not "." or "..". */
static bool name_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || (s[0] == '.' && (len == 1 || (len == 2 && s[1] == '.'))))
		return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == '/' || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

int pcc_blkdev_name(int rootfd, unsigned major, unsigned minor, char *dst,
		    size_t dstlen)
{
	char path[64], text[UEVENT_MAX], num[24];
	const char *name = NULL;
	size_t len = 0, got = 0;
	ssize_t n;
	int fd;

	if (dst == NULL || dstlen == 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/uevent", major, minor);
	fd = pcc_sysroot_openat(rootfd, path, O_RDONLY);
	if (fd >= 0) {
		while (got < sizeof(text)) {
			n = read(fd, text + got, sizeof(text) - got);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		close(fd);
		name = devname(text, got, &len);
		if (name != NULL && !name_ok(name, len))
			name = NULL;
	}
	if (name == NULL) {
		len = (size_t)snprintf(num, sizeof(num), "%u:%u", major, minor);
		name = num;
	}
	if (len >= dstlen)
		return -ERANGE;
	memcpy(dst, name, len);
	dst[len] = '\0';
	return (int)len;
}
