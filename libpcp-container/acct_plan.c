/*
 * acct_plan.c - which cgroup files the accounting readers of one fd budget
 * keep open: the kept-fd plan.
 *
 * Why a plan.  A kept fd makes a read one pread (about 0.9 us for a small
 * cgroup file on a 2-CPU VM, Linux 6.x); a file that is not kept costs an
 * openat, a read and a close (about 3 us, the openat being most of it).
 * But a kept fd, once read, holds ~4.6 kB of kernel memory (struct file,
 * kernfs_open_file, seq_file and its one-page buffer) and one slot of the
 * process's fd table: 17 files per container on a hybrid host (v1 cpu,
 * cpuacct, memory, blkio, pids) times 5000 containers is 85000 fds and
 * ~390 MB, far past a 20000-fd limit.  First come first served, the first
 * thousand containers would keep every file and the other four thousand
 * none; instead the budget is spent where a kept fd saves the most CPU.
 *
 * What a kept fd saves is the open and close of one file per read of it,
 * and that costs about the same whatever the file; so a kind of file (one
 * name: memory.stat, cpuacct.usage, pids.max...) is worth keeping in
 * proportion to how often it is read.  The plan therefore
 *  - counts reads per kind, per file of that kind (readers lacking the file
 *    do not dilute it), over epochs of about one full pass (as many reads
 *    as there are files, at least 64), halving the old count each epoch;
 *  - sorts the kinds into classes by read rate, a class per power of two
 *    below the most-read kind (rounded, so 1:1.3 is one class and 1:2 is
 *    the next), kinds never read last;
 *  - within a class, by the file's static rank (acct_table.c): counters
 *    and usage first, pressure next, limits and settings last, so with one
 *    client sampling everything at one rate the order is the static one;
 *  - gives each kind in that order a quota of every file of the kind while
 *    they fit in the room, the first kind that does not fit what room is
 *    left (a partial kind, first come first served), the rest nothing.
 * The room is budget->max less what other users of the budget hold (the
 * network table's sockets and files) and less max/32 kept back for them,
 * so a new namespace still gets a socket.  Files before sockets: at 5000
 * containers with a namespace each, giving every namespace a socket cost
 * the cgroup reads what it saved the network reads (bench/run.sh; see
 * pcc_fdbudget.tight for the pidfds).  So at 5000 containers on a
 * 17952-fd budget every container keeps its three most-read files and
 * some keep a fourth, and at 1000 every container keeps all 17.
 *
 * Why not directory fds.  An O_PATH fd of each container's directory
 * holds no seq_file page, and a file opened below it is one path
 * component away instead of three or more below the hierarchy's fd; but
 * that saves ~0.3 us of a ~2.5 us open (measured over 17000 files: 2.55
 * us from the hierarchy's fd, 2.25 from the directory's, 1.1 with a kept
 * fd), while a kept file fd saves ~1.45 us of each read.  A directory fd
 * pays off only where 5 files of one hierarchy are opened per read (v1
 * memory), and then just about breaks even with one kept file, so the
 * budget goes to files.
 *
 * Re-balancing.  Readers coming and going, and files found absent, change
 * the counts and mark the plan dirty: the next read balances again (a sort
 * of at most ACCT_NKIND kinds), as does the end of every epoch.  A quota
 * that drops below the fds kept bumps gen: each reader, at its next read,
 * closes its fds of kinds over their quota, so the plan is met again after
 * one pass over the readers; a quota that grows is used as files are next
 * read.  The fd limit is never passed: nothing is kept while budget->held
 * is at budget->max, whatever the quotas say.
 *
 * What always holds: kept[k] fds of kind k are open, held is their sum and
 * is counted in budget->held; files is the sum of users[]; a reader keeps a
 * new fd of kind k only while kept[k] < quota[k] and budget->held <
 * budget->max; quota[k] <= users[k].
 */
#include <errno.h>
#include <stdlib.h>

#include "acct.h"

#define NCLASS		8	/* read-rate classes below the most-read kind */
#define CLASS_NEVER	(NCLASS + 1)

