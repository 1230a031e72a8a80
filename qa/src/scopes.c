/*
 * scopes.c - QA helper: two pmcd contexts at once, one of them scoped to a
 * container by storing pmcd.client.container (as `pmstore` would), fetching
 * in alternation.  Prints, for each step, the container.info.name values
 * each context sees, sorted, so the test can compare them.
 *
 * usage: scopes NAME1 NAME2
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcp/pmapi.h>

static int store_container(int ctx, const char *name)
{
	const char *metric = "pmcd.client.container";
	size_t len = strlen(name) + 1;
	pmValueBlock *vb, *orig;
	pmValue first;
	pmValueSet *vset;
	int origfmt, nval, i;
	pmResult *res;
	pmID pmid;
	int sts;

	pmUseContext(ctx);
	if ((sts = pmLookupName(1, &metric, &pmid)) < 0 || (sts = pmFetch(1, &pmid, &res)) < 0)
		return sts;
	vb = calloc(1, PM_VAL_HDR_SIZE + len);
	vb->vtype = PM_TYPE_STRING;
	vb->vlen = PM_VAL_HDR_SIZE + len;
	memcpy(vb->vbuf, name, len);
	if (res->vset[0]->numval < 1) {
		pmFreeResult(res);
		free(vb);
		return PM_ERR_VALUE;
	}
	/*
	 * pmcd lists every client of ours here but takes the store only for
	 * the context's own instance: try each alone.  The fetched value lives
	 * in libpcp's PDU buffer, so ours is swapped in and back out.
	 */
	vset = res->vset[0];
	nval = vset->numval;
	first = vset->vlist[0];
	origfmt = vset->valfmt;
	vset->valfmt = PM_VAL_DPTR;
	vset->numval = 1;
	for (i = 0, sts = PM_ERR_INST; i < nval && sts < 0; i++) {
		vset->vlist[0].inst = (i == 0 ? first : vset->vlist[i]).inst;
		orig = vset->vlist[0].value.pval;
		vset->vlist[0].value.pval = vb;
		sts = pmStore(res);
		vset->vlist[0].value.pval = orig;
	}
	vset->vlist[0] = first;
	vset->numval = nval;
	vset->valfmt = origfmt;
	pmFreeResult(res);
	free(vb);
	return sts;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void show(const char *who, int ctx)
{
	const char *metric = "container.info.name";
	char *names[4096];
	pmResult *res;
	pmAtomValue av;
	pmID pmid;
	int sts, i, n = 0;

	pmUseContext(ctx);
	if ((sts = pmLookupName(1, &metric, &pmid)) < 0 || (sts = pmFetch(1, &pmid, &res)) < 0) {
		printf("%s: error: %s\n", who, pmErrStr(sts));
		return;
	}
	if (res->vset[0]->numval < 0) {
		printf("%s: error: %s\n", who, pmErrStr(res->vset[0]->numval));
		pmFreeResult(res);
		return;
	}
	for (i = 0; i < res->vset[0]->numval && n < 4096; i++)
		if (pmExtractValue(res->vset[0]->valfmt, &res->vset[0]->vlist[i],
				   PM_TYPE_STRING, &av, PM_TYPE_STRING) >= 0)
			names[n++] = av.cp;
	qsort(names, n, sizeof(names[0]), cmp);
	printf("%s:", who);
	for (i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
	pmFreeResult(res);
}

int main(int argc, char **argv)
{
	int all, one, r, sts;

	if (argc != 3) {
		fprintf(stderr, "usage: scopes NAME1 NAME2\n");
		return 2;
	}
	if ((all = pmNewContext(PM_CONTEXT_HOST, "local:")) < 0 ||
	    (one = pmNewContext(PM_CONTEXT_HOST, "local:")) < 0) {
		fprintf(stderr, "pmNewContext: %s\n", pmErrStr(all < 0 ? all : one));
		return 1;
	}
	if ((sts = store_container(one, argv[1])) < 0)
		printf("store: %s\n", pmErrStr(sts));
	for (r = 0; r < 3; r++) {
		printf("round %d\n", r);
		show("scoped", one);
		show("all", all);
	}
	printf("switch to %s\n", argv[2]);
	store_container(one, argv[2]);
	show("scoped", one);
	show("all", all);
	printf("switch to nosuch\n");
	store_container(one, "nosuch");
	show("scoped", one);
	printf("switch to all\n");
	store_container(one, "");
	show("scoped", one);
	return 0;
}
