/*
 * cid.c - decide from a cgroup path alone whether it is a container's own
 * cgroup, and which engine made it.  This is the one place that knows how
 * docker, podman, containerd (CRI plugin, nerdctl), CRI-O, the kubelet, LXC
 * and systemd-machined name their cgroups.
 *
 * Pure string code: no I/O, no allocation, no state; safe from any thread.
 * The walker calls pcc_cid_classify() once per directory, from the root down,
 * and stops descending where it returns 1.
 *
 * A path is judged by its last component (the leaf) and, where the form
 * needs it, by its parent: each form is one row of forms[] below.  The rows
 * are strict: ids are exactly 64 lower-case hex digits, so the cgroups that
 * sit beside containers under near-identical names (libpod-conmon-<id>.scope,
 * crio-conmon-<id>.scope, the 64-byte kubepods-burstable-pod<uid>.slice) are
 * not containers.  Once a row matches, the ancestry adds what every engine
 * shares: the kubernetes pod uid from a pod parent and the rootless owner
 * from user@<uid>.service.
 *
 * Only the path's own form counts.  "/docker/<id>/sub" is 0 because its leaf
 * is no container, but a container form nested in another container
 * ("/system.slice/docker-<a>.scope/x.slice/docker-<b>.scope") is 1 on its
 * own: the walker never asks, as it stops at the outer container, and
 * checking every ancestor would cost each call a match per level for nothing.
 * Callers that map a process's cgroup to its container classify its
 * ancestors from the root down, as the walker does.
 *
 * Left out on purpose, because a path cannot tell them from other cgroups:
 *  - containerd's cgroupfs layout "/<namespace>/<id>": the namespace is any
 *    name ("default", "k8s.io", ...), so a 64-hex directory below it looks
 *    like any other tool's 64-hex directory.  The same holds for docker's
 *    and CRI-O's cgroupfs layouts under a custom cgroup parent.
 *  - containerd under systemd without nerdctl or the CRI plugin: there is no
 *    unit name of its own to rely on.
 *  - podman pods under its cgroupfs manager, LXC below a delegated user
 *    cgroup, machined's per-user machine.slice: unverified layouts.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "pcp-container.h"
#include "hex.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* A piece of the caller's path: not NUL-terminated. */
struct span {
	const char *p;
	size_t n;
};

/* What the middle of a leaf (between prefix and suffix) holds. */
enum leaf_value {
	VAL_ID,		/* 64 lower-case hex digits -> cid.id */
	VAL_NAME,	/* any bytes, 1..PCC_NAME_MAX of them -> cid.name */
	VAL_UNIT,	/* a systemd-escaped name, unescaped -> cid.name */
};

/* Where the leaf must sit. */
enum parent_rule {
	PAR_EXACT,	/* the parent path is exactly form.parent ("/" is the root) */
	PAR_SLICE,	/* the parent's last component ends in ".slice" */
	PAR_SLICE_USER,	/* PAR_SLICE, or anywhere below user@<uid>.service */
	PAR_KUBEPOD,	/* a kubelet cgroupfs pod: /kubepods[/<qos>]/pod<uid> */
};

struct form {
	const char *prefix;	/* the leaf starts with this ... */
	const char *suffix;	/* ... and ends with this; the middle is the value */
	enum leaf_value value;
	enum parent_rule rule;
	const char *parent;	/* PAR_EXACT only */
	enum pcc_engine engine;
};

/*
 * One row per naming scheme; the first row that matches wins.  The CRI rows
 * also match each pod's sandbox ("pause") container: a path cannot tell it
 * from the pod's other containers.
 */
