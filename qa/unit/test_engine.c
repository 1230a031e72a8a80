/*
 * test_engine.c - engine metadata from each engine's on-disk state, over
 * the fixture trees in qa/fixtures/engines: every engine gives the right
 * name, image, pod, namespace, container type, state, times, pid and
 * labels; the kubepods layout finds its runtime; rootless storage is found
 * through PCC_HOME_DIR and through the passwd entry; every PCC_*_DIR
 * override works.  Broken and hostile files are in test_engine_hostile.c.
 */
#include <pwd.h>
#include <sys/stat.h>

#include "engine_fx.h"

START_TEST(docker_running)
{
	struct pcc_meta *m;
	struct efx x;

	efx_open(&x, "docker");
	m = resolve(&x, cid_id(PCC_ENGINE_DOCKER, D_WEB1, -1));
	ck_assert_int_eq(m->error, 0);
	ck_assert_int_eq(m->runtime, PCC_ENGINE_DOCKER);
	ck_str_or_null(m->name, "web1");
	ck_str_or_null(m->image, "nginx:1.25");
	ck_str_or_null(m->pod, NULL);
	ck_str_or_null(m->pod_namespace, NULL);
	ck_str_or_null(m->container_type, NULL);
	ck_assert_int_eq(m->state, PCC_CSTATE_RUNNING);
	ck_str_or_null(m->started, "2024-05-01T10:20:30.123456789Z");
	ck_assert_int_eq(m->started_sec, 1714558830);
	ck_str_or_null(m->created, "2024-05-01T10:20:29.512345678Z");
	ck_assert_int_eq(m->created_sec, 1714558829);
	ck_assert_int_eq(m->pid, 4242);
	ck_assert_uint_eq(m->nlabels, 4);
	ck_assert_str_eq(m->labels[0].key, "com.docker.compose.container-number");
	ck_assert_str_eq(m->labels[3].key, "maintainer");
	ck_str_or_null(pcc_meta_label(m, "com.docker.compose.project"), "shop");
	ck_str_or_null(pcc_meta_label(m, "maintainer"),
		       "NGINX Docker Maintainers <docker-maint@nginx.com>");
	ck_str_or_null(pcc_meta_label(m, "nope"), NULL);
	ck_str_or_null(pcc_meta_label(NULL, "maintainer"), NULL);
	pcc_meta_free(m);
	efx_close(&x);
}
END_TEST

START_TEST(docker_states)
{
	struct pcc_meta *m;
	struct efx x;

	efx_open(&x, "docker");
	m = resolve(&x, cid_id(PCC_ENGINE_DOCKER, D_CACHE, -1));
	ck_assert_int_eq(m->state, PCC_CSTATE_PAUSED);
	ck_assert_int_eq(m->pid, 5151);
	ck_assert_uint_eq(m->nlabels, 0);
	ck_assert_ptr_null(m->labels);
	pcc_meta_free(m);

	/* exited; Labels null; a time with an offset */
	m = resolve(&x, cid_id(PCC_ENGINE_DOCKER, D_JOB, -1));
	ck_assert_int_eq(m->error, 0);
	ck_assert_int_eq(m->state, PCC_CSTATE_EXITED);
	ck_assert_int_eq(m->pid, 0);
	ck_str_or_null(m->started, "2024-05-03T12:00:00.5+02:00");
	ck_assert_int_eq(m->started_sec, 1714730400);
	pcc_meta_free(m);

	/* never started: docker's zero time is no time */
	m = resolve(&x, cid_id(PCC_ENGINE_DOCKER, D_FRESH, -1));
	ck_assert_int_eq(m->error, 0);
	ck_assert_int_eq(m->state, PCC_CSTATE_CREATED);
	ck_str_or_null(m->started, NULL);
	ck_assert_int_eq(m->started_sec, 0);
	ck_str_or_null(m->image, "busybox");
	pcc_meta_free(m);

	ck_assert_str_eq(pcc_cstate_name(PCC_CSTATE_PAUSED), "paused");
	ck_assert_str_eq(pcc_cstate_name(PCC_CSTATE_UNKNOWN), "unknown");
	ck_assert_str_eq(pcc_cstate_name((enum pcc_cstate)99), "unknown");
	efx_close(&x);
}
END_TEST

