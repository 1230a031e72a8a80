/*
 * ctx.c - pmcd's container attribute, per client context.
 *
 * A client started with --container=NAME (or storing pmcd.client.container)
 * makes pmcd send us the attribute for its context; from then on every one
 * of our instance domains shows that client only that container.  NAME may
 * be the instance name, the engine's name, the full id or a unique id
 * prefix.  The name is resolved at each request, not when it arrives, so a
 * client that names a container before it starts (or across a restart)
 * sees it as soon as it exists.  Each context's state is freed when pmcd
 * ends the context, so two clients, scoped and not, never see each other's
 * scope.  The context of a request is pmdaExt's e_context: pmdaGetContext()
 * is only set inside pmdaFetch, so before it, it names the previous
 * request's client (the mix-up of PCP issue #236).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pmda.h"

struct ctxstate {
	char *container;	/* NULL: not scoped */
};

static struct ctxstate *ctxs;
static int nctxs;

static struct ctxstate *ctx_get(int ctx, int grow)
{
	struct ctxstate *n;

	if (ctx < 0)
		return NULL;
	if (ctx >= nctxs) {
		if (!grow)
			return NULL;
		n = realloc(ctxs, (ctx + 1) * sizeof(*n));
		if (n == NULL)
			return NULL;
		memset(n + nctxs, 0, (ctx + 1 - nctxs) * sizeof(*n));
		ctxs = n;
		nctxs = ctx + 1;
	}
	return &ctxs[ctx];
}

int ctx_attribute(int ctx, int attr, const char *value, int length, pmdaExt *pmdaext)
{
	struct ctxstate *c;

	if (attr == PMDA_ATTR_CONTAINER) {
		if ((c = ctx_get(ctx, 1)) == NULL)
			return -ENOMEM;
		free(c->container);
		c->container = NULL;
		/* an empty name (pmstore pmcd.client.container "") ends the scope */
		if (value != NULL && length > 0 && value[0] != '\0' &&
		    (c->container = strndup(value, length)) == NULL)
			return -ENOMEM;
		if (pmDebugOptions.attr)
			pmNotifyErr(LOG_DEBUG, "context %d: container \"%s\"", ctx,
				    c->container ? c->container : "");
	}
	return pmdaAttribute(ctx, attr, value, length, pmdaext);
}

void ctx_end(int ctx)
{
	struct ctxstate *c = ctx_get(ctx, 0);

	if (c == NULL)
		return;
	free(c->container);
	c->container = NULL;
}

/* Does container t answer to name? */
static int matches(const struct ctr *t, const char *name)
{
	size_t len = strlen(name);
	const char *at;

	if (strcmp(t->name, name) == 0 || strcmp(t->id, name) == 0)
		return 2;	/* exact: wins over any prefix */
	/* NAME@ENGINE instances still answer to the engine's own NAME */
	at = strrchr(t->name, '@');
	if (at && (size_t)(at - t->name) == len && strncmp(t->name, name, len) == 0)
		return 1;
	if (t->id[0] && len < PCC_ID_MAX && strncmp(t->id, name, len) == 0)
		return 1;
	/* the engine's own name (a kubernetes container name, a rootless one) */
	if (t->meta && t->meta->name && strcmp(t->meta->name, name) == 0)
		return 1;
	return 0;
}

/*
 * The instance a name stands for: exact matches (instance name, full id)
 * first, else a unique prefix or engine name.  PM_ERR_NOCONTAINER when no
 * container or more than one answers.
 */
static int resolve(const char *name)
{
	pmInDom indom = pmda.indom[INDOM_CTR];
	int inst, found = PM_ERR_NOCONTAINER, nfound = 0, m;
	struct ctr *t;

	pmdaCacheOp(indom, PMDA_CACHE_WALK_REWIND);
	while ((inst = pmdaCacheOp(indom, PMDA_CACHE_WALK_NEXT)) >= 0) {
		if ((t = ctr_lookup(inst)) == NULL || (m = matches(t, name)) == 0)
			continue;
		if (m == 2)
			return inst;
		found = inst;
		nfound++;
	}
	if (nfound > 1) {
		pmNotifyErr(LOG_WARNING, "container \"%s\" is ambiguous: %d containers match", name, nfound);
		return PM_ERR_NOCONTAINER;
	}
	return found;
}