static const struct form forms[] = {
	/* docker, cgroupfs driver */
	{ "", "", VAL_ID, PAR_EXACT, "/docker", PCC_ENGINE_DOCKER },
	/* docker, systemd driver: system.slice, a kubelet pod slice,
	 * --cgroup-parent=<x>.slice, rootless (a slice below user@<uid>) */
	{ "docker-", ".scope", VAL_ID, PAR_SLICE, NULL, PCC_ENGINE_DOCKER },
	/* podman, cgroupfs manager; its conmon sits in /libpod_parent/conmon */
	{ "libpod-", "", VAL_ID, PAR_EXACT, "/libpod_parent", PCC_ENGINE_PODMAN },
	/* podman, systemd manager: machine.slice, machine-libpod_pod_<id>.slice,
	 * rootless anywhere below user@<uid>.service */
	{ "libpod-", ".scope", VAL_ID, PAR_SLICE_USER, NULL, PCC_ENGINE_PODMAN },
	/* containerd's CRI plugin, systemd driver (kubelet pod slices) */
	{ "cri-containerd-", ".scope", VAL_ID, PAR_SLICE, NULL, PCC_ENGINE_CONTAINERD },
	/* nerdctl, systemd driver */
	{ "nerdctl-", ".scope", VAL_ID, PAR_SLICE, NULL, PCC_ENGINE_CONTAINERD },
	/* CRI-O: systemd manager (pod slices), cgroupfs manager (pod cgroups) */
	{ "crio-", ".scope", VAL_ID, PAR_SLICE, NULL, PCC_ENGINE_CRIO },
	{ "crio-", "", VAL_ID, PAR_KUBEPOD, NULL, PCC_ENGINE_CRIO },
	/* kubelet cgroupfs driver over containerd or dockershim: runtime unknown */
	{ "", "", VAL_ID, PAR_KUBEPOD, NULL, PCC_ENGINE_KUBERNETES },
	/* LXC < 4 */
	{ "", "", VAL_NAME, PAR_EXACT, "/lxc", PCC_ENGINE_LXC },
	/* LXC 4+, LXD, Incus; their lxc.monitor.<name>, lxc.monitor/<name> and
	 * lxc.pivot cgroups match no row */
	{ "lxc.payload.", "", VAL_NAME, PAR_EXACT, "/", PCC_ENGINE_LXC },
	{ "", "", VAL_NAME, PAR_EXACT, "/lxc.payload", PCC_ENGINE_LXC },
	/* machined guests: systemd-nspawn, and also VMs such as libvirt's
	 * machine-qemu\x2d1\x2dvm.scope, which are machined guests as well
	 * and so reported under the same engine */
	{ "machine-", ".scope", VAL_UNIT, PAR_EXACT, "/machine.slice", PCC_ENGINE_NSPAWN },
	{ "systemd-nspawn@", ".service", VAL_UNIT, PAR_EXACT, "/machine.slice", PCC_ENGINE_NSPAWN },
};

static const char *const engine_names[PCC_NENGINE] = {
	[PCC_ENGINE_NONE] = "",
	[PCC_ENGINE_DOCKER] = "docker",
	[PCC_ENGINE_PODMAN] = "podman",
	[PCC_ENGINE_CONTAINERD] = "containerd",
	[PCC_ENGINE_CRIO] = "crio",
	[PCC_ENGINE_KUBERNETES] = "kubernetes",
	[PCC_ENGINE_LXC] = "lxc",
	[PCC_ENGINE_NSPAWN] = "nspawn",
};

/* ------------------------------------------------------------ spans */

static bool span_eq(struct span s, const char *lit)
{
	return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0;
}

/* Drop lit from the front of *s; false (and *s unchanged) if it is not there. */
static bool strip_prefix(struct span *s, const char *lit)
{
	size_t n = strlen(lit);

	if (s->n < n || memcmp(s->p, lit, n) != 0)
		return false;
	s->p += n;
	s->n -= n;
	return true;
}

static bool strip_suffix(struct span *s, const char *lit)
{
	size_t n = strlen(lit);

	if (s->n < n || memcmp(s->p + s->n - n, lit, n) != 0)
		return false;
	s->n -= n;
	return true;
}

static struct span last_component(struct span s)
{
	size_t i = s.n;

	while (i > 0 && s.p[i - 1] != '/')
		i--;
	return (struct span){ s.p + i, s.n - i };
}

static bool is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool all_lower_hex(const char *p, size_t n)
{
	while (n-- > 0)
		if (!is_lower_hex(*p++))
			return false;
	return true;
}

/* ------------------------------------------------------------ values */

/* A full container id: exactly PCC_ID_MAX lower-case hex digits. */
static bool is_id(struct span s)
{
	return s.n == PCC_ID_MAX && all_lower_hex(s.p, s.n);
}

/*
 * A kubelet pod uid: the API server's lower-case UUID, its '-' written as
 * sep (systemd slice names carry '_'), or the 32 hex digits the kubelet
 * hashes a static pod's manifest into.  Copied to ret with '-' only on
 * success.  Hand-set uids of other shapes are not recognised.
 */
static bool pod_uid(struct span s, char sep, char *ret)
{
	char buf[sizeof(((struct pcc_cid *)0)->pod_uid)];
	size_t i;

	if (s.n != 32 && s.n != 36)
		return false;
	for (i = 0; i < s.n; i++) {
		bool dash = s.n == 36 && (i == 8 || i == 13 || i == 18 || i == 23);

		if (dash ? s.p[i] != sep : !is_lower_hex(s.p[i]))
			return false;
		buf[i] = dash ? '-' : s.p[i];
	}
	buf[i] = '\0';
	memcpy(ret, buf, i + 1);
	return true;
}