/* cri-dockerd's pod sandbox: the kubelet's labels give pod and namespace. */
START_TEST(docker_kubelet)
{
	struct pcc_meta *m;
	struct efx x;

	efx_open(&x, "docker");
	m = resolve(&x, cid_id(PCC_ENGINE_DOCKER, D_K8SPOD, -1));
	ck_assert_int_eq(m->error, 0);
	ck_str_or_null(m->name, "k8s_POD_web-0_shop_" POD_UID "_0");
	ck_str_or_null(m->pod, "web-0");
	ck_str_or_null(m->pod_namespace, "shop");
	ck_str_or_null(m->container_type, "sandbox");
	ck_str_or_null(pcc_meta_label(m, "app"), "web");
	pcc_meta_free(m);

	/* the same through the kubepods layout: containerd, CRI-O, then docker */
	m = resolve(&x, cid_id(PCC_ENGINE_KUBERNETES, D_K8SPOD, -1));
	ck_assert_int_eq(m->error, 0);
	ck_assert_int_eq(m->runtime, PCC_ENGINE_DOCKER);
	ck_str_or_null(m->pod, "web-0");
	pcc_meta_free(m);
	efx_close(&x);
}
END_TEST

START_TEST(podman_rootful)
{
	struct pcc_meta *m;
	struct efx x;

	efx_open(&x, "podman");
	m = resolve(&x, cid_id(PCC_ENGINE_PODMAN, P_WEB2, -1));
	ck_assert_int_eq(m->error, 0);
	ck_assert_int_eq(m->runtime, PCC_ENGINE_PODMAN);
	ck_str_or_null(m->name, "web2");
	ck_str_or_null(m->image, "docker.io/library/nginx:latest");
	ck_str_or_null(m->created, "2024-05-01T11:00:00.123456789Z");
	ck_assert_int_eq(m->created_sec, 1714561200);
	ck_assert_int_eq(m->state, PCC_CSTATE_UNKNOWN);
	ck_assert_int_eq(m->pid, 0);
	ck_assert_uint_eq(m->nlabels, 10);
	ck_str_or_null(pcc_meta_label(m, "io.container.manager"), "libpod");
	ck_str_or_null(pcc_meta_label(m, "org.opencontainers.image.version"), "1.27.1");
	pcc_meta_free(m);

	/* no "created": podman's created-at (seconds) instead */
	m = resolve(&x, cid_id(PCC_ENGINE_PODMAN, P_DB, -1));
	ck_assert_int_eq(m->error, 0);
	ck_str_or_null(m->name, "db");
	ck_str_or_null(m->image, "docker.io/library/postgres:16");
	ck_assert_int_eq(m->created_sec, 1714558829);
	ck_str_or_null(m->created, "2024-05-01T10:20:29Z");
	pcc_meta_free(m);
	efx_close(&x);
}
END_TEST

