/*
 * cid_stub.c - a stand-in for libpcp-container/cid.c, linked into
 * test_walk only while that file does not exist (see GNUmakefile).
 *
 * It recognises just the path forms test_walk's fixtures use, all of which
 * the real classifier recognises too, so the test passes with either:
 *   /docker/<64 hex>                                docker
 *   .../<something>.slice/docker-<64 hex>.scope     docker (systemd driver)
 *   /lxc.payload.<name>                             lxc
 *   /machine.slice/machine-<name>.scope             nspawn
 *   /kubepods[/<qos>]/pod<uid>/<64 hex>             kubernetes (pod: not one)
 * Everything else is not a container.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pcp-container.h"

static bool is_hex64(const char *s, size_t len)
{
	size_t i;

	if (len != PCC_ID_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static int found(struct pcc_cid *ret, enum pcc_engine e, const char *id,
		 const char *name, size_t namelen, const char *pod, size_t podlen)
{
	memset(ret, 0, sizeof(*ret));
	ret->engine = e;
	ret->uid = -1;
	if (id)
		memcpy(ret->id, id, PCC_ID_MAX);
	if (name)
		memcpy(ret->name, name, namelen < PCC_NAME_MAX ? namelen : PCC_NAME_MAX);
	if (pod)
		memcpy(ret->pod_uid, pod, podlen < 39 ? podlen : 39);
	return 1;
}

/* /kubepods[/<qos>]/pod<uid>/<64 hex> */
static int kubepods(const char *path, const char *last, struct pcc_cid *ret)
{
	const char *pod = last - 1;

	if (!has_prefix(path, "/kubepods/") || !is_hex64(last, strlen(last)))
		return 0;
	while (pod > path && pod[-1] != '/')
		pod--;
	if (!has_prefix(pod, "pod"))
		return 0;
	if (pod - path != 10 && strchr(path + 10, '/') + 1 != pod)
		return 0;
	return found(ret, PCC_ENGINE_KUBERNETES, last, NULL, 0, pod + 3,
		     (size_t)(last - 1 - pod - 3));
}

int pcc_cid_classify(const char *path, struct pcc_cid *ret_cid)
{
	const char *last, *s;
	size_t len;

	if (path == NULL || path[0] != '/' || ret_cid == NULL)
		return -EINVAL;
	last = strrchr(path, '/') + 1;
	len = strlen(last);
	if (has_prefix(path, "/docker/") && last == path + 8 && is_hex64(last, len))
		return found(ret_cid, PCC_ENGINE_DOCKER, last, NULL, 0, NULL, 0);
	if (has_prefix(last, "docker-") && len == 7 + PCC_ID_MAX + 6 &&
	    strcmp(last + 7 + PCC_ID_MAX, ".scope") == 0 && is_hex64(last + 7, PCC_ID_MAX) &&
	    last - path >= 7 && strncmp(last - 7, ".slice/", 7) == 0)
		return found(ret_cid, PCC_ENGINE_DOCKER, last + 7, NULL, 0, NULL, 0);
	if (last == path + 1 && has_prefix(last, "lxc.payload.") && len > 12)
		return found(ret_cid, PCC_ENGINE_LXC, NULL, last + 12, len - 12, NULL, 0);
	s = "/machine.slice/machine-";
	if (has_prefix(path, s) && last == path + 15 && len > 14 &&
	    strcmp(last + len - 6, ".scope") == 0)
		return found(ret_cid, PCC_ENGINE_NSPAWN, NULL, last + 8, len - 14, NULL, 0);
	return kubepods(path, last, ret_cid);
}

const char *pcc_engine_name(enum pcc_engine engine)
{
	static const char *const names[PCC_NENGINE] = {
		"none", "docker", "podman", "containerd", "crio", "kubernetes",
		"lxc", "nspawn",
	};

	return (unsigned)engine < PCC_NENGINE ? names[engine] : "none";
}

int pcc_name_sanitize(const char *src, size_t srclen, char *dst, size_t dstlen)
{
	size_t i, n = 0;
	unsigned char ch;

	if (dst == NULL || dstlen < 1)
		return -EINVAL;
	for (i = 0; i < srclen; i++) {
		ch = (unsigned char)src[i];
		if (ch > ' ' && ch < 0x7f && ch != '"' && ch != '\'' && ch != '\\') {
			if (n + 1 > dstlen - 1)
				break;
			dst[n++] = (char)ch;
		} else {
			if (n + 4 > dstlen - 1)
				break;
			snprintf(dst + n, 5, "\\x%02x", ch);
			n += 4;
		}
	}
	dst[n] = '\0';
	return (int)n;
}