int ctx_scope(int ctx)
{
	struct ctxstate *c = ctx_get(ctx, 0);

	if (c == NULL || c->container == NULL)
		return CTX_ALL;
	return resolve(c->container);
}

/* Is inst of indom inside the scoped container? */
static int in_scope(pmInDom indom, int inst, char **ret_name)
{
	struct ctrdev *dv;
	struct ctr *t;

	if (indom == pmda.indom[INDOM_CTR]) {
		if ((t = ctr_lookup(inst)) == NULL || t->inst != pmda.scope)
			return 0;
		*ret_name = t->name;
		return 1;
	}
	if (indom == pmda.indom[INDOM_NETIF]) {
		struct ctrif *f = ctrif_lookup(inst);

		if (f == NULL || f->ctr->inst != pmda.scope)
			return 0;
		*ret_name = f->name;
		return 1;
	}
	if ((dv = ctrdev_lookup(inst)) == NULL || dv->ctr->inst != pmda.scope)
		return 0;
	*ret_name = dv->name;
	return 1;
}

/*
 * pmdaInstance for a scoped context: the same answers, over the scoped
 * container's instances only.  The result is freed by libpcp_pmda
 * (__pmFreeInResult frees each name, both lists and the result).
 */
int ctx_instance(pmInDom indom, int inst, char *name, pmInResult **result)
{
	pmInResult *res;
	int i, n = 0, cap = 4;
	char *iname;

	if (indom != pmda.indom[INDOM_CTR] && indom != pmda.indom[INDOM_DEV] &&
	    indom != pmda.indom[INDOM_NETIF])
		return PM_ERR_INDOM;
	if ((res = calloc(1, sizeof(*res))) == NULL)
		return -ENOMEM;
	res->indom = indom;
	res->instlist = calloc(cap, sizeof(int));
	res->namelist = calloc(cap, sizeof(char *));
	if (res->instlist == NULL || res->namelist == NULL)
		goto out_nomem;
	pmdaCacheOp(indom, PMDA_CACHE_WALK_REWIND);
	while ((i = pmdaCacheOp(indom, PMDA_CACHE_WALK_NEXT)) >= 0) {
		if (!in_scope(indom, i, &iname))
			continue;
		if (inst != (int)PM_IN_NULL && i != inst)
			continue;
		if (name != NULL && strcmp(name, iname) != 0)
			continue;
		if (n == cap) {
			int *il = realloc(res->instlist, 2 * cap * sizeof(int));
			char **nl = il ? realloc(res->namelist, 2 * cap * sizeof(char *)) : NULL;

			if (il)
				res->instlist = il;
			if (nl == NULL)
				goto out_nomem;
			res->namelist = nl;
			cap *= 2;
		}
		res->instlist[n] = i;
		if ((res->namelist[n] = strdup(iname)) == NULL)
			goto out_nomem;
		n++;
	}
	if (n == 0 && (inst != (int)PM_IN_NULL || name != NULL)) {
		free(res->instlist);
		free(res->namelist);
		free(res);
		return PM_ERR_INST;
	}
	res->numinst = n;
	if (inst != (int)PM_IN_NULL) {	/* asked for a name: no instance list */
		free(res->instlist);
		res->instlist = NULL;
	} else if (name != NULL) {	/* asked for a number: no name list */
		free(res->namelist[0]);
		free(res->namelist);
		res->namelist = NULL;
	}
	*result = res;
	return 0;

out_nomem:
	for (i = 0; i < n; i++)
		free(res->namelist[i]);
	free(res->instlist);
	free(res->namelist);
	free(res);
	return -ENOMEM;
}