/* Rootless podman and docker: the home through PCC_HOME_DIR/<uid>. */
START_TEST(rootless_home_dir)
{
	char tmp[64], home[PATH_MAX], link[PATH_MAX];
	struct pcc_meta *m;
	struct efx x;
	long uid = (long)geteuid();

	tmp_make(tmp, sizeof(tmp));
	snprintf(home, sizeof(home), "%s/podman-alice", tmp);
	tmp_copy_owned("podman/home/alice", home);
	snprintf(link, sizeof(link), "%s/%ld", tmp, uid);
	ck_assert_int_eq(symlink(home, link), 0);	/* the homes dir is the admin's */
	setenv("PCC_HOME_DIR", tmp, 1);
	efx_open(&x, "podman");
	unsetenv("PCC_HOME_DIR");

	m = resolve(&x, cid_id(PCC_ENGINE_PODMAN, P_ROOTLESS, uid));
	ck_assert_int_eq(m->error, 0);
	ck_str_or_null(m->name, "toolbox");
	ck_str_or_null(m->image, "registry.fedoraproject.org/fedora-toolbox:40");
	ck_str_or_null(pcc_meta_label(m, "com.github.containers.toolbox"), "true");
	pcc_meta_free(m);
	/* the rootful storage does not know it, and the owner's does not know web2 */
	m = resolve(&x, cid_id(PCC_ENGINE_PODMAN, P_ROOTLESS, -1));
	ck_assert_int_eq(m->error, -ENODATA);
	ck_str_or_null(m->name, NULL);
	pcc_meta_free(m);
	m = resolve(&x, cid_id(PCC_ENGINE_PODMAN, P_WEB2, uid));
	ck_assert_int_eq(m->error, -ENODATA);
	pcc_meta_free(m);
	/* a uid without a home */
	m = resolve(&x, cid_id(PCC_ENGINE_PODMAN, P_ROOTLESS, uid + 1));
	ck_assert_int_eq(m->error, -ESRCH);
	ck_assert_int_eq(m->runtime, PCC_ENGINE_PODMAN);
	pcc_meta_free(m);
	efx_close(&x);

	ck_assert_int_eq(unlink(link), 0);
	snprintf(home, sizeof(home), "%s/docker-alice", tmp);
	tmp_copy_owned("docker/home/alice", home);
	ck_assert_int_eq(symlink(home, link), 0);
	setenv("PCC_HOME_DIR", tmp, 1);
	efx_open(&x, "docker");
	unsetenv("PCC_HOME_DIR");
	m = resolve(&x, cid_id(PCC_ENGINE_DOCKER, D_ROOTLESS, uid));
	ck_assert_int_eq(m->error, 0);
	ck_str_or_null(m->name, "rootless-web");
	ck_str_or_null(pcc_meta_label(m, "owner"), "alice");
	ck_assert_int_eq(m->pid, 8181);
	pcc_meta_free(m);
	efx_close(&x);
	tmp_remove(tmp);
}
END_TEST

/* Without PCC_HOME_DIR: the passwd entry's home, below the sysroot. */
START_TEST(rootless_passwd)
{
	char tmp[64], home[PATH_MAX], path[2 * PATH_MAX], cmd[3 * PATH_MAX];
	struct passwd *pw = getpwuid(geteuid());
	struct pcc_meta *m;
	struct efx x;

	if (pw == NULL || pw->pw_dir[0] != '/' || strcmp(pw->pw_dir, "/") == 0)
		return;		/* nothing to test against */
	tmp_make(tmp, sizeof(tmp));
	snprintf(home, sizeof(home), "%s/podman-alice", tmp);
	tmp_copy_owned("podman/home/alice", home);
	snprintf(path, sizeof(path), "%s%s", tmp, pw->pw_dir);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(symlink(home, path), 0);
	unsetenv("PCC_HOME_DIR");
	efx_open_dir(&x, tmp);
	m = resolve(&x, cid_id(PCC_ENGINE_PODMAN, P_ROOTLESS, (long)geteuid()));
	ck_assert_int_eq(m->error, 0);
	ck_str_or_null(m->name, "toolbox");
	pcc_meta_free(m);
	/* the home kept from the lookup goes, then comes back */
	ck_assert_int_eq(unlink(path), 0);
	m = resolve(&x, cid_id(PCC_ENGINE_PODMAN, P_ROOTLESS, (long)geteuid()));
	ck_assert_int_eq(m->error, -ESRCH);
	pcc_meta_free(m);
	ck_assert_int_eq(symlink(home, path), 0);
	m = resolve(&x, cid_id(PCC_ENGINE_PODMAN, P_ROOTLESS, (long)geteuid()));
	ck_assert_int_eq(m->error, 0);
	pcc_meta_free(m);
	efx_close(&x);
	tmp_remove(tmp);
}
END_TEST

