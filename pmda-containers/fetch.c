/*
 * fetch.c - the pmResult of a fetch, built directly for the metrics that
 * are one number per container (cpu, memory, io, pids, pressure) or per
 * interface (container.net.{in,out}.*), and by pmdaFetch for the rest.
 *
 * Why.  pmdaFetch costs, per value: a walk step of the instance cache
 * (twice: it counts first), a profile check, a callback, and a malloc of a
 * pmValueBlock for every 64-bit value, freed again after the send.  At
 * 1000 containers a full fetch is ~34000 values, and that was a fifth of
 * the agent's CPU, as much as the kernel's reads of 6000 files: malloc and
 * free alone ~4M cycles a fetch.  Here the containers in the client's
 * profile (and scope) are listed once per fetch, and the vsets and their
 * pmValueBlocks are written into one buffer that lives from fetch to
 * fetch: a few stores per value and no allocation once it has grown.  The
 * interfaces likewise (listed from each container's own, not by walking
 * the interface instance cache, which keeps every interface ever seen for
 * stable numbers): at 100 network namespaces pmdaFetch's way was a fifth of
 * the agent's CPU per fetch of container.net.{in,out}.{bytes,packets}.  A
 * buffer over FETCH_KEEP (a fetch of thousands of containers: 28 bytes a
 * value, 4.8 MB for 34 metrics of 5000) is given back after the send, so
 * the agent's RSS between fetches does not carry it; with the mmap
 * threshold set below that size, free() returns it to the kernel (~1200
 * page faults at the next such fetch: under 1% of its cost).
 *
 * What holds.  The result handed to libpcp_pmda is fastres.res; its vsets
 * are either ours (in fastres.mem, valfmt PM_VAL_SPTR into blocks in the
 * same buffer) or pmdaFetch's for the pmids it answered (those are freed
 * after the send by the result callback libpcp_pmda had, which we chain
 * to).  Values and
 * the absence of values are exactly what metrics_fetch would give, in the
 * same semantics (PMDA_FETCH_NOVALUES: the instance has no value).
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pmda.h"

struct fastres {
	pmResult *res;			/* what we hand out, numpmid vsets */
	int maxpmid;			/* room in res */
	const void **defs;		/* per position: the metric, if a fast one */
	int *types;			/* per position: its PM_TYPE, -1 if not fast */
	char *perif;			/* per position: 1 if a fast one per interface */
	int *offs;			/* per position, per interface: the counter's offset */
	pmID *slowids;			/* the pmids left to pmdaFetch */
	char *mem;			/* our vsets, then their pmValueBlocks */
	size_t memcap;			/* bytes */
	struct ctr **incl;		/* containers in profile and scope, this fetch */
	size_t nincl, inclcap;
	int *ifinst;			/* interfaces in profile and scope with numbers, this
					 * fetch: their instances, */
	const char **ifst;		/* and their struct pcc_ifstats */
	size_t nifincl, ifinclcap;
	size_t ifst_len;		/* bytes of counters the per-interface pmids read */
	pmResult *slow;			/* pmdaFetch's result for the other pmids, or NULL */
	pmdaResultCallBack free_slow;	/* libpcp_pmda's own result callback */
};

/*
 * A pmValueBlock of an 8-byte value: the 4-byte vtype/vlen header and the
 * value, unaligned (it is copied out with memcpy, by us and by libpcp's
 * encoder); 12 bytes keep the header 4-byte aligned.
 */
#define BLOCK	(PM_VAL_HDR_SIZE + 8)
#define FETCH_KEEP	(1u << 20)	/* bytes of mem kept from fetch to fetch */

static struct fastres fr;

/*
 * What profile prof says of indom as a whole: 1 if every instance is in
 * it (no profile, or one that names none of indom's and includes by
 * default: what pmFetch sends unless the client narrowed it), else 0 and
 * each instance is asked of in_profile.  Once per fetch, not per value.
 */
static int all_in_profile(pmInDom indom, const pmProfile *prof)
{
	int i;

	if (prof == NULL)
		return 1;
	for (i = 0; i < prof->profile_len; i++)
		if (prof->profile[i].indom == indom)
			return 0;
	return prof->state == PM_PROFILE_INCLUDE;
}