/* A raw byte systemd allows in a unit name, '\' (escapes) aside. */
static bool unit_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == ':' || c == '_' || c == '.' ||
	       c == '-';
}

/*
 * Undo systemd's unit name escaping into dst (PCC_NAME_MAX + 1 bytes):
 * "\xHH" is the byte 0xHH.  Other bytes stand for themselves, '-' included:
 * machined escapes it (machine-qemu\x2d1\x2dvm.scope) but machinectl in
 * newer systemd names systemd-nspawn@<name>.service after the bare name.
 * False for a byte no unit name holds, a malformed escape, an escape that
 * gives NUL or '/', and a name that is empty or longer than PCC_NAME_MAX.
 */
static bool unit_unescape(struct span s, char *dst)
{
	size_t i = 0, n = 0;

	while (i < s.n) {
		int c = (unsigned char)s.p[i], hi, lo;

		if (c == '\\') {
			if (s.n - i < 4 || s.p[i + 1] != 'x' ||
			    (hi = pcc_hexval(s.p[i + 2])) < 0 ||
			    (lo = pcc_hexval(s.p[i + 3])) < 0)
				return false;
			c = hi << 4 | lo;
			if (c == '\0' || c == '/')
				return false;
			i += 4;
		} else if (unit_char((char)c)) {
			i++;
		} else {
			return false;
		}
		if (n == PCC_NAME_MAX)
			return false;
		dst[n++] = (char)c;
	}
	dst[n] = '\0';
	return n > 0;
}

/* A raw name must fit whole: a cut name could be another container's. */
static bool copy_name(struct span s, char *dst)
{
	if (s.n == 0 || s.n > PCC_NAME_MAX)
		return false;
	memcpy(dst, s.p, s.n);
	dst[s.n] = '\0';
	return true;
}

/* ------------------------------------------------------------ ancestry */

/* A uid as systemd writes it in unit names: decimal, no sign or leading
 * zero, below (uid_t)-1.  Advances *p; -1 if there is none. */
