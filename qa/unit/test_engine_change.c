/*
 * test_engine_change.c - when engine metadata is read again: never while
 * the source files are the same (0, nothing read, *ret_meta untouched),
 * always when one changed (mtime, an atomic rename, a file appearing or
 * going), a broken file read once per version, podman's shared
 * containers.json parsed once per version for all its containers, and an
 * engine directory removed and made again under the reader's kept fd.
 * Each test works on a copy of a fixture tree in a temp directory.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include "engine_fx.h"

struct cfx {
	char tmp[64], root[PATH_MAX];
	struct efx x;
};

static void cfx_open(struct cfx *f, const char *tree)
{
	tmp_make(f->tmp, sizeof(f->tmp));
	tmp_copy(tree, f->tmp);
	snprintf(f->root, sizeof(f->root), "%s/%s", f->tmp, tree);
	efx_open_dir(&f->x, f->root);
}

static void cfx_close(struct cfx *f)
{
	efx_close(&f->x);
	tmp_remove(f->tmp);
}

/* Set a file's mtime to sec (and so its ctime to now). */
static void touch_at(const char *path, time_t sec)
{
	struct timespec ts[2] = { { sec, 0 }, { sec, 0 } };

	ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static void put_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

/* Replace path the way docker does: a new file renamed over it. */
static void replace(const char *path, const char *from, const char *to)
{
	char tmp[PATH_MAX + 8], *text;
	FILE *f = fopen(path, "r");
	long len;
	char *at;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)len + strlen(to) + 1);
	ck_assert_int_eq(fread(text, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	at = strstr(text, from);
	ck_assert_ptr_nonnull(at);
	memmove(at + strlen(to), at + strlen(from), strlen(at + strlen(from)) + 1);
	memcpy(at, to, strlen(to));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	fclose(f);
	free(text);
	ck_assert_int_eq(rename(tmp, path), 0);
}

START_TEST(unchanged_then_changed)
{
	struct pcc_cid c = cid_id(PCC_ENGINE_DOCKER, D_WEB1, -1);
	struct pcc_meta *m1, *m2, *keep;
	struct pcc_engines_stats st;
	char path[2 * PATH_MAX];
	struct cfx f;

	cfx_open(&f, "docker");
	snprintf(path, sizeof(path), "%s/var/lib/docker/containers/%s/config.v2.json", f.root, D_WEB1);
	m1 = resolve(&f.x, c);
	ck_assert_uint_eq(files_read(&f.x), 1);

	/* the same file: nothing read, ret untouched */
	keep = m2 = (struct pcc_meta *)&c;
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(pcc_meta_resolve(f.x.e, &c, m1, &m2), 0);
	ck_assert_ptr_eq(m2, keep);
	ck_assert_uint_eq(files_read(&f.x), 1);

	/* a new mtime: read again */
	touch_at(path, 1700000000);
	ck_assert_int_eq(pcc_meta_resolve(f.x.e, &c, m1, &m2), 1);
	ck_assert_uint_eq(files_read(&f.x), 2);
	ck_str_or_null(m2->name, "web1");
	pcc_meta_free(m1);
	m1 = m2;
	ck_assert_int_eq(pcc_meta_resolve(f.x.e, &c, m1, &m2), 0);

	/* docker renames a new file into place: a new inode, even with the old mtime */
	replace(path, "\"Name\":\"/web1\"", "\"Name\":\"/web1-renamed\"");
	touch_at(path, 1700000000);
	ck_assert_int_eq(pcc_meta_resolve(f.x.e, &c, m1, &m2), 1);
	ck_str_or_null(m2->name, "web1-renamed");
	pcc_meta_free(m1);
	m1 = m2;

	/* gone, then unchanged while gone, then back */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(pcc_meta_resolve(f.x.e, &c, m1, &m2), 1);
	ck_assert_int_eq(m2->error, -ENODATA);
	ck_assert_ptr_null(m2->name);
	pcc_meta_free(m1);
	m1 = m2;
	ck_assert_int_eq(pcc_meta_resolve(f.x.e, &c, m1, &m2), 0);
	ck_assert_int_eq(symlink("/dev/null", path), 0);	/* refused, and a change */
	ck_assert_int_eq(pcc_meta_resolve(f.x.e, &c, m1, &m2), 1);
	ck_assert_int_eq(m2->error, -ELOOP);
	pcc_meta_free(m2);

	/* prev of another container is no prev */
	c = cid_id(PCC_ENGINE_DOCKER, D_CACHE, -1);
	ck_assert_int_eq(pcc_meta_resolve(f.x.e, &c, m1, &m2), 1);
	ck_str_or_null(m2->name, "cache");
	pcc_meta_free(m2);
	pcc_meta_free(m1);

	pcc_engines_get_stats(f.x.e, &st);
	ck_assert_uint_eq(st.unchanged, 5);
	ck_assert_uint_eq(st.resolves, 11);
	cfx_close(&f);
}
END_TEST

/* A broken file is read once per version: the caller logs its error once. */
START_TEST(broken_read_once)
{
	struct pcc_cid c = cid_id(PCC_ENGINE_DOCKER, D_TRUNC, -1);
	struct pcc_meta *m1, *m2 = NULL;
	char path[2 * PATH_MAX];
	struct cfx f;

	cfx_open(&f, "docker");
	m1 = resolve(&f.x, c);
	ck_assert_int_eq(m1->error, -EBADMSG);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(pcc_meta_resolve(f.x.e, &c, m1, &m2), 0);
	ck_assert_uint_eq(files_read(&f.x), 1);

	/* repaired */
	snprintf(path, sizeof(path), "%s/var/lib/docker/containers/%s/config.v2.json", f.root, D_TRUNC);
	put_text(path, "{\"Name\":\"/fixed\"}");	/* in place: same inode */
	ck_assert_int_eq(pcc_meta_resolve(f.x.e, &c, m1, &m2), 1);
	ck_assert_int_eq(m2->error, 0);
	ck_str_or_null(m2->name, "fixed");
	pcc_meta_free(m1);
	pcc_meta_free(m2);
	cfx_close(&f);
}
END_TEST

/* Every source counts: init.pid appearing after the bundle re-reads. */
START_TEST(optional_source_appears)
{
	struct pcc_cid c = cid_id(PCC_ENGINE_CONTAINERD, C_APP, -1);
	struct pcc_meta *m1, *m2 = NULL;
	char path[2 * PATH_MAX];
	struct cfx f;
	int fd;

	cfx_open(&f, "containerd");
	snprintf(path, sizeof(path), "%s/run/containerd/io.containerd.runtime.v2.task/k8s.io/%s/init.pid",
		 f.root, C_APP);
	ck_assert_int_eq(unlink(path), 0);
	m1 = resolve(&f.x, c);
	ck_assert_int_eq(m1->error, 0);		/* no pid yet is no error */
	ck_assert_int_eq(m1->pid, 0);
	ck_assert_int_eq(pcc_meta_resolve(f.x.e, &c, m1, &m2), 0);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	ck_assert_int_eq(write(fd, "777", 3), 3);
	close(fd);
	ck_assert_int_eq(pcc_meta_resolve(f.x.e, &c, m1, &m2), 1);
	ck_assert_int_eq(m2->pid, 777);
	pcc_meta_free(m1);
	pcc_meta_free(m2);
	cfx_close(&f);
}
END_TEST

/* containers.json: one read per version, shared by every podman container. */
START_TEST(podman_shared_file)
{
	const char *ids[] = { P_WEB2, P_DB, P_NOCONF, P_BADMETA };
	struct pcc_meta *m[4], *n = NULL;
	char path[2 * PATH_MAX];
	struct pcc_cid c;
	struct cfx f;
	size_t i;

	cfx_open(&f, "podman");
	for (i = 0; i < 4; i++)
		m[i] = resolve(&f.x, cid_id(PCC_ENGINE_PODMAN, ids[i], -1));
	ck_assert_uint_eq(files_read(&f.x), 1 + 3);	/* containers.json once, 3 specs */
	ck_str_or_null(m[1]->name, "db");

	/* a container comes: the file changes, each re-read costs only its spec */
	snprintf(path, sizeof(path), "%s/var/lib/containers/storage/overlay-containers/containers.json",
		 f.root);
	replace(path, "\"names\":[\"db\"]", "\"names\":[\"db-renamed\"]");
	for (i = 0; i < 4; i++) {
		c = cid_id(PCC_ENGINE_PODMAN, ids[i], -1);
		ck_assert_int_eq(pcc_meta_resolve(f.x.e, &c, m[i], &n), 1);
		pcc_meta_free(m[i]);
		m[i] = n;
	}
	ck_assert_uint_eq(files_read(&f.x), 4 + 1 + 3);
	ck_str_or_null(m[1]->name, "db-renamed");

	/* broken: parsed once, its error on every container */
	ck_assert_int_eq(truncate(path, 100), 0);
	for (i = 0; i < 4; i++) {
		c = cid_id(PCC_ENGINE_PODMAN, ids[i], -1);
		ck_assert_int_eq(pcc_meta_resolve(f.x.e, &c, m[i], &n), 1);
		/* the first problem met: noconf's missing spec comes first */
		ck_assert_int_eq(n->error, i == 2 ? -ENODATA : -EBADMSG);
		ck_assert_ptr_null(n->name);
		pcc_meta_free(m[i]);
		m[i] = n;
	}
	ck_assert_uint_eq(files_read(&f.x), 8 + 1 + 3);
	/* gone */
	ck_assert_int_eq(unlink(path), 0);
	c = cid_id(PCC_ENGINE_PODMAN, P_WEB2, -1);
	ck_assert_int_eq(pcc_meta_resolve(f.x.e, &c, m[0], &n), 1);
	ck_assert_int_eq(n->error, -ENODATA);
	ck_assert_uint_gt(n->nlabels, 0);		/* the spec is still there */
	pcc_meta_free(n);
	for (i = 0; i < 4; i++)
		pcc_meta_free(m[i]);
	cfx_close(&f);
}
END_TEST

/* docker's data-root removed and made again: the kept fd is replaced. */
START_TEST(dir_recreated)
{
	char dir[PATH_MAX + 32], cmd[4 * PATH_MAX], src[PATH_MAX];
	struct pcc_meta *m;
	struct cfx f;

	cfx_open(&f, "docker");
	m = resolve(&f.x, cid_id(PCC_ENGINE_DOCKER, D_WEB1, -1));
	ck_assert_int_eq(m->error, 0);
	pcc_meta_free(m);
	snprintf(dir, sizeof(dir), "%s/var/lib/docker", f.root);
	efx_path("docker/var/lib/docker", src, sizeof(src));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && cp -a '%s' '%s'", dir, src, dir);
	ck_assert_int_eq(system(cmd), 0);
	m = resolve(&f.x, cid_id(PCC_ENGINE_DOCKER, D_CACHE, -1));
	ck_assert_int_eq(m->error, 0);
	ck_str_or_null(m->name, "cache");
	pcc_meta_free(m);

	/* containerd's task directory likewise */
	cfx_close(&f);
	cfx_open(&f, "containerd");
	m = resolve(&f.x, cid_id(PCC_ENGINE_CONTAINERD, C_APP, -1));
	ck_assert_int_eq(m->error, 0);
	pcc_meta_free(m);
	snprintf(dir, sizeof(dir), "%s/run/containerd", f.root);
	efx_path("containerd/run/containerd", src, sizeof(src));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && cp -a '%s' '%s'", dir, src, dir);
	ck_assert_int_eq(system(cmd), 0);
	m = resolve(&f.x, cid_id(PCC_ENGINE_CONTAINERD, C_NERDCTL, -1));
	ck_assert_int_eq(m->error, 0);
	ck_str_or_null(m->name, "nginx-nerd");
	pcc_meta_free(m);
	cfx_close(&f);
}
END_TEST

static int count_fds(void)
{
	char path[64];
	int n = 0;

	for (int fd = 0; fd < 1024; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n += access(path, F_OK) == 0;
	}
	return n;
}

/* Every fd a resolve opens is closed; a freed reader holds none. */
START_TEST(no_fd_leak)
{
	static const char *const trees[] = { "docker", "podman", "containerd", "crio", "lxc", "nspawn" };
	const struct pcc_cid cids[] = {
		cid_id(PCC_ENGINE_DOCKER, D_WEB1, -1), cid_id(PCC_ENGINE_DOCKER, D_TRUNC, -1),
		cid_id(PCC_ENGINE_PODMAN, P_WEB2, -1), cid_id(PCC_ENGINE_PODMAN, P_NOCONF, -1),
		cid_id(PCC_ENGINE_PODMAN, P_ROOTLESS, 12345),
		cid_id(PCC_ENGINE_CONTAINERD, C_APP, -1), cid_id(PCC_ENGINE_CONTAINERD, NOBODY_ID, -1),
		cid_id(PCC_ENGINE_CRIO, R_APP, -1), cid_id(PCC_ENGINE_KUBERNETES, NOBODY_ID, -1),
		cid_name(PCC_ENGINE_LXC, "web3"), cid_name(PCC_ENGINE_NSPAWN, "fedora"),
	};
	struct pcc_meta *m, *n;
	int base = count_fds(), held = 0;
	struct efx x;

	for (size_t t = 0; t < sizeof(trees) / sizeof(trees[0]); t++) {
		efx_open(&x, trees[t]);
		for (size_t i = 0; i < sizeof(cids) / sizeof(cids[0]); i++) {
			m = resolve(&x, cids[i]);
			for (int k = 0; k < 3; k++)
				ck_assert_int_eq(pcc_meta_resolve(x.e, &cids[i], m, &n), 0);
			pcc_meta_free(m);
		}
		held = count_fds() - base;
		ck_assert_int_le(held, 1 + 7);		/* rootfd and the kept directories */
		efx_close(&x);
		ck_assert_int_eq(count_fds(), base);
	}
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("engine_change");
	TCase *tc = tcase_create("copies");

	tcase_add_test(tc, unchanged_then_changed);
	tcase_add_test(tc, broken_read_once);
	tcase_add_test(tc, optional_source_appears);
	tcase_add_test(tc, podman_shared_file);
	tcase_add_test(tc, dir_recreated);
	tcase_add_test(tc, no_fd_leak);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN()