/* Does profile prof include instance inst of indom?  (as libpcp's __pmInProfile) */
static int in_profile(pmInDom indom, const pmProfile *prof, int inst)
{
	const pmInDomProfile *p = NULL;
	int i;

	if (prof == NULL)
		return 1;
	for (i = 0; i < prof->profile_len; i++)
		if (prof->profile[i].indom == indom) {
			p = &prof->profile[i];
			break;
		}
	if (p == NULL)
		return prof->state == PM_PROFILE_INCLUDE;
	for (i = 0; i < p->instances_len; i++)
		if (p->instances[i] == inst)
			return p->state != PM_PROFILE_INCLUDE;
	return p->state == PM_PROFILE_INCLUDE;
}

/* realloc *p to n entries of size sz; 0 or -ENOMEM (then *p is unchanged) */
static int grow(void *p, size_t n, size_t sz)
{
	void *q = realloc(*(void **)p, n * sz);

	if (q == NULL)
		return -ENOMEM;
	*(void **)p = q;
	return 0;
}

/* The containers this fetch answers for, into fr.incl. */
static int list_containers(const pmdaExt *ext)
{
	size_t i, n = pcc_set_count(pmda.set);
	pmInDom indom = pmda.indom[INDOM_CTR];
	struct pcc_container *c;
	struct ctr **v, *t;
	int all = all_in_profile(indom, ext->e_prof);

	if (n > fr.inclcap) {
		if ((v = realloc(fr.incl, n * sizeof(*v))) == NULL)
			return -ENOMEM;
		fr.incl = v;
		fr.inclcap = n;
	}
	fr.nincl = 0;
	for (i = 0; i < n; i++) {
		c = pcc_set_at(pmda.set, i);
		if ((t = c->priv) == NULL)
			continue;
		if (pmda.scope != CTX_ALL && t->inst != pmda.scope)
			continue;
		if (all || in_profile(indom, ext->e_prof, t->inst))
			fr.incl[fr.nincl++] = t;
	}
	return 0;
}

/*
 * The interfaces this fetch has numbers for, into fr.ifinst and fr.ifst:
 * each interface's instance and numbers are looked up once here, not once
 * per metric, and the values are then taken from two dense arrays.  What
 * net_if() checks is checked once per container where it can be (the
 * reading, and that its names were matched), leaving one load of each
 * interface's own entry: net_if's way back from each interface to its
 * container and reading was a sixth of the agent's L1 misses in user space
 * (100 network namespaces).
 */
static int list_interfaces(const pmdaExt *ext)
{
	size_t i, j, n = pcc_set_count(pmda.set);
	pmInDom indom = pmda.indom[INDOM_NETIF];
	int all = all_in_profile(indom, ext->e_prof);
	const struct pcc_netns_reading *r;
	const struct ctrif *f;
	struct pcc_container *c;
	struct ctr *t;

	fr.nifincl = 0;
	for (i = 0; i < n; i++) {
		c = pcc_set_at(pmda.set, i);
		if ((t = c->priv) == NULL || t->nifs == 0)
			continue;
		if (pmda.scope != CTX_ALL && t->inst != pmda.scope)
			continue;
		/* no reading, or one without the counters asked for: no values */
		if ((r = t->netr) == NULL || r->st_len < fr.ifst_len ||
		    r->names_gen != t->if_names_gen)
			continue;
		if (fr.nifincl + t->nifs > fr.ifinclcap) {
			size_t cap = 2 * (fr.nifincl + t->nifs);

			if (grow(&fr.ifinst, cap, sizeof(*fr.ifinst)) < 0 ||
			    grow(&fr.ifst, cap, sizeof(*fr.ifst)) < 0)
				return -ENOMEM;
			fr.ifinclcap = cap;
		}
		for (j = 0; j < t->nifs; j++) {
			f = t->ifs[j];
			/* as net_if(): not in this reading (any more) */
			if (f->matched != t->if_match || f->idx >= r->nif)
				continue;
			if (!all && !in_profile(indom, ext->e_prof, f->inst))
				continue;
			fr.ifinst[fr.nifincl] = f->inst;
			fr.ifst[fr.nifincl++] = (const char *)&r->ifs[f->idx].st;
		}
	}
	return 0;
}

