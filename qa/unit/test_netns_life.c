/*
 * test_netns_life.c - lifecycles of network namespace members on the
 * running kernel: processes that exit before a read, between a refresh and
 * a read, or unread; a shared namespace losing the process it was read
 * through; attaching processes that are gone or zombies; a namespace being
 * let go (its veth disappears from the host once our socket is closed);
 * and 1000 create/destroy cycles with the fd and thread counts stable.
 * The namespaces are netns_fx.h's.
 */
#include <net/if.h>
#include <time.h>

#include "netns.h"
#include "netns_fx.h"

#define CYCLES	1000

static int root = -1;

/* A table with budget b (NULL: none, so no pidfd and no kept file). */
static struct pcc_netns_table *table_with(struct pcc_fdbudget *b)
{
	struct pcc_netns_table *t = NULL;

	if (root < 0)
		root = pcc_sysroot_open("/");
	ck_assert_int_ge(root, 0);
	ck_assert_int_eq(pcc_netns_table_new(root, b, &t), 0);
	return t;
}

static struct pcc_netns_table *table(void)
{
	return table_with(NULL);
}

static int read_all(struct pcc_netns_member *m, const struct pcc_netns_reading **ret)
{
	return pcc_netns_read(m, PCC_NETWANT_ALL, ret);
}

START_TEST(gone_before_read)
{
	const struct pcc_netns_reading *r;
	struct pcc_netns_member *ma, *mb;
	struct pcc_netns_table *t;
	unsigned fds0, fds1;
	pid_t pa, pb;

	FX_SKIP_UNLESS_READY();
	t = table();
	pa = fx_spawn(ns_a, NULL);
	pb = fx_spawn(ns_b, NULL);
	ck_assert_int_eq(pcc_netns_attach(t, pa, &ma), 0);
	fds0 = fx_fds();
	ck_assert_int_eq(pcc_netns_attach(t, pb, &mb), 0);
	fds1 = fx_fds();
	ck_assert_uint_eq(fds1, fds0 + 1);
	ck_assert_int_eq(read_all(mb, &r), 0);
	ck_assert_uint_eq(r->nif, 2);

	fx_reap(pb);
	ck_assert_int_eq(pcc_netns_table_refresh(t), 0);
	ck_assert_int_eq(read_all(mb, &r), -ENOENT);
	ck_assert_uint_eq(fx_fds(), fds0);		/* b's socket is closed */
	ck_assert_uint_eq(t->nns, 1);
	ck_assert_int_eq(read_all(mb, &r), -ENOENT);	/* and stays gone */
	ck_assert_int_eq(read_all(ma, &r), 0);		/* a is untouched */
	ck_assert_uint_eq(r->nif, 5);
	pcc_netns_detach(mb);
	pcc_netns_detach(ma);
	ck_assert_uint_eq(t->nns, 0);
	pcc_netns_table_free(t);
	fx_reap(pa);
}
END_TEST

START_TEST(gone_unread)
{
	const struct pcc_netns_reading *r;
	struct pcc_netns_member *m;
	struct pcc_netns_table *t;
	unsigned fds0;
	pid_t pid;

	FX_SKIP_UNLESS_READY();
	t = table();
	pid = fx_spawn(ns_b, NULL);
	fds0 = fx_fds();
	ck_assert_int_eq(pcc_netns_attach(t, pid, &m), 0);
	ck_assert_uint_eq(fx_fds(), fds0 + 1);
	fx_reap(pid);
	/* attached in the round that ends: the sweep waits one more round */
	ck_assert_int_eq(pcc_netns_table_refresh(t), 0);
	ck_assert_int_eq(pcc_netns_table_refresh(t), 1);
	ck_assert_uint_eq(fx_fds(), fds0);
	ck_assert_int_eq(pcc_netns_table_refresh(t), 0);	/* counted once */
	ck_assert_int_eq(read_all(m, &r), -ENOENT);
	pcc_netns_detach(m);
	pcc_netns_table_free(t);
}
END_TEST

START_TEST(exit_between_refresh_and_read)
{
	const struct pcc_netns_reading *r;
	struct pcc_netns_member *mx, *my;
	struct pcc_netns_table *t;
	pid_t px, py;

	FX_SKIP_UNLESS_READY();
	t = table();
	px = fx_spawn(ns_b, NULL);
	py = fx_spawn(ns_a, NULL);
	ck_assert_int_eq(pcc_netns_attach(t, px, &mx), 0);
	ck_assert_int_eq(pcc_netns_attach(t, py, &my), 0);
	ck_assert_int_eq(pcc_netns_table_refresh(t), 0);
	fx_reap(px);
	ck_assert_int_eq(read_all(my, &r), 0);
	ck_assert_uint_eq(r->have, PCC_NETWANT_COUNTERS);
	ck_assert_int_eq(read_all(mx, &r), -ENOENT);
	ck_assert_uint_eq(t->nns, 1);
	pcc_netns_detach(mx);
	pcc_netns_detach(my);
	pcc_netns_table_free(t);
	fx_reap(py);
}
END_TEST