START_TEST(containerd_bundles)
{
	struct pcc_meta *m;
	struct efx x;

	efx_open(&x, "containerd");
	m = resolve(&x, cid_id(PCC_ENGINE_CONTAINERD, C_APP, -1));
	ck_assert_int_eq(m->error, 0);
	ck_assert_int_eq(m->runtime, PCC_ENGINE_CONTAINERD);
	ck_str_or_null(m->name, "api");
	ck_str_or_null(m->image, "ghcr.io/example/shop-api:2.3.1");
	ck_str_or_null(m->pod, "web-0");
	ck_str_or_null(m->pod_namespace, "shop");
	ck_str_or_null(m->container_type, "container");
	ck_assert_int_eq(m->pid, 9002);
	ck_str_or_null(pcc_meta_label(m, "io.kubernetes.cri.sandbox-uid"), POD_UID);
	pcc_meta_free(m);

	/* the pause container is named after its pod */
	m = resolve(&x, cid_id(PCC_ENGINE_CONTAINERD, C_SANDBOX, -1));
	ck_assert_int_eq(m->error, 0);
	ck_str_or_null(m->name, "web-0");
	ck_str_or_null(m->container_type, "sandbox");
	ck_str_or_null(m->image, "registry.k8s.io/pause:3.9");
	ck_assert_int_eq(m->pid, 9001);
	pcc_meta_free(m);

	/* nerdctl, in containerd's "default" namespace */
	m = resolve(&x, cid_id(PCC_ENGINE_CONTAINERD, C_NERDCTL, -1));
	ck_assert_int_eq(m->error, 0);
	ck_str_or_null(m->name, "nginx-nerd");
	ck_str_or_null(m->pod, NULL);
	ck_str_or_null(m->container_type, NULL);
	ck_assert_int_eq(m->pid, 9003);
	pcc_meta_free(m);

	m = resolve(&x, cid_id(PCC_ENGINE_CONTAINERD, NOBODY_ID, -1));
	ck_assert_int_eq(m->error, -ENODATA);
	ck_assert_ptr_null(m->name);
	pcc_meta_free(m);
	efx_close(&x);
}
END_TEST

START_TEST(crio_userdata)
{
	struct pcc_meta *m;
	struct efx x;

	efx_open(&x, "crio");
	m = resolve(&x, cid_id(PCC_ENGINE_CRIO, R_APP, -1));
	ck_assert_int_eq(m->error, 0);
	ck_str_or_null(m->name, "postgres");
	ck_str_or_null(m->image, "docker.io/library/postgres:16");
	ck_str_or_null(m->pod, "db-0");
	ck_str_or_null(m->pod_namespace, "data");
	ck_str_or_null(m->container_type, "container");
	ck_str_or_null(m->created, "2024-05-08T10:00:05.5Z");
	ck_assert_int_eq(m->created_sec, 1715162405);
	ck_assert_int_eq(m->pid, 9102);
	ck_str_or_null(pcc_meta_label(m, "app"), "postgres");	/* a pod label */
	pcc_meta_free(m);

	m = resolve(&x, cid_id(PCC_ENGINE_CRIO, R_SANDBOX, -1));
	ck_assert_int_eq(m->error, 0);
	ck_str_or_null(m->name, "db-0");
	ck_str_or_null(m->container_type, "sandbox");
	ck_assert_int_eq(m->pid, 9101);
	pcc_meta_free(m);
	efx_close(&x);
}
END_TEST

/* The kubepods cgroupfs layout: containerd's bundle, else CRI-O's. */
START_TEST(kubepods_runtime)
{
	struct pcc_meta *m;
	struct efx x;

	efx_open(&x, "containerd");
	m = resolve(&x, cid_id(PCC_ENGINE_KUBERNETES, C_APP, -1));
	ck_assert_int_eq(m->error, 0);
	ck_assert_int_eq(m->runtime, PCC_ENGINE_CONTAINERD);
	ck_str_or_null(m->name, "api");
	pcc_meta_free(m);
	m = resolve(&x, cid_id(PCC_ENGINE_KUBERNETES, NOBODY_ID, -1));
	ck_assert_int_eq(m->error, -ENODATA);
	ck_assert_int_eq(m->runtime, PCC_ENGINE_KUBERNETES);
	pcc_meta_free(m);
	efx_close(&x);

	efx_open(&x, "crio");
	m = resolve(&x, cid_id(PCC_ENGINE_KUBERNETES, R_APP, -1));
	ck_assert_int_eq(m->error, 0);
	ck_assert_int_eq(m->runtime, PCC_ENGINE_CRIO);
	ck_str_or_null(m->pod, "db-0");
	pcc_meta_free(m);
	efx_close(&x);
}
END_TEST