/* Room for numpmid positions in every per-position array. */
static int grow_res(int numpmid)
{
	size_t n = numpmid > 0 ? (size_t)numpmid : 1;

	if ((int)n <= fr.maxpmid)
		return 0;
	if (grow(&fr.res, 1, sizeof(pmResult) + (n - 1) * sizeof(pmValueSet *)) < 0 ||
	    grow(&fr.defs, n, sizeof(*fr.defs)) < 0 ||
	    grow(&fr.types, n, sizeof(*fr.types)) < 0 ||
	    grow(&fr.perif, n, sizeof(*fr.perif)) < 0 ||
	    grow(&fr.offs, n, sizeof(*fr.offs)) < 0 ||
	    grow(&fr.slowids, n, sizeof(*fr.slowids)) < 0)
		return -ENOMEM;	/* the arrays that grew are fine; maxpmid stays */
	fr.maxpmid = (int)n;
	return 0;
}

/* Bytes of one of our vsets: room for n values (multiple of 8). */
static size_t vset_size(size_t n)
{
	return sizeof(pmValueSet) + ((n ? n : 1) - 1) * sizeof(pmValue);
}

/* Values at position i: one per listed container, or per listed interface. */
static size_t pos_values(int i)
{
	return fr.perif[i] ? fr.nifincl : fr.nincl;
}

/*
 * The 4-byte vtype/vlen header of a value block of type, as one word: put
 * with one store.  Set field by field (a byte store, then a load and store
 * of the word around the 24-bit field) the load waited on the byte store
 * every time: 85% of this file's CPU, 3% of the agent's at 100 network
 * namespaces.
 */
static uint32_t block_header(int type)
{
	pmValueBlock vb;
	uint32_t w;

	memset(&vb, 0, sizeof(vb));
	vb.vtype = type;
	vb.vlen = PM_VAL_HDR_SIZE + 8;
	memcpy(&w, &vb, sizeof(w));
	return w;
}

/* Store atom (of type, header hdr) as the j-th value of vs, instance inst; its block from *next. */
static void put_value(pmValueSet *vs, int j, int inst, int type, uint32_t hdr,
		      const pmAtomValue *atom, char **next)
{
	pmValueBlock *vb = (pmValueBlock *)*next;

	*next += BLOCK;
	memcpy(vb, &hdr, sizeof(hdr));
	memcpy(vb->vbuf, type == PM_TYPE_DOUBLE ? (const void *)&atom->d : (const void *)&atom->ull,
	       8);
	vs->vlist[j].inst = inst;
	vs->vlist[j].value.pval = vb;
}

/* The values of the fast pmid at position i, into vs; blocks from *next. */
static void fast_vset(pmValueSet *vs, int i, pmID pmid, char **next)
{
	const void *def = fr.defs[i];
	int type = fr.types[i], j = 0;
	uint32_t hdr = block_header(type);
	pmAtomValue atom;
	size_t k;

	vs->pmid = pmid;
	vs->valfmt = PM_VAL_SPTR;
	if (fr.perif[i]) {
		/*
		 * From locals: through the stores into vs the compiler must
		 * assume fr changed, and loaded fr's arrays again per value
		 * (22 instructions a value, 13 now).
		 */
		const char *const *ifst = fr.ifst;
		const int *ifinst = fr.ifinst;
		size_t off = (size_t)fr.offs[i], nif = fr.nifincl;
		char *b = *next;

		for (k = 0; k < nif; k++, b += BLOCK) {
			memcpy(b, &hdr, sizeof(hdr));
			memcpy(b + PM_VAL_HDR_SIZE, ifst[k] + off, sizeof(uint64_t));
			vs->vlist[k].inst = ifinst[k];
			vs->vlist[k].value.pval = (pmValueBlock *)b;
		}
		*next = b;
		j = (int)nif;
	} else {
		for (k = 0; k < fr.nincl; k++)
			if (metrics_fast_value(def, fr.incl[k], &atom) == PMDA_FETCH_STATIC)
				put_value(vs, j++, fr.incl[k]->inst, type, hdr, &atom, next);
	}
	vs->numval = j;
}