/*
 * The same with the exits watched (a budget: pidfds in an epoll set): an
 * exit before the round's first read is seen by that read, for every
 * member; one after it is seen in the next round, and the fds go with it.
 */
START_TEST(watched_exits)
{
	struct pcc_fdbudget b = { .max = 64, .held = 0 };
	const struct pcc_netns_reading *r;
	struct pcc_netns_member *mx, *my, *mz;
	struct pcc_netns_table *t;
	pid_t px, py, pz;
	unsigned held;

	FX_SKIP_UNLESS_READY();
	if (!fx_have_pidfd())
		return;		/* no pidfds here (valgrind): the kill(pid, 0) cases cover it */
	t = table_with(&b);
	px = fx_spawn(ns_b, NULL);
	py = fx_spawn(ns_a, NULL);
	pz = fx_spawn(ns_a, NULL);
	ck_assert_int_eq(pcc_netns_attach(t, px, &mx), 0);
	ck_assert_int_eq(pcc_netns_attach(t, py, &my), 0);
	ck_assert_int_eq(pcc_netns_attach(t, pz, &mz), PCC_NETNS_SHARED);
	ck_assert_int_ge(mx->pidfd, 0);
	ck_assert_int_ge(my->pidfd, 0);
	/* past their first checks, which each look at the namespace (and so see any exit) */
	mx->fresh = my->fresh = mz->fresh = 0;
	ck_assert_int_eq(pcc_netns_table_refresh(t), 0);
	fx_reap(px);
	ck_assert_int_eq(read_all(my, &r), PCC_NETNS_SHARED);	/* polls: x is gone */
	ck_assert_int_eq(read_all(mx, &r), -ENOENT);
	ck_assert_int_eq(mx->pidfd, -1);
	ck_assert_uint_eq(t->nns, 1);
	held = b.held;
	fx_reap(pz);
	ck_assert_int_eq(read_all(mz, &r), PCC_NETNS_SHARED);	/* after the round's poll */
	ck_assert_int_eq(pcc_netns_table_refresh(t), 0);
	ck_assert_int_eq(read_all(my, &r), 0);		/* the next round's poll: z is gone */
	ck_assert_int_eq(read_all(mz, &r), -ENOENT);
	ck_assert_uint_eq(b.held, held - 1);
	ck_assert_uint_eq(t->nns, 1);
	pcc_netns_detach(mx);
	pcc_netns_detach(mz);
	pcc_netns_detach(my);
	ck_assert_uint_eq(t->nns, 0);
	pcc_netns_table_free(t);
	ck_assert_uint_eq(b.held, 0);
	fx_reap(py);
}
END_TEST

/*
 * When the budget's plan says the cgroup files are short of fds (tight),
 * the next refresh gives back the pidfds and the kept /proc/PID/net files;
 * the sockets stay, the members still read and still see exits (kill), and
 * no new pidfd or kept file is taken until it is no longer tight.
 */
