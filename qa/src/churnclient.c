/*
 * churnclient.c - QA helper for qa/lab/churn.sh: one pmcd client that
 * fetches container.info.name, container.info.cgroup, container.pids.current,
 * container.cpu.usage and container.net.in.bytes at a fixed rate while
 * containers come and go, and checks every answer for misattribution.
 *
 * The churn driver names its containers so that each one says what it must
 * report: a cgroup leaf holding the run marker M is
 *	lxc.payload.<T>ch<M>_<seq>_k<K>[_n]
 *	machine-<T>ch<M>_<seq>_k<K>[_n].scope
 *	<M><4 hex seq><50 hex><N><K>		(docker/<id>, N 1 if own netns)
 * with K tasks in the cgroup once it is complete, and "_n" (N=1) when it has
 * its own network namespace.  The driver creates the file READYDIR/<key>
 * (key: the name, or the id) once all K tasks are in, and removes it before
 * it kills them.
 *
 * Checks, per fetch:
 *  - an instance number keeps the name it was first seen with (any
 *    container); a name keeps its number; no name twice in one fetch
 *  - an instance number keeps its cgroup path (ours; for other containers a
 *    new path under the same name is counted as "recreated", not an error)
 *  - ours: the instance name is the one its cgroup path gives
 *  - ours: pids.current is exactly K when the key was ready both before and
 *    after the fetch, and at most K otherwise
 *  - ours: cpu.usage of an instance never goes backwards
 *  - an interface instance "<ctr>::<if>" of ours belongs to a container
 *    with its own namespace
 * Every 50 fetches the container indom (pmGetInDom) must agree with the
 * names fetched.
 *
 * usage: churnclient [-z HZ] [-t SECONDS] [-v MAXREPORT] [-p PIDSMOUNT] MARKER READYDIR
 * pmcd is PCP_HOST's (local: if unset).
 * With -p (the mount point of the hierarchy that has pids.current), a
 * pids.current violation also says what the kernel says right after.
 * Prints one line "fetches F errors E instances I ours O exact X
 * bounded B net N recreated R violations V" and exits 1 if V > 0; each
 * violation (the first MAXREPORT, default 20) is reported on stderr.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pcp/pmapi.h>

enum { M_NAME, M_CGROUP, M_PIDS, M_CPU, M_NETIN, NMETRICS };
static const char *metrics[NMETRICS] = {
	"container.info.name", "container.info.cgroup", "container.pids.current",
	"container.cpu.usage", "container.net.in.bytes",
};

/* ------------------------------------------------------------ a small hash map */
/* string or int keys -> one record; chained, never shrinks (a run is bounded) */
struct rec {
	struct rec *next;
	int inst;		/* int key */
	char *key;		/* string key (NULL for int maps) */
	char *name, *path;	/* first seen */
	int other;		/* name map: the instance; ready set: generation */
	uint64_t cpu;		/* last cpu.usage (ours) */
	int have_cpu;
	unsigned long gen;	/* fetch that last filled the row fields */
	const char *fname, *fpath;	/* this fetch's values (borrowed from pmResult) */
	int fpids_ok, fcpu_ok;
	uint64_t fpids, fcpu;
};

struct map {
	struct rec **b;
	size_t nb, n;
};