int fetch_values(int numpmid, pmID *pmids, pmResult **resp, pmdaExt *ext)
{
	int i, nfast = 0, nslow = 0, nperif = 0, rc;
	size_t need, vsets;
	char *a, *vsp, *next;

	if (grow_res(numpmid) < 0)
		return pmdaFetch(numpmid, pmids, resp, ext);
	fr.ifst_len = 0;
	for (i = 0; i < numpmid; i++) {
		fr.perif[i] = 0;
		fr.types[i] = metrics_fast(pmids[i], &fr.defs[i]);
		if (fr.types[i] < 0 && (fr.offs[i] = metrics_fast_if(pmids[i])) >= 0) {
			fr.types[i] = PM_TYPE_U64;
			fr.perif[i] = 1;
			if ((size_t)fr.offs[i] + sizeof(uint64_t) > fr.ifst_len)
				fr.ifst_len = (size_t)fr.offs[i] + sizeof(uint64_t);
		}
		if (fr.types[i] < 0)
			fr.slowids[nslow++] = pmids[i];
		else
			nfast++;
		nperif += fr.perif[i];
	}
	if (nfast == 0)
		return pmdaFetch(numpmid, pmids, resp, ext);
	fr.nincl = 0;	/* the per-interface values are listed apart */
	if (nfast > nperif && (rc = list_containers(ext)) < 0)
		return rc;
	if (nperif > 0 && (rc = list_interfaces(ext)) < 0)
		return rc;
	/* vsets first (8-aligned), then the blocks (4-aligned) */
	for (i = 0, vsets = 0, need = 0; i < numpmid; i++) {
		if (fr.types[i] < 0)
			continue;
		vsets += vset_size(pos_values(i));
		need += pos_values(i) * BLOCK;
	}
	need += vsets;
	if (need > fr.memcap) {
		free(fr.mem);	/* nothing in it is kept: no realloc copy */
		if ((a = malloc(need)) == NULL) {
			fr.mem = NULL;
			fr.memcap = 0;
			return -ENOMEM;
		}
		fr.mem = a;
		fr.memcap = need;
	}
	vsp = fr.mem;
	next = fr.mem + vsets;
	fr.slow = NULL;
	if (nslow > 0) {
		if ((rc = pmdaFetch(nslow, fr.slowids, &fr.slow, ext)) < 0) {
			fr.slow = NULL;
			return rc;
		}
	}
	fr.res->timestamp.tv_sec = fr.res->timestamp.tv_usec = 0;
	fr.res->numpmid = numpmid;
	for (i = 0, nslow = 0; i < numpmid; i++) {
		if (fr.types[i] < 0) {
			fr.res->vset[i] = fr.slow->vset[nslow++];
			continue;
		}
		fr.res->vset[i] = (pmValueSet *)vsp;
		fast_vset(fr.res->vset[i], i, pmids[i], &next);
		vsp += vset_size(pos_values(i));
	}
	*resp = fr.res;
	return 0;
}

void fetch_done(pmResult *res)
{
	if (res != fr.res) {		/* pmdaFetch's, all of it */
		if (fr.free_slow != NULL)
			fr.free_slow(res);
		return;
	}
	if (fr.slow != NULL && fr.free_slow != NULL)
		fr.free_slow(fr.slow);	/* its vsets, each in one place of res too */
	fr.slow = NULL;
	if (fr.memcap > FETCH_KEEP) {
		free(fr.mem);
		fr.mem = NULL;
		fr.memcap = 0;
	}
}

void fetch_init(pmdaInterface *dp)
{
	/* fixed, so that what a big fetch frees leaves the RSS (see above) */
	mallopt(M_MMAP_THRESHOLD, FETCH_KEEP / 2);
	fr.free_slow = dp->version.any.ext->e_resultCallBack;
	pmdaSetResultCallBack(dp, fetch_done);
}