static long parse_uid(const char **p)
{
	const char *s = *p;
	uint64_t v = 0;
	int digits = 0;

	if (s[0] == '0' && s[1] >= '0' && s[1] <= '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (++digits > 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (digits == 0 || v >= UINT32_MAX || v > LONG_MAX)
		return -1;
	*p = s;
	return (long)v;
}

static bool skip_lit(const char **p, const char *lit)
{
	size_t n = strlen(lit);

	if (strncmp(*p, lit, n) != 0)
		return false;
	*p += n;
	return true;
}

/*
 * The rootless owner: the uid in "/user.slice/user-<uid>.slice/
 * user@<uid>.service/..." (both the same), -1 if path is not below one.
 */
static long user_owner(const char *path)
{
	const char *p = path;
	long a, b;

	if (!skip_lit(&p, "/user.slice/user-") || (a = parse_uid(&p)) < 0 ||
	    !skip_lit(&p, ".slice/user@") || (b = parse_uid(&p)) < 0 ||
	    !skip_lit(&p, ".service/") || a != b)
		return -1;
	return b;
}

/* A kubelet cgroupfs pod, "/kubepods[/besteffort|/burstable]/pod<uid>"
 * (guaranteed pods have no QoS level); its uid goes to ret on success. */
static bool kube_cgroupfs_pod(struct span parent, char *ret)
{
	if (!strip_prefix(&parent, "/kubepods/"))
		return false;
	if (!strip_prefix(&parent, "besteffort/"))
		(void)strip_prefix(&parent, "burstable/");
	return strip_prefix(&parent, "pod") && pod_uid(parent, '-', ret);
}

/*
 * A kubelet systemd pod slice, "kubepods[-besteffort|-burstable]-pod<uid>.slice"
 * with '_' for the uid's '-'.  Only the component is checked: a systemd
 * slice's name fixes its ancestry (kubepods.slice/kubepods-burstable.slice/
 * kubepods-burstable-pod<uid>.slice).
 */
static bool kube_slice_pod(struct span comp, char *ret)
{
	if (!strip_prefix(&comp, "kubepods-") || !strip_suffix(&comp, ".slice"))
		return false;
	if (!strip_prefix(&comp, "besteffort-"))
		(void)strip_prefix(&comp, "burstable-");
	return strip_prefix(&comp, "pod") && pod_uid(comp, '_', ret);
}

static bool is_slice(struct span parent)
{
	struct span comp = last_component(parent);

	return comp.n > strlen(".slice") && strip_suffix(&comp, ".slice");
}

static bool parent_ok(const struct form *f, const char *path,
		      struct span parent)
{
	char pod[sizeof(((struct pcc_cid *)0)->pod_uid)];

	switch (f->rule) {
	case PAR_EXACT:
		return span_eq(parent, f->parent);
	case PAR_SLICE:
		return is_slice(parent);
	case PAR_SLICE_USER:
		return is_slice(parent) || user_owner(path) >= 0;
	case PAR_KUBEPOD:
		return kube_cgroupfs_pod(parent, pod);
	}
	return false;
}

/* ------------------------------------------------------------ classify */

/*
 * Split an absolute path into parent and leaf.  False for a path no cgroup
 * has: the root itself, or one with an empty, "." or ".." component.
 */
static bool split_path(const char *path, struct span *parent, struct span *leaf)
{
	const char *p = path, *c = path;
	size_t n = 0;

	while (*p == '/') {
		c = p + 1;
		n = strcspn(c, "/");
		if (n == 0 || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		p = c + n;
	}
	*leaf = (struct span){ c, n };
	*parent = (struct span){ path, c - 1 == path ? 1 : (size_t)(c - 1 - path) };
	return true;
}

static bool match_form(const struct form *f, const char *path,
		       struct span parent, struct span leaf, struct pcc_cid *cid)
{
	struct span v = leaf;

	if (!strip_prefix(&v, f->prefix) || !strip_suffix(&v, f->suffix))
		return false;
	if (f->value == VAL_ID && !is_id(v))
		return false;
	if (!parent_ok(f, path, parent))
		return false;

	memset(cid, 0, sizeof(*cid));
	cid->engine = f->engine;
	switch (f->value) {
	case VAL_ID:
		memcpy(cid->id, v.p, v.n);
		return true;
	case VAL_NAME:
		return copy_name(v, cid->name);
	case VAL_UNIT:
		return unit_unescape(v, cid->name);
	}
	return false;
}

/* What the ancestry says about any container: pod uid, rootless owner. */
static void add_context(const char *path, struct span parent,
			struct pcc_cid *cid)
{
	cid->uid = user_owner(path);
	if (!kube_cgroupfs_pod(parent, cid->pod_uid))
		(void)kube_slice_pod(last_component(parent), cid->pod_uid);
}

/*
 * pcc_cid_classify - see pcp-container.h.  Returns 1 and fills *ret_cid for
 * a container's own cgroup, 0 for any other path (*ret_cid untouched),
 * -EINVAL for a NULL or relative path or a NULL ret_cid.
 */
int pcc_cid_classify(const char *path, struct pcc_cid *ret_cid)
{
	struct span parent, leaf;
	struct pcc_cid cid;
	size_t i;

	if (!path || path[0] != '/' || !ret_cid)
		return -EINVAL;
	if (!split_path(path, &parent, &leaf))
		return 0;
	for (i = 0; i < ARRAY_SIZE(forms); i++) {
		if (match_form(&forms[i], path, parent, leaf, &cid)) {
			add_context(path, parent, &cid);
			*ret_cid = cid;
			return 1;
		}
	}
	return 0;
}

/*
 * pcc_engine_name - the engine's short name ("docker", ...), a string
 * constant; "" for PCC_ENGINE_NONE and anything out of range.  Never NULL.
 */
const char *pcc_engine_name(enum pcc_engine engine)
{
	if ((unsigned)engine >= PCC_NENGINE)
		return "";
	return engine_names[engine];
}

/* ------------------------------------------------------------ sanitize */

static bool name_keep(unsigned char c)
{
	return c > ' ' && c < 0x7f && c != '"' && c != '\'' && c != '\\';
}

/*
 * pcc_name_sanitize - see pcp-container.h.  Escapes are "\x" and two
 * lower-case hex digits; a literal '\' is itself escaped, so the output
 * decodes back to the input.  Returns the length written (at most dstlen-1,
 * and at most INT_MAX); -EINVAL for a NULL dst, dstlen < 1, or a NULL src
 * with srclen > 0 (dst untouched).
 */
int pcc_name_sanitize(const char *src, size_t srclen, char *dst, size_t dstlen)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, n = 0, room;

	if (!dst || dstlen < 1 || (!src && srclen > 0))
		return -EINVAL;
	room = dstlen - 1;
	if (room > INT_MAX)
		room = INT_MAX;
	for (i = 0; i < srclen; i++) {
		unsigned char c = (unsigned char)src[i];

		if (name_keep(c)) {
			if (room - n < 1)
				break;
			dst[n++] = (char)c;
			continue;
		}
		if (room - n < 4)
			break;
		dst[n++] = '\\';
		dst[n++] = 'x';
		dst[n++] = hex[c >> 4];
		dst[n++] = hex[c & 0xf];
	}
	dst[n] = '\0';
	return (int)n;
}