static unsigned long hash_str(const char *s)
{
	unsigned long h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static struct rec **slot(struct map *m, int inst, const char *key)
{
	unsigned long h = key ? hash_str(key) : (unsigned long)inst * 2654435761u;
	struct rec **p;

	if (m->b == NULL) {
		m->nb = 4096;
		if ((m->b = calloc(m->nb, sizeof(*m->b))) == NULL)
			abort();
	}
	for (p = &m->b[h % m->nb]; *p; p = &(*p)->next)
		if (key ? strcmp((*p)->key, key) == 0 : (*p)->inst == inst)
			break;
	return p;
}

static struct rec *get(struct map *m, int inst, const char *key, int create)
{
	struct rec **p = slot(m, inst, key), *r;

	if (*p || !create)
		return *p;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		abort();
	r->inst = inst;
	if (key && (r->key = strdup(key)) == NULL)
		abort();
	*p = r;
	m->n++;
	return r;
}

/* ------------------------------------------------------------ state */
static const char *marker;
static const char *readydir;
static const char *pidsmount;	/* -p: to read pids.current ourselves */
static int maxreport = 20;
static unsigned long nfetch, nerr, nours, nexact, nbounded, nnet, nrecreated, nviol;
static struct map byinst;	/* container inst -> first name/path, cpu */
static struct map byname;	/* name -> inst */
static struct map ready[2];	/* keys ready before / after the fetch */
static struct map netnames;	/* interface inst -> name (looked up once) */
static pmInDom ctr_indom, net_indom;

static void violation(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void violation(const char *fmt, ...)
{
	va_list ap;

	if ((long)nviol++ >= maxreport)
		return;
	fprintf(stderr, "churnclient[%d] fetch %lu: ", (int)getpid(), nfetch);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Read READYDIR into m (generation gen marks present keys). */
static void read_ready(struct map *m, int gen)
{
	struct dirent *de;
	DIR *d = opendir(readydir);

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			get(m, 0, de->d_name, 1)->other = gen;
	closedir(d);
}

/* The kernel's pids.current of cgroup path now, -1 if unknown. */
static long long kernel_pids(const char *path)
{
	char file[4096];
	long long v = -1;
	FILE *f;

	if (pidsmount == NULL)
		return -1;
	snprintf(file, sizeof(file), "%s%s/pids.current", pidsmount, path);
	if ((f = fopen(file, "r")) == NULL)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* Is the ready file of key there now? */
static int ready_now(const char *key)
{
	char file[4096];

	snprintf(file, sizeof(file), "%s/%s", readydir, key);
	return access(file, F_OK) == 0;
}

static int is_ready(const char *key, int gen)
{
	struct rec *a = get(&ready[0], 0, key, 0), *b = get(&ready[1], 0, key, 0);

	return a && b && a->other == gen && b->other == gen;
}

/*
 * What a cgroup path of ours must report: 1 and the key, expected instance
 * name, task count and netns flag, or 0 if the path is not ours.
 */
static int ours(const char *path, char *key, size_t keylen, char *inst, size_t instlen,
		int *ret_k, int *ret_net)
{
	const char *leaf = strrchr(path, '/');
	size_t n, ml = strlen(marker);
	const char *p;
	char *end;

	if (leaf == NULL || strstr(leaf, marker) == NULL)
		return 0;
	leaf++;
	n = strlen(leaf);
	if (n == 64 && strncmp(leaf, marker, ml) == 0 && strspn(leaf, "0123456789abcdef") == 64) {
		snprintf(key, keylen, "%s", leaf);
		snprintf(inst, instlen, "%.12s", leaf);
		*ret_k = leaf[63] <= '9' ? leaf[63] - '0' : leaf[63] - 'a' + 10;
		*ret_net = leaf[62] == '1';
		return 1;
	}
	if (strncmp(leaf, "lxc.payload.", 12) == 0)
		snprintf(key, keylen, "%s", leaf + 12);
	else if (strncmp(leaf, "machine-", 8) == 0 && n > 14 && strcmp(leaf + n - 6, ".scope") == 0)
		snprintf(key, keylen, "%.*s", (int)(n - 14), leaf + 8);
	else
		return 0;
	snprintf(inst, instlen, "%s", key);
	if ((p = strstr(key, "_k")) == NULL)
		return 0;
	*ret_k = (int)strtol(p + 2, &end, 10);
	*ret_net = strcmp(end, "_n") == 0;
	return 1;
}

/* One container instance of this fetch, all its values collected. */
static void check_container(struct rec *f)
{
	char key[256], want[256];
	struct rec *r, *nm;
	int k, net;

	if (f->fname == NULL || f->fpath == NULL)
		return;		/* gone mid-fetch: nothing to compare */
	r = get(&byinst, f->inst, NULL, 1);
	if (r->name == NULL) {
		r->name = strdup(f->fname);
		r->path = strdup(f->fpath);
	} else if (strcmp(r->name, f->fname) != 0) {
		violation("instance %d was \"%s\", now \"%s\"", f->inst, r->name, f->fname);
	} else if (strcmp(r->path, f->fpath) != 0) {
		if (ours(r->path, key, sizeof(key), want, sizeof(want), &k, &net))
			violation("instance %d \"%s\" was cgroup %s, now %s", f->inst,
				  f->fname, r->path, f->fpath);
		else
			nrecreated++;
		free(r->path);
		r->path = strdup(f->fpath);
		r->have_cpu = 0;
	}
	nm = get(&byname, 0, f->fname, 1);
	if (nm->gen == nfetch)
		violation("instance name \"%s\" twice: %d and %d", f->fname, nm->other, f->inst);
	else if (nm->gen != 0 && nm->other != f->inst)
		violation("instance name \"%s\" was number %d, now %d", f->fname, nm->other, f->inst);
	nm->other = f->inst;
	nm->gen = nfetch;

	if (!ours(f->fpath, key, sizeof(key), want, sizeof(want), &k, &net))
		return;
	nours++;
	if (strcmp(want, f->fname) != 0)
		violation("cgroup %s reported as instance %d \"%s\", expected \"%s\"",
			  f->fpath, f->inst, f->fname, want);
	if (f->fpids_ok) {
		if (is_ready(key, (int)nfetch)) {
			nexact++;
			if (f->fpids != (uint64_t)k)
				violation("\"%s\" (complete): pids.current %llu, has %d tasks "
					  "(kernel now %lld, ready file %s)", f->fname,
					  (unsigned long long)f->fpids, k, kernel_pids(f->fpath),
					  ready_now(key) ? "there" : "gone");
		} else {
			nbounded++;
			if (f->fpids > (uint64_t)k)
				violation("\"%s\" (starting or stopping): pids.current %llu > %d tasks",
					  f->fname, (unsigned long long)f->fpids, k);
		}
	}
	if (f->fcpu_ok) {
		if (r->have_cpu && f->fcpu < r->cpu)
			violation("\"%s\": cpu.usage went back from %llu to %llu", f->fname,
				  (unsigned long long)r->cpu, (unsigned long long)f->fcpu);
		r->cpu = f->fcpu;
		r->have_cpu = 1;
	}
}

/* An interface instance: "<ctr>::<if>", looked up once by number. */
static void check_netif(int inst)
{
	struct rec *r = get(&netnames, inst, NULL, 1);
	char key[256], want[256];
	const char *sep;
	struct rec *nm;
	int k, net;

	if (r->name == NULL) {
		char *name = NULL;

		if (pmNameInDom(net_indom, inst, &name) < 0)
			return;		/* gone already: ask again if seen again */
		r->name = name;
	}
	if ((sep = strstr(r->name, "::")) == NULL) {
		violation("interface instance %d \"%s\" has no \"::\"", inst, r->name);
		return;
	}
	snprintf(key, sizeof(key), "%.*s", (int)(sep - r->name), r->name);
	if ((nm = get(&byname, 0, key, 0)) == NULL)
		return;
	r = get(&byinst, nm->other, NULL, 0);
	if (r == NULL || !ours(r->path, key, sizeof(key), want, sizeof(want), &k, &net))
		return;
	nnet++;
	if (!net)
		violation("interface instance %d of \"%s\", which has no namespace of its own",
			  inst, want);
}

static void process(pmResult *res)
{
	static struct map rows;
	struct rec *f, **list = NULL;
	size_t nlist = 0, cap = 0, i;
	int m, j;

	for (m = 0; m < NMETRICS && m < res->numpmid; m++) {
		pmValueSet *vs = res->vset[m];

		for (j = 0; j < vs->numval; j++) {
			pmValue *v = &vs->vlist[j];
			pmAtomValue a;

			if (m == M_NETIN) {
				check_netif(v->inst);
				continue;
			}
			f = get(&rows, v->inst, NULL, 1);
			if (f->gen != nfetch) {
				f->gen = nfetch;
				f->fname = f->fpath = NULL;
				f->fpids_ok = f->fcpu_ok = 0;
				if (nlist == cap) {
					cap = cap ? 2 * cap : 1024;
					if ((list = realloc(list, cap * sizeof(*list))) == NULL)
						abort();
				}
				list[nlist++] = f;
			}
			switch (m) {
			case M_NAME:
				f->fname = v->value.pval->vbuf;
				break;
			case M_CGROUP:
				f->fpath = v->value.pval->vbuf;
				break;
			case M_PIDS:
			case M_CPU:
				if (pmExtractValue(vs->valfmt, v, PM_TYPE_U64, &a, PM_TYPE_U64) < 0)
					break;
				if (m == M_PIDS) {
					f->fpids = a.ull;
					f->fpids_ok = 1;
				} else {
					f->fcpu = a.ull;
					f->fcpu_ok = 1;
				}
				break;
			}
		}
	}
	for (i = 0; i < nlist; i++)
		check_container(list[i]);
	free(list);
}

/* The indom from pmGetInDom agrees with the names fetched. */
static void check_indom(void)
{
	int *insts = NULL, n, i;
	char **names = NULL;
	struct rec *r;

	if ((n = pmGetInDom(ctr_indom, &insts, &names)) < 0)
		return;
	for (i = 0; i < n; i++) {
		r = get(&byinst, insts[i], NULL, 0);
		if (r != NULL && strcmp(r->name, names[i]) != 0)
			violation("pmGetInDom: instance %d is \"%s\", fetched as \"%s\"",
				  insts[i], names[i], r->name);
	}
	free(insts);
	free(names);
}

static void tick(struct timespec *next, long period_ns)
{
	next->tv_nsec += period_ns;
	while (next->tv_nsec >= 1000000000L) {
		next->tv_nsec -= 1000000000L;
		next->tv_sec++;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, next, NULL) == EINTR)
		;
}

int main(int argc, char **argv)
{
	double hz = 10, secs = 60;
	struct timespec next, now;
	pmID pmids[NMETRICS];
	pmDesc desc;
	const char *host;
	pmResult *res;
	time_t end;
	int c, rc;

	while ((c = getopt(argc, argv, "z:t:v:p:")) != -1) {
		switch (c) {
		case 'p': pidsmount = optarg; break;
		case 'z': hz = atof(optarg); break;
		case 't': secs = atof(optarg); break;
		case 'v': maxreport = atoi(optarg); break;
		default: goto usage;
		}
	}
	if (argc - optind != 2 || hz <= 0 || secs <= 0)
		goto usage;
	marker = argv[optind];
	readydir = argv[optind + 1];
	host = getenv("PCP_HOST");
	if ((rc = pmNewContext(PM_CONTEXT_HOST, host && *host ? host : "local:")) < 0 ||
	    (rc = pmLookupName(NMETRICS, metrics, pmids)) < 0 ||
	    (rc = pmLookupDesc(pmids[M_NAME], &desc)) < 0) {
		fprintf(stderr, "churnclient: %s\n", pmErrStr(rc));
		return 2;
	}
	ctr_indom = desc.indom;
	if ((rc = pmLookupDesc(pmids[M_NETIN], &desc)) < 0) {
		fprintf(stderr, "churnclient: %s\n", pmErrStr(rc));
		return 2;
	}
	net_indom = desc.indom;
	clock_gettime(CLOCK_MONOTONIC, &next);
	end = next.tv_sec + (time_t)secs;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec >= end)
			break;
		nfetch++;
		read_ready(&ready[0], (int)nfetch);
		rc = pmFetch(NMETRICS, pmids, &res);
		read_ready(&ready[1], (int)nfetch);
		if (rc < 0) {
			if (nerr++ < 5)
				fprintf(stderr, "churnclient[%d]: pmFetch: %s\n", (int)getpid(), pmErrStr(rc));
		} else {
			process(res);
			pmFreeResult(res);
		}
		if (nfetch % 50 == 0)
			check_indom();
		tick(&next, (long)(1e9 / hz));
	}
	printf("fetches %lu errors %lu instances %zu ours %lu exact %lu bounded %lu net %lu "
	       "recreated %lu violations %lu\n", nfetch, nerr, byinst.n, nours, nexact, nbounded,
	       nnet, nrecreated, nviol);
	return nviol > 0;

usage:
	fprintf(stderr, "usage: churnclient [-z HZ] [-t SECONDS] [-v MAXREPORT] [-p PIDSMOUNT] "
		"MARKER READYDIR\n");
	return 2;
}
