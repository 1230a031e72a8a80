/*
 * engine_lxc.c - LXC, LXD and Incus containers.  The name is the cgroup's
 * (lxc.payload.<name>, lxc/<name>): it needs no file.  For LXC proper,
 * <lxcpath>/<name>/config ("key = value" lines) adds a few keys as labels:
 * lxc.uts.name (hostname), lxc.rootfs.path and lxc.arch, under their
 * current names even where the file uses the LXC 2 ones (lxc.utsname,
 * lxc.rootfs).  LXD and Incus keep their configuration in their own
 * databases: for them the file is missing (-ENODATA) and the name is all.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "engine.h"

static const struct {
	const char *key;	/* in the file */
	const char *label;	/* as a label */
} lxc_keys[] = {
	{ "lxc.uts.name", "lxc.uts.name" },
	{ "lxc.utsname", "lxc.uts.name" },
	{ "lxc.rootfs.path", "lxc.rootfs.path" },
	{ "lxc.rootfs", "lxc.rootfs.path" },
	{ "lxc.arch", "lxc.arch" },
};

static int lxc_probe(struct pcc_engines *e, const struct pcc_cid *cid,
		     const struct probe *prev, struct probe *p)
{
	char rel[PCC_NAME_MAX + 16];

	(void)prev;
	p->runtime = PCC_ENGINE_LXC;
	p->nsrc = 1;
	if (!src_name_ok(cid->name)) {
		p->src[0].key.err = -EINVAL;
		return 0;
	}
	snprintf(rel, sizeof(rel), "%s/config", cid->name);
	return src_open(e, EDIR_LXC, rel, &p->src[0]);
}

static int lxc_line(void *arg, const char *key, size_t klen, const char *val, size_t vlen)
{
	struct meta_priv *b = arg;
	const char *label;

	for (size_t i = 0; i < sizeof(lxc_keys) / sizeof(lxc_keys[0]); i++) {
		if (strlen(lxc_keys[i].key) != klen || memcmp(lxc_keys[i].key, key, klen) != 0)
			continue;
		label = lxc_keys[i].label;
		return mb_labeln(b, label, strlen(label), val, vlen);
	}
	return 0;
}

int lxc_parse(struct meta_priv *b, const char *text, size_t len)
{
	return mb_kv(text, len, lxc_line, b);
}

static int lxc_fill(struct pcc_engines *e, const struct pcc_cid *cid,
		    struct probe *p, struct meta_priv *b)
{
	return mb_fill_kvfile(e, cid, &p->src[0], b, lxc_parse);
}

const struct engine_ops engine_lxc = {
	.engine = PCC_ENGINE_LXC,
	.probe = lxc_probe,
	.fill = lxc_fill,
};