START_TEST(tight_budget_gives_back)
{
	struct pcc_fdbudget b = { .max = 64, .held = 0 };
	const struct pcc_netns_reading *r;
	struct pcc_netns_member *mx, *my, *mz;
	struct pcc_netns_table *t;
	pid_t px, py, pz;
	unsigned base;

	FX_SKIP_UNLESS_READY();
	if (!fx_have_pidfd())
		return;		/* no pidfds here (valgrind) */
	t = table_with(&b);
	px = fx_spawn(ns_a, NULL);
	py = fx_spawn(ns_b, NULL);
	ck_assert_int_eq(pcc_netns_attach(t, px, &mx), 0);
	ck_assert_int_eq(pcc_netns_attach(t, py, &my), 0);
	ck_assert_int_ge(mx->pidfd, 0);
	ck_assert_int_eq(pcc_netns_table_refresh(t), 0);
	ck_assert_int_eq(read_all(mx, &r), 0);		/* keeps the snmp... files */
	ck_assert_uint_eq(r->have, PCC_NETWANT_COUNTERS);
	/* 2 sockets, epoll, 2 pidfds and the kept counter files */
	ck_assert_uint_gt(b.held, 5);

	b.tight = true;
	ck_assert_int_eq(pcc_netns_table_refresh(t), 0);
	/* the two namespaces' sockets, the host's (peers were looked up), epoll */
	base = 3 + (t->host_sk.sk != NULL);
	ck_assert_uint_eq(b.held, base);
	ck_assert_int_eq(mx->pidfd, -1);
	ck_assert_int_eq(my->pidfd, -1);
	ck_assert_int_eq(read_all(mx, &r), 0);
	ck_assert_uint_eq(r->have, PCC_NETWANT_COUNTERS);	/* opened per read */
	ck_assert_uint_ge(r->nif, 2);
	ck_assert_uint_eq(b.held, base);
	pz = fx_spawn(ns_a, NULL);
	ck_assert_int_eq(pcc_netns_attach(t, pz, &mz), PCC_NETNS_SHARED);
	ck_assert_int_eq(mz->pidfd, -1);		/* none while tight */
	ck_assert_uint_eq(b.held, base);
	fx_reap(py);
	ck_assert_int_ge(pcc_netns_table_refresh(t), 0);
	ck_assert_int_eq(read_all(my, &r), -ENOENT);	/* y's exit, seen by kill */
	ck_assert_uint_eq(b.held, base - 1);		/* its namespace's socket */
	pcc_netns_detach(my);

	pcc_netns_table_free(t);
	ck_assert_uint_eq(b.held, 0);
	fx_reap(px);
	fx_reap(pz);
}
END_TEST

START_TEST(shared_loses_its_reader)
{
	const struct pcc_netns_reading *r;
	struct pcc_netns_member *m1, *m2;
	struct pcc_netns_table *t;
	pid_t p1, p2;

	FX_SKIP_UNLESS_READY();
	t = table();
	p1 = fx_spawn(ns_a, NULL);
	p2 = fx_spawn(ns_a, NULL);
	ck_assert_int_eq(pcc_netns_attach(t, p1, &m1), 0);
	ck_assert_int_eq(pcc_netns_attach(t, p2, &m2), PCC_NETNS_SHARED);
	ck_assert_int_eq(t->ns[0]->pid, p1);		/* /proc/PID/net is read through p1 */
	fx_reap(p1);
	ck_assert_int_eq(pcc_netns_table_refresh(t), 0);
	ck_assert_int_eq(read_all(m1, &r), -ENOENT);
	ck_assert_int_eq(t->ns[0]->pid, p2);
	/* no fd is kept without a budget: the files are opened through p2 now */
	ck_assert_int_eq(read_all(m2, &r), 0);
	ck_assert_uint_eq(r->members, 1);
	ck_assert_uint_eq(r->have, PCC_NETWANT_COUNTERS);
	ck_assert_uint_eq(r->nif, 5);
	pcc_netns_detach(m1);
	pcc_netns_detach(m2);
	pcc_netns_table_free(t);
	fx_reap(p2);
}
END_TEST

START_TEST(attach_errors)
{
	const struct pcc_netns_reading *r;
	struct pcc_netns_member *m = NULL;
	struct pcc_netns_table *t;
	pid_t pid;

	FX_SKIP_UNLESS_READY();
	t = table();
	/* reaped */
	pid = fx_spawn(ns_a, NULL);
	fx_reap(pid);
	ck_assert_int_eq(pcc_netns_attach(t, pid, &m), -ENOENT);
	ck_assert_ptr_null(m);
	/* a zombie has left its namespaces */
	pid = fx_spawn(ns_a, NULL);
	kill(pid, SIGKILL);
	for (int i = 0; i < 200 && pcc_netns_attach(t, pid, &m) != -ENOENT; i++) {
		pcc_netns_detach(m);
		m = NULL;
		usleep(5000);
	}
	ck_assert_ptr_null(m);
	waitpid(pid, NULL, 0);
	ck_assert_int_eq(pcc_netns_attach(t, 0, &m), -EINVAL);
	ck_assert_int_eq(pcc_netns_attach(t, -1, &m), -EINVAL);
	ck_assert_int_eq(pcc_netns_attach(NULL, 1, &m), -EINVAL);
	ck_assert_int_eq(pcc_netns_attach(t, 1, NULL), -EINVAL);
	ck_assert_int_eq(pcc_netns_read(NULL, PCC_NETWANT_ALL, &r), -EINVAL);
	ck_assert_int_eq(pcc_netns_table_refresh(NULL), -EINVAL);
	ck_assert_int_eq(pcc_netns_table_new(-1, NULL, &t), -EINVAL);
	ck_assert_ptr_null(m);
	pcc_netns_detach(NULL);
	pcc_netns_table_free(NULL);
	ck_assert_uint_eq(t->nns, 0);
	pcc_netns_table_free(t);
}
END_TEST

