/*
 * fuzz_cid.c - cgroup paths through pcc_cid_classify, and names through
 * pcc_name_sanitize.  The input up to its first NUL is the path; all of
 * it (NULs too) is also sanitized into buffers of several sizes, and so
 * is the name a classified path yields.
 *
 * classify: -EINVAL exactly for a path not starting with '/', *ret
 * untouched unless 1; a container has an engine, a 64-hex id or a name as
 * its engine uses, a pod uid of a kubelet's shape or none, uid -1 or a
 * uid, every string NUL-terminated inside its field.
 * sanitize: the output is NUL-terminated, its length is the return, it
 * holds only printable ASCII without space or quotes, every '\' starts a
 * "\xHH" escape (lower-case hex), it decodes back to a prefix of the
 * input, and it stops short of the whole input only where the next piece
 * would not fit.
 */
#include <errno.h>

#include "pcp-container.h"
#include "fuzz.h"

static int hexv(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static void check_sanitize(const char *src, size_t srclen, size_t dstlen)
{
	char dst[300];
	size_t i, o = 0, n;
	int rc, hi, lo;

	FUZZ_CHECK(dstlen <= sizeof(dst));
	memset(dst, 0x7f, sizeof(dst));
	rc = pcc_name_sanitize(src, srclen, dst, dstlen);
	if (dstlen == 0) {
		FUZZ_CHECK(rc == -EINVAL && (unsigned char)dst[0] == 0x7f);
		return;
	}
	FUZZ_CHECK(rc >= 0 && (size_t)rc < dstlen);
	n = (size_t)rc;
	FUZZ_CHECK(dst[n] == '\0' && strlen(dst) == n);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)dst[i];

		FUZZ_CHECK(c > ' ' && c < 0x7f && c != '"' && c != '\'');
		if (c != '\\') {
			FUZZ_CHECK(o < srclen && src[o] == dst[i]);
			o++;
			continue;
		}
		FUZZ_CHECK(n - i >= 4 && dst[i + 1] == 'x');
		hi = hexv(dst[i + 2]);
		lo = hexv(dst[i + 3]);
		FUZZ_CHECK(hi >= 0 && lo >= 0);
		FUZZ_CHECK(o < srclen && (unsigned char)src[o] == (hi << 4 | lo));
		/* escaped only if it could not stand for itself */
		c = (unsigned char)src[o];
		FUZZ_CHECK(!(c > ' ' && c < 0x7f && c != '"' && c != '\'' && c != '\\'));
		o++;
		i += 3;
	}
	if (o < srclen) {
		unsigned char c = (unsigned char)src[o];
		size_t need = c > ' ' && c < 0x7f && c != '"' && c != '\'' && c != '\\' ? 1 : 4;

		FUZZ_CHECK(dstlen - 1 - n < need);
	}
}

static int all_lower_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (hexv(s[i]) < 0)
			return 0;
	return 1;
}

static void check_cid(const char *path, const struct pcc_cid *c)
{
	size_t idlen, namelen, podlen;

	FUZZ_CHECK(c->engine > PCC_ENGINE_NONE && c->engine < PCC_NENGINE);
	FUZZ_CHECK(*pcc_engine_name(c->engine) != '\0');
	idlen = strnlen(c->id, sizeof(c->id));
	namelen = strnlen(c->name, sizeof(c->name));
	podlen = strnlen(c->pod_uid, sizeof(c->pod_uid));
	FUZZ_CHECK(idlen < sizeof(c->id) && namelen < sizeof(c->name) &&
		   podlen < sizeof(c->pod_uid));
	if (c->engine == PCC_ENGINE_LXC || c->engine == PCC_ENGINE_NSPAWN) {
		FUZZ_CHECK(idlen == 0 && namelen > 0);
		FUZZ_CHECK(strchr(c->name, '/') == NULL);
	} else {
		FUZZ_CHECK(idlen == PCC_ID_MAX && all_lower_hex(c->id, idlen) && namelen == 0);
		FUZZ_CHECK(strstr(path, c->id) != NULL);
	}
	FUZZ_CHECK(podlen == 0 || podlen == 32 || podlen == 36);
	if (podlen == 36)
		FUZZ_CHECK(c->pod_uid[8] == '-' && c->pod_uid[13] == '-' &&
			   c->pod_uid[18] == '-' && c->pod_uid[23] == '-');
	FUZZ_CHECK(c->uid >= -1 && c->uid < 0xffffffffL);
	FUZZ_CHECK(c->uid < 0 || strncmp(path, "/user.slice/", 12) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t dstlens[] = { 0, 1, 2, 4, 5, 13, PCC_IFNAME_MAX + 1, 256 };
	char *buf = fuzz_dup(data, size, 1);
	struct pcc_cid cid, sentinel;
	int rc;

	memset(&sentinel, 0xa5, sizeof(sentinel));
	cid = sentinel;
	rc = pcc_cid_classify(buf, &cid);
	FUZZ_CHECK(rc == 0 || rc == 1 || rc == -EINVAL);
	FUZZ_CHECK((rc == -EINVAL) == (buf[0] != '/'));
	if (rc != 1)
		FUZZ_CHECK(memcmp(&cid, &sentinel, sizeof(cid)) == 0);
	else
		check_cid(buf, &cid);

	for (size_t i = 0; i < sizeof(dstlens) / sizeof(dstlens[0]); i++) {
		check_sanitize(buf, size, dstlens[i]);
		if (rc == 1)
			check_sanitize(cid.name, strlen(cid.name), dstlens[i]);
	}
	FUZZ_CHECK(pcc_name_sanitize(NULL, 1, cid.name, 4) == -EINVAL);
	FUZZ_CHECK(pcc_name_sanitize(NULL, 0, cid.name, 4) == 0 && cid.name[0] == '\0');
	free(buf);
	return 0;
}