int acct_plan_join(struct pcc_fdbudget *b)
{
	if (b->plan == NULL) {
		if ((b->plan = calloc(1, sizeof(*b->plan))) == NULL)
			return -ENOMEM;
		b->plan->ifd = -1;
	}
	b->plan->readers++;
	return 0;
}

void acct_plan_leave(struct pcc_fdbudget *b)
{
	struct pcc_acct_plan *p = b->plan;

	if (p == NULL || --p->readers > 0)
		return;
	acct_settings_close(p);
	acct_layout_free(p->layout);
	free(p->buf);
	free(p);
	b->plan = NULL;
	b->tight = false;
}

/* Class of a score against the top score: round(log2(top / score)), capped. */
static unsigned rate_class(uint64_t score, uint64_t top)
{
	unsigned c;

	if (score == 0)
		return CLASS_NEVER;
	/* score * 2^c * sqrt(2) >= top, sqrt(2) as 1448/1024 */
	for (c = 0; c < NCLASS; c++)
		if ((score << c) * 1448 / 1024 >= top)
			return c;
	return NCLASS;
}

/* Fold this epoch's reads into the scores: reads per file, x 65536. */
static void end_epoch(struct pcc_acct_plan *p)
{
	unsigned k;

	for (k = 0; k < ACCT_NKIND; k++) {
		p->score[k] /= 2;
		if (p->users[k] > 0)
			p->score[k] += ((uint64_t)p->ereads[k] << 16) / p->users[k];
		p->ereads[k] = 0;
	}
	p->epoch = 0;
}

void acct_plan_balance(struct pcc_fdbudget *b, bool epoch_over)
{
	struct pcc_acct_plan *p = b->plan;
	unsigned order[ACCT_NKIND], cls[ACCT_NKIND], n = 0, i, j, k, q, left;
	unsigned others, reserve;
	uint64_t top = 0;
	bool shrunk = false;

	if (epoch_over)
		end_epoch(p);
	for (k = 0; k < ACCT_NKIND; k++)
		if (p->users[k] > 0 && p->score[k] > top)
			top = p->score[k];
	/* kinds with files, by (class, rank): an insertion sort of <= 32 */
	for (k = 0; k < ACCT_NKIND; k++) {
		if (p->users[k] == 0)
			continue;
		cls[k] = rate_class(p->score[k], top);
		for (i = n++; i > 0 && cls[order[i - 1]] > cls[k]; i--)
			order[i] = order[i - 1];
		order[i] = k;
	}
	others = b->held > p->held ? b->held - p->held : 0;
	reserve = b->max / 32;
	left = b->max > others + reserve ? b->max - others - reserve : 0;
	for (k = 0; k < ACCT_NKIND; k++)
		p->quota[k] = 0;
	for (j = 0; j < n; j++) {
		k = order[j];
		q = p->users[k] <= left ? p->users[k] : left;
		p->quota[k] = q;
		left -= q;
	}
	p->kinds_kept = p->kinds_partial = 0;
	for (k = 0; k < ACCT_NKIND; k++) {
		shrunk |= p->kept[k] > p->quota[k];
		if (p->users[k] == 0)
			continue;
		p->kinds_kept += p->quota[k] == p->users[k];
		p->kinds_partial += p->quota[k] > 0 && p->quota[k] < p->users[k];
	}
	if (shrunk)
		p->gen++;
	b->tight = p->kinds_partial > 0 || p->kinds_kept < n;
	p->dirty = false;
	p->balances++;
}

int pcc_fdbudget_get_stats(const struct pcc_fdbudget *b, struct pcc_fdbudget_stats *ret_stats)
{
	const struct pcc_acct_plan *p;
	struct pcc_fdbudget_stats st = { 0 };
	unsigned k;

	if (b == NULL || ret_stats == NULL)
		return -EINVAL;
	if ((p = b->plan) != NULL) {
		st.readers = p->readers;
		st.held = p->held;
		for (k = 0; k < ACCT_NKIND; k++)
			st.kinds += p->users[k] > 0;
		st.kinds_kept = p->kinds_kept;
		st.kinds_partial = p->kinds_partial;
		st.reads = p->reads;
		st.opens = p->opens;
		st.balances = p->balances;
	}
	*ret_stats = st;
	return 0;
}