/* Ready in our namespace; into one of its own when a byte comes on go[0]. */
static int go[2] = { -1, -1 };

static void unshare_on_go(int ready)
{
	char c;

	if (write(ready, "r", 1) != 1 || read(go[0], &c, 1) != 1)
		_exit(22);
	if (unshare(CLONE_NEWNET) < 0)
		_exit(23);
}

static ino_t ns_ino(pid_t pid)
{
	char path[48];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	return stat(path, &st) == 0 ? st.st_ino : 0;
}

/*
 * A process attached while still in the host's namespace, which then
 * unshares its own (a runtime joins the container's cgroups first): the
 * member's next checks look at its namespace each time, so the read says
 * it moved (-ENOENT) and attaching again finds its own namespace, rather
 * than reading it as the host's for another VERIFY_CHECKS (or, with a
 * pidfd, VERIFY_PIDFD) rounds.
 */
START_TEST(host_member_moves)
{
	struct pcc_fdbudget b = { .max = 64, .held = 0 };
	const struct pcc_netns_reading *r;
	struct pcc_netns_member *m;
	struct pcc_netns_table *t;
	ino_t host;
	pid_t pid;
	int i, rc;

	FX_SKIP_UNLESS_READY();
	t = table_with(&b);	/* a budget: a pidfd, the longer interval */
	ck_assert_int_eq(pipe2(go, O_CLOEXEC), 0);
	pid = fx_spawn(NULL, unshare_on_go);
	host = ns_ino(pid);
	ck_assert_int_eq(pcc_netns_attach(t, pid, &m), PCC_NETNS_HOST);
	if (fx_have_pidfd())	/* not under valgrind: kill(pid, 0) then, VERIFY_CHECKS */
		ck_assert_int_ge(m->pidfd, 0);
	ck_assert_int_eq(pcc_netns_table_refresh(t), 0);
	ck_assert_int_eq(read_all(m, &r), PCC_NETNS_HOST);	/* still the host's */

	ck_assert_int_eq(write(go[1], "g", 1), 1);
	for (i = 0; i < 400 && ns_ino(pid) == host; i++)
		usleep(5000);
	ck_assert_uint_ne(ns_ino(pid), host);
	ck_assert_int_eq(pcc_netns_table_refresh(t), 0);
	ck_assert_int_eq(read_all(m, &r), -ENOENT);
	pcc_netns_detach(m);
	rc = pcc_netns_attach(t, pid, &m);
	ck_assert_int_ge(rc, 0);
	ck_assert(!(rc & PCC_NETNS_HOST));
	ck_assert_int_eq(read_all(m, &r), rc);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->nif, 1);		/* lo, its own */
	pcc_netns_detach(m);
	pcc_netns_table_free(t);
	close(go[0]);
	close(go[1]);
	fx_reap(pid);
}
END_TEST

/* In a namespace of its own, made by unshare: nothing else holds it. */
static void private_ns(int ready)
{
	if (unshare(CLONE_NEWNET) < 0)
		_exit(20);
	if (write(ready, "r", 1) != 1)
		_exit(21);
}

/*
 * Our socket holds the namespace (and so its veth, whose host end would go
 * with it) only while a member is in it: once the process is gone and its
 * read has said so, the kernel tears the namespace down.
 */
START_TEST(namespace_let_go)
{
	const struct pcc_netns_reading *r;
	struct pcc_netns_member *m;
	struct pcc_netns_table *t;
	char veth[16];
	pid_t pid;
	int i;

	FX_SKIP_UNLESS_READY();
	t = table();
	snprintf(veth, sizeof(veth), "pcu%dp", (int)getpid());
	pid = fx_spawn(NULL, private_ns);
	if (sh("ip link add name %s type veth peer name inner netns %d", veth, (int)pid) != 0) {
		fx_reap(pid);
		pcc_netns_table_free(t);
		ck_abort_msg("cannot make a veth into a private namespace");
	}
	ck_assert_int_eq(pcc_netns_attach(t, pid, &m), 0);
	ck_assert_int_eq(read_all(m, &r), 0);
	ck_assert_str_eq(r->ifs[r->nif - 1].name, "inner");
	ck_assert_str_eq(r->ifs[r->nif - 1].peer, veth);
	fx_reap(pid);
	ck_assert_int_eq(pcc_netns_table_refresh(t), 0);
	ck_assert_int_eq(read_all(m, &r), -ENOENT);
	for (i = 0; i < 400 && if_nametoindex(veth) != 0; i++)
		usleep(10 * 1000);
	sh("ip link del %s", veth);
	ck_assert_msg(i < 400, "%s still there 4 s after its namespace was let go", veth);
	pcc_netns_detach(m);
	pcc_netns_table_free(t);
}
END_TEST

