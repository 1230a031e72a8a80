/*
 * engine_nspawn.c - systemd-nspawn containers and other machines that
 * systemd-machined knows (libvirt guests, too): the name is the scope's
 * (machine-<name>.scope, unescaped by cid.c), the details come from
 * machined's state file /run/systemd/machines/<name>, "KEY=value" lines
 * whose values older systemd wrote through cescape() and newer through
 * env_file_fputs_assignment() (double quotes, backslash escapes).
 *
 * Read: LEADER (the pid, and state RUNNING while there is one), REALTIME
 * (registration time in microseconds: started), and as labels CLASS
 * ("container" or "vm"), SERVICE (the registering program), ROOT (the
 * root directory), ID (the machine id) and SCOPE (the unit), under the
 * names class, service, root_directory, machine_id and unit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "hex.h"

static const struct {
	const char *key;
	const char *label;
} machine_keys[] = {
	{ "CLASS", "class" },
	{ "SERVICE", "service" },
	{ "ROOT", "root_directory" },
	{ "ID", "machine_id" },
	{ "SCOPE", "unit" },
};

static int nspawn_probe(struct pcc_engines *e, const struct pcc_cid *cid,
			const struct probe *prev, struct probe *p)
{
	(void)prev;
	p->runtime = PCC_ENGINE_NSPAWN;
	p->nsrc = 1;
	if (!src_name_ok(cid->name)) {
		p->src[0].key.err = -EINVAL;
		return 0;
	}
	return src_open(e, EDIR_MACHINES, cid->name, &p->src[0]);
}

/*
 * Undo the quoting of a value into out (room for len bytes): surrounding
 * double or single quotes, and backslash escapes (\n \t \xHH, else the
 * character itself).  Returns the length.
 */
static size_t unquote(const char *v, size_t len, char *out)
{
	size_t i, o = 0;

	if (len >= 2 && (v[0] == '"' || v[0] == '\'') && v[len - 1] == v[0]) {
		v++;
		len -= 2;
	}
	for (i = 0; i < len; i++) {
		if (v[i] != '\\' || i + 1 == len) {
			out[o++] = v[i];
			continue;
		}
		i++;
		if (v[i] == 'n')
			out[o++] = '\n';
		else if (v[i] == 't')
			out[o++] = '\t';
		else if (v[i] == 'x' && i + 2 < len && pcc_hexval(v[i + 1]) >= 0 && pcc_hexval(v[i + 2]) >= 0) {
			out[o++] = (char)(pcc_hexval(v[i + 1]) * 16 + pcc_hexval(v[i + 2]));
			i += 2;
		} else
			out[o++] = v[i];
	}
	return o;
}

static bool key_is(const char *key, size_t klen, const char *want)
{
	return strlen(want) == klen && memcmp(key, want, klen) == 0;
}

static int machine_line(void *arg, const char *key, size_t klen, const char *val, size_t vlen)
{
	struct meta_priv *b = arg;
	struct pcc_meta *m = &b->pub;
	const char *label;
	char *v = malloc(vlen + 1);
	size_t n;
	int64_t usec;
	int rc = 0;

	if (v == NULL)
		return -ENOMEM;
	n = unquote(val, vlen, v);
	v[n] = '\0';
	if (key_is(key, klen, "LEADER")) {
		m->pid = mb_pid(v, n);
	} else if (key_is(key, klen, "REALTIME")) {
		/* the first wins, as for every field: started and started_sec agree */
		usec = strtoll(v, NULL, 10);
		if (m->started == NULL && usec >= 1000000) {
			rc = mb_epoch(&m->started, usec / 1000000, (long)(usec % 1000000));
			if (m->started != NULL)
				m->started_sec = usec / 1000000;
		}
	} else {
		for (size_t i = 0; i < sizeof(machine_keys) / sizeof(machine_keys[0]); i++) {
			if (!key_is(key, klen, machine_keys[i].key))
				continue;
			label = machine_keys[i].label;
			rc = mb_labeln(b, label, strlen(label), v, n);
		}
	}
	free(v);
	return rc;
}

int machine_parse(struct meta_priv *b, const char *text, size_t len)
{
	int rc = mb_kv(text, len, machine_line, b);

	if (rc == 0 && b->pub.pid > 0)
		b->pub.state = PCC_CSTATE_RUNNING;
	return rc;
}

static int nspawn_fill(struct pcc_engines *e, const struct pcc_cid *cid,
		       struct probe *p, struct meta_priv *b)
{
	return mb_fill_kvfile(e, cid, &p->src[0], b, machine_parse);
}

const struct engine_ops engine_nspawn = {
	.engine = PCC_ENGINE_NSPAWN,
	.probe = nspawn_probe,
	.fill = nspawn_fill,
};