START_TEST(lxc_config)
{
	struct pcc_meta *m;
	struct efx x;

	efx_open(&x, "lxc");
	m = resolve(&x, cid_name(PCC_ENGINE_LXC, "web3"));
	ck_assert_int_eq(m->error, 0);
	ck_str_or_null(m->name, "web3");
	ck_assert_uint_eq(m->nlabels, 3);
	ck_str_or_null(pcc_meta_label(m, "lxc.uts.name"), "web3");
	ck_str_or_null(pcc_meta_label(m, "lxc.rootfs.path"), "dir:/var/lib/lxc/web3/rootfs");
	ck_str_or_null(pcc_meta_label(m, "lxc.arch"), "linux64");
	pcc_meta_free(m);

	/* LXC 2 key names, reported under the current ones */
	m = resolve(&x, cid_name(PCC_ENGINE_LXC, "old1"));
	ck_str_or_null(pcc_meta_label(m, "lxc.uts.name"), "old-one");
	ck_str_or_null(pcc_meta_label(m, "lxc.rootfs.path"), "/var/lib/lxc/old1/rootfs");
	pcc_meta_free(m);

	/* LXD/Incus: no config here, the name still */
	m = resolve(&x, cid_name(PCC_ENGINE_LXC, "u1"));
	ck_assert_int_eq(m->error, -ENODATA);
	ck_str_or_null(m->name, "u1");
	ck_assert_uint_eq(m->nlabels, 0);
	pcc_meta_free(m);
	efx_close(&x);
}
END_TEST

START_TEST(nspawn_machines)
{
	struct pcc_meta *m;
	struct efx x;

	efx_open(&x, "nspawn");
	m = resolve(&x, cid_name(PCC_ENGINE_NSPAWN, "debian-box"));
	ck_assert_int_eq(m->error, 0);
	ck_str_or_null(m->name, "debian-box");
	ck_assert_int_eq(m->state, PCC_CSTATE_RUNNING);
	ck_assert_int_eq(m->pid, 31337);
	ck_assert_int_eq(m->started_sec, 1714557600);
	ck_str_or_null(m->started, "2024-05-01T10:00:00.123456Z");
	ck_str_or_null(pcc_meta_label(m, "class"), "container");
	ck_str_or_null(pcc_meta_label(m, "service"), "systemd-nspawn");
	ck_str_or_null(pcc_meta_label(m, "root_directory"), "/var/lib/machines/debian-box");
	ck_str_or_null(pcc_meta_label(m, "unit"), "machine-debian-box.scope");
	ck_str_or_null(pcc_meta_label(m, "machine_id"), "6c1e2f1a9d7b4c3e8f0a1b2c3d4e5f60");
	pcc_meta_free(m);

	/* newer systemd quotes values */
	m = resolve(&x, cid_name(PCC_ENGINE_NSPAWN, "fedora"));
	ck_assert_int_eq(m->error, 0);
	ck_str_or_null(pcc_meta_label(m, "root_directory"), "/var/lib/machines/my \"fedora\" tree");
	ck_str_or_null(pcc_meta_label(m, "unit"), "machine-fedora.scope");
	ck_assert_int_eq(m->pid, 4040);
	pcc_meta_free(m);

	/* a libvirt guest is a machine too */
	m = resolve(&x, cid_name(PCC_ENGINE_NSPAWN, "qemu-1-win11"));
	ck_str_or_null(pcc_meta_label(m, "class"), "vm");
	ck_str_or_null(pcc_meta_label(m, "root_directory"), "");
	pcc_meta_free(m);

	m = resolve(&x, cid_name(PCC_ENGINE_NSPAWN, "gone"));
	ck_assert_int_eq(m->error, -ENODATA);
	ck_str_or_null(m->name, "gone");
	ck_assert_int_eq(m->state, PCC_CSTATE_UNKNOWN);
	pcc_meta_free(m);
	efx_close(&x);
}
END_TEST