/*
 * Create and destroy, CYCLES times, in every order the PMDA can meet:
 * read then gone; gone before the read; gone found by a refresh; detached
 * while alive; two members sharing.  fds and threads end where they began.
 */
START_TEST(cycles)
{
	const struct pcc_netns_reading *r;
	struct pcc_netns_member *m, *m2;
	struct pcc_netns_table *t;
	unsigned fds0, threads0;
	pid_t pid, pid2;
	int i;

	FX_SKIP_UNLESS_READY();
	t = table();
	fds0 = fx_fds();
	threads0 = fx_threads();
	for (i = 0; i < CYCLES; i++) {
		pid = fx_spawn(i % 2 ? ns_a : ns_b, NULL);
		ck_assert_int_ge(pcc_netns_attach(t, pid, &m), 0);
		switch (i % 5) {
		case 0:		/* read, gone, read */
			ck_assert_int_ge(read_all(m, &r), 0);
			fx_reap(pid);
			pcc_netns_table_refresh(t);
			ck_assert_int_eq(read_all(m, &r), -ENOENT);
			break;
		case 1:		/* gone before any read */
			fx_reap(pid);
			pcc_netns_table_refresh(t);
			ck_assert_int_eq(read_all(m, &r), -ENOENT);
			break;
		case 2:		/* gone, found by the sweep */
			fx_reap(pid);
			pcc_netns_table_refresh(t);
			pcc_netns_table_refresh(t);
			ck_assert_uint_eq(t->nns, 0);
			break;
		case 3:		/* detached while alive */
			ck_assert_int_ge(read_all(m, &r), 0);
			pcc_netns_detach(m);
			m = NULL;
			fx_reap(pid);
			break;
		case 4:		/* shared, the first goes */
			pid2 = fx_spawn(i % 2 ? ns_a : ns_b, NULL);
			ck_assert_int_eq(pcc_netns_attach(t, pid2, &m2), PCC_NETNS_SHARED);
			fx_reap(pid);
			pcc_netns_table_refresh(t);
			ck_assert_int_ge(read_all(m2, &r), 0);	/* m not known gone yet */
			ck_assert_int_eq(read_all(m, &r), -ENOENT);
			pcc_netns_detach(m2);
			fx_reap(pid2);
			break;
		}
		pcc_netns_detach(m);
		ck_assert_uint_eq(t->nns, 0);
	}
	/* + the host socket, made in the first cycle to name peers */
	ck_assert_uint_le(fx_fds(), fds0 + 1);
	ck_assert_uint_eq(fx_threads(), threads0);
	pcc_netns_table_free(t);
	ck_assert_uint_eq(fx_fds(), fds0 - 1);		/* and the host's namespace fd */
}
END_TEST

START_TEST(free_with_members)
{
	const struct pcc_netns_reading *r;
	struct pcc_netns_member *m[3];
	struct pcc_netns_table *t;
	pid_t p[3];

	FX_SKIP_UNLESS_READY();
	t = table();
	p[0] = fx_spawn(ns_a, NULL);
	p[1] = fx_spawn(ns_a, NULL);
	p[2] = fx_spawn(NULL, NULL);
	for (int i = 0; i < 3; i++)
		ck_assert_int_ge(pcc_netns_attach(t, p[i], &m[i]), 0);
	ck_assert_int_ge(read_all(m[0], &r), 0);
	pcc_netns_table_free(t);	/* valgrind: nothing leaks */
	for (int i = 0; i < 3; i++)
		fx_reap(p[i]);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("netns_life");
	TCase *tc = tcase_create("kernel");

	tcase_add_unchecked_fixture(tc, fx_setup, fx_teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, gone_before_read);
	tcase_add_test(tc, gone_unread);
	tcase_add_test(tc, exit_between_refresh_and_read);
	tcase_add_test(tc, watched_exits);
	tcase_add_test(tc, tight_budget_gives_back);
	tcase_add_test(tc, shared_loses_its_reader);
	tcase_add_test(tc, attach_errors);
	tcase_add_test(tc, host_member_moves);
	tcase_add_test(tc, namespace_let_go);
	tcase_add_test(tc, cycles);
	tcase_add_test(tc, free_with_members);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN()