/* Every PCC_*_DIR names its directory outside the sysroot. */
START_TEST(env_overrides)
{
	static const struct {
		const char *var, *tree, *sub;
		struct pcc_cid cid;
		const char *name;
	} t[] = {
		{ "PCC_DOCKER_DIR", "docker", "var/lib/docker", { PCC_ENGINE_DOCKER, D_WEB1, "", "", -1 }, "web1" },
		{ "PCC_PODMAN_DIR", "podman", "var/lib/containers/storage", { PCC_ENGINE_PODMAN, P_WEB2, "", "", -1 }, "web2" },
		{ "PCC_CONTAINERD_DIR", "containerd", "run/containerd", { PCC_ENGINE_CONTAINERD, C_APP, "", "", -1 }, "api" },
		{ "PCC_CRIO_DIR", "crio", "run/containers/storage", { PCC_ENGINE_CRIO, R_APP, "", "", -1 }, "postgres" },
		{ "PCC_LXC_DIR", "lxc", "var/lib/lxc", { PCC_ENGINE_LXC, "", "web3", "", -1 }, "web3" },
		{ "PCC_MACHINES_DIR", "nspawn", "run/systemd/machines", { PCC_ENGINE_NSPAWN, "", "fedora", "", -1 }, "fedora" },
	};
	char dir[PATH_MAX], sub[2 * PATH_MAX], tmp[64];
	struct pcc_meta *m;
	struct efx x;

	tmp_make(tmp, sizeof(tmp));	/* an empty sysroot */
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		efx_path(t[i].tree, dir, sizeof(dir));
		snprintf(sub, sizeof(sub), "%s/%s", dir, t[i].sub);
		efx_open_dir(&x, tmp);
		m = resolve(&x, t[i].cid);
		ck_assert_int_eq(m->error, -ENODATA);	/* nothing in the sysroot */
		pcc_meta_free(m);
		efx_close(&x);

		setenv(t[i].var, sub, 1);
		efx_open_dir(&x, tmp);
		unsetenv(t[i].var);
		m = resolve(&x, t[i].cid);
		ck_assert_msg(m->error == 0, "%s: error %d", t[i].var, m->error);
		ck_str_or_null(m->name, t[i].name);
		pcc_meta_free(m);
		efx_close(&x);
	}
	/* set but empty: the default */
	setenv("PCC_DOCKER_DIR", "", 1);
	efx_open(&x, "docker");
	unsetenv("PCC_DOCKER_DIR");
	m = resolve(&x, cid_id(PCC_ENGINE_DOCKER, D_WEB1, -1));
	ck_assert_int_eq(m->error, 0);
	pcc_meta_free(m);
	efx_close(&x);
	tmp_remove(tmp);
}
END_TEST

START_TEST(api_arguments)
{
	struct pcc_cid c = cid_id(PCC_ENGINE_DOCKER, D_WEB1, -1);
	struct pcc_meta *m = (struct pcc_meta *)&c;	/* must stay untouched */
	struct pcc_engines *e = (struct pcc_engines *)&c;
	struct pcc_engines_stats st;
	struct efx x;

	ck_assert_int_eq(pcc_engines_new(-1, &e), -EINVAL);
	ck_assert_ptr_eq(e, (struct pcc_engines *)&c);
	ck_assert_int_eq(pcc_engines_new(0, NULL), -EINVAL);
	efx_open(&x, "docker");
	ck_assert_int_eq(pcc_meta_resolve(NULL, &c, NULL, &m), -EINVAL);
	ck_assert_int_eq(pcc_meta_resolve(x.e, NULL, NULL, &m), -EINVAL);
	ck_assert_int_eq(pcc_meta_resolve(x.e, &c, NULL, NULL), -EINVAL);
	c.engine = PCC_ENGINE_NONE;
	ck_assert_int_eq(pcc_meta_resolve(x.e, &c, NULL, &m), -EINVAL);
	c.engine = PCC_NENGINE;
	ck_assert_int_eq(pcc_meta_resolve(x.e, &c, NULL, &m), -EINVAL);
	ck_assert_ptr_eq(m, (struct pcc_meta *)&c);
	pcc_engines_get_stats(x.e, &st);
	ck_assert_uint_eq(st.resolves, 0);
	pcc_meta_free(NULL);
	pcc_engines_free(NULL);
	efx_close(&x);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("fixtures");

	tcase_add_test(tc, docker_running);
	tcase_add_test(tc, docker_states);
	tcase_add_test(tc, docker_kubelet);
	tcase_add_test(tc, podman_rootful);
	tcase_add_test(tc, rootless_home_dir);
	tcase_add_test(tc, rootless_passwd);
	tcase_add_test(tc, containerd_bundles);
	tcase_add_test(tc, crio_userdata);
	tcase_add_test(tc, kubepods_runtime);
	tcase_add_test(tc, lxc_config);
	tcase_add_test(tc, nspawn_machines);
	tcase_add_test(tc, env_overrides);
	tcase_add_test(tc, api_arguments);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN()
