/*
 * pcp-container.h - find the containers of a Linux host from its cgroups and
 * read their accounting.  The public API of libpcp-container.
 *
 * Conventions (hold for every function below unless it says otherwise):
 *  - int returns are >= 0 on success (a count or a flag), a negative errno on
 *    failure.  Output parameters are named ret_*, come last and are left
 *    untouched on failure.
 *  - Every constructor (_new, _load) has a _free() that accepts NULL.
 *  - A returned const char * or struct pointer is borrowed: it stays valid
 *    until its owner is next refreshed or freed.
 *  - The library never logs and never prints; it keeps no static state, so
 *    two instances (say two sysroots in one test) do not interfere.
 *  - Every file the library reads is opened relative to a sysroot directory
 *    fd, so tests point it at fixture trees (PCC_SYSROOT in the environment).
 *  - A cgroup or process that disappears while it is being read is normal:
 *    it is reported as -ENOENT/-ENODEV by the reader, never as corruption.
 */
#ifndef PCP_CONTAINER_H
#define PCP_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ sysroot */

/*
 * pcc_sysroot_open - open the directory that stands for "/".
 * prefix NULL means $PCC_SYSROOT if set and non-empty, else "/".
 * Returns an O_PATH|O_DIRECTORY|O_CLOEXEC fd (>= 0) owned by the caller,
 * or -errno.
 */
int pcc_sysroot_open(const char *prefix);

/*
 * pcc_sysroot_openat - open an absolute host path (e.g. "/proc/self/mountinfo")
 * below the sysroot fd.  flags are or-ed with O_CLOEXEC.  Returns an fd or
 * -errno.
 */
int pcc_sysroot_openat(int rootfd, const char *abspath, int flags);

/*
 * pcc_read_fd - read what an fd holds from offset 0 into *buf (grown with
 * realloc as needed, up to max bytes, NUL-terminated).  *buf and *cap are the
 * caller's reusable buffer (start with NULL/0).  Returns the length read,
 * -EFBIG if the content exceeds max, or -errno.
 */
ssize_t pcc_read_fd(int fd, char **buf, size_t *cap, size_t max);

/*
 * pcc_read_cgfile - the same for a cgroup interface file, which the kernel
 * generates in one piece: a read shorter than the buffer is the whole file,
 * so the usual cost is a single pread(fd, buf, cap, 0).  Not for /proc/net
 * files (several records per read).
 */
ssize_t pcc_read_cgfile(int fd, char **buf, size_t *cap, size_t max);

/* pcc_read_fd for a path under the sysroot; opens and closes the file. */
ssize_t pcc_read_file(int rootfd, const char *abspath, char **buf, size_t *cap,
		      size_t max);

/* ------------------------------------------------------------------ mounts */

enum pcc_layout {
	PCC_LAYOUT_NONE = 0,	/* no cgroup filesystem mounted */
	PCC_LAYOUT_V1,		/* only v1 hierarchies */
	PCC_LAYOUT_V2,		/* only the unified (v2) hierarchy */
	PCC_LAYOUT_HYBRID,	/* v1 controllers plus a cgroup2 mount */
};

/* Controllers (and v1 named hierarchies) this library reads or walks. */
enum pcc_ctrl {
	PCC_CTRL_CPU = 0,
	PCC_CTRL_CPUACCT,
	PCC_CTRL_MEMORY,
	PCC_CTRL_IO,		/* v1 "blkio", v2 "io" */
	PCC_CTRL_PIDS,
	PCC_CTRL_PSI,		/* pressure files: always the v2 hierarchy */
	PCC_CTRL_SYSTEMD,	/* v1 name=systemd, walked for discovery only */
	PCC_NCTRL
};

struct pcc_hier {
	char *mount;		/* mount point as the host sees it, e.g. /sys/fs/cgroup/memory */
	char *root;		/* mountinfo root field, "/" on the host */
	int version;		/* 1 or 2 */
	unsigned ctrls;		/* bitmask of 1u << enum pcc_ctrl served here */
	int dirfd;		/* O_PATH fd of the mount point below the sysroot, or -1 */
};

struct pcc_mounts {
	enum pcc_layout layout;
	size_t nhier;			/* entries in hier, <= 32 */
	struct pcc_hier *hier;		/* one per distinct hierarchy, never NULL if nhier */
	int by_ctrl[PCC_NCTRL];		/* index into hier reading each controller, -1 if none */
};

/*
 * pcc_mounts_parse - build the layout from the text of a mountinfo file.
 * Pure: opens nothing (dirfd fields are -1).  v2 controllers are taken from
 * unified_controllers (the text of the v2 root's cgroup.controllers, may be
 * NULL).  A v1 controller wins over the same controller on v2; pressure
 * always comes from v2.  Returns 0 and *ret_mounts (caller frees), -EINVAL
 * on text that is not mountinfo, -ENOMEM.
 */
int pcc_mounts_parse(const char *mountinfo, const char *unified_controllers,
		     struct pcc_mounts **ret_mounts);

/*
 * pcc_mounts_load - read <sysroot>/proc/self/mountinfo, parse it, and open
 * each hierarchy's mount point below rootfd.  Returns 0 or -errno.
 */
int pcc_mounts_load(int rootfd, struct pcc_mounts **ret_mounts);

void pcc_mounts_free(struct pcc_mounts *m);

/*
 * pcc_hier_relpath - where the cgroup path (as in /proc/PID/cgroup) lies
 * below hierarchy h's mount point, for openat(h->dirfd, ...): without a
 * leading '/', with the mount's root (mountinfo's field 4, when the mount
 * shows a subtree) taken off; "" for the mount point itself.  Returns a
 * pointer into path.
 */
const char *pcc_hier_relpath(const struct pcc_hier *h, const char *path);

/* Is path a cgroup path the readers accept: absolute, with no ".." part? */
bool pcc_cgroup_path_ok(const char *path);
const char *pcc_layout_name(enum pcc_layout layout);

/* ------------------------------------------------------------------ cid */

enum pcc_engine {
	PCC_ENGINE_NONE = 0,
	PCC_ENGINE_DOCKER,
	PCC_ENGINE_PODMAN,
	PCC_ENGINE_CONTAINERD,
	PCC_ENGINE_CRIO,
	PCC_ENGINE_KUBERNETES,	/* kubepods cgroupfs layout: runtime unknown from the path */
	PCC_ENGINE_LXC,
	PCC_ENGINE_NSPAWN,	/* systemd-nspawn and other machined guests */
	PCC_NENGINE
};

#define PCC_ID_MAX	64	/* hex characters in a full container id */
#define PCC_NAME_MAX	255	/* bytes in a name taken from a cgroup path */

struct pcc_cid {
	enum pcc_engine engine;
	char id[PCC_ID_MAX + 1];	/* lower-case hex id, "" if the engine names, not numbers, containers */
	char name[PCC_NAME_MAX + 1];	/* raw name from the path (lxc, nspawn), "" if none; not sanitized */
	char pod_uid[40];		/* kubernetes pod uid with '-' as in the API, "" if none */
	long uid;			/* rootless owner from user@<uid>.service, -1 if none */
};

/*
 * pcc_cid_classify - decide whether a cgroup path (relative to its hierarchy,
 * leading '/', as in /proc/PID/cgroup) is a container's own cgroup.
 * Returns 1 and fills every field of *ret_cid for a container; 0 for a cgroup
 * that is not one (a slice, a pod, a conmon or monitor cgroup; the walk
 * descends into it), and for a name that does not fit whole in cid.name;
 * -EINVAL for a NULL or relative path or a NULL ret_cid.  *ret_cid is
 * untouched unless 1 is returned.  Cgroups below a container's cgroup are
 * not classified: the walker stops at the container.  Each path is judged
 * on its own form, so a container form nested in another container's cgroup
 * still returns 1; the forms recognised are listed in cid.c.
 */
int pcc_cid_classify(const char *path, struct pcc_cid *ret_cid);

/*
 * pcc_engine_name - "docker", "podman", "containerd", "crio", "kubernetes",
 * "lxc" or "nspawn"; "" for PCC_ENGINE_NONE and out-of-range values.  A
 * string constant, never NULL.
 */
const char *pcc_engine_name(enum pcc_engine engine);

/*
 * pcc_name_sanitize - copy src (srclen bytes, not necessarily NUL-terminated
 * or valid UTF-8) into dst as a name safe for PCP instance names and JSON
 * labels: printable ASCII except space, '"', '\'' and '\\' is kept, every
 * other byte becomes "\xHH" with lower-case hex (so distinct inputs stay
 * distinct), and the result is cut at dstlen-1 bytes (never inside an
 * escape) and NUL-terminated.  Returns the length written, -EINVAL if
 * dstlen < 1, dst is NULL, or src is NULL with srclen > 0.
 */
int pcc_name_sanitize(const char *src, size_t srclen, char *dst, size_t dstlen);

/* ------------------------------------------------------------------ discovery */

/*
 * A container set: every container cgroup found by walking the hierarchies
 * that serve cpu, cpuacct, memory, io, pids, pressure or name=systemd.  A
 * container is keyed by its cgroup path, relative to the hierarchy's mount
 * point (the /proc/PID/cgroup path when the mount's root is "/"), and is ONE
 * container however many hierarchies hold it.  The walk stops at a container
 * (its nested cgroups are its own), ignores cgroups deeper than 32 levels or
 * with a path of PATH_MAX bytes or more, and does not follow symlinks.
 * A container's record (and its path and name) stays at one address from
 * ops->added until ops->removed.  A set is used by one thread at a time.
 */
struct pcc_container {
	char *path;		/* cgroup path as in /proc/PID/cgroup, never NULL */
	struct pcc_cid cid;
	char *name;		/* instance name: sanitized cid.name, else the 12-hex short id, never NULL */
	uint32_t present;	/* bitmask of mounts->hier indexes where the cgroup exists;
				 * 0 only in ops->removed */
	uint32_t remade;	/* times its cgroup was removed and made again under this
				 * path while the set kept the container (a restart between
				 * two scans: no removed/added); at most one a restart */
	void *priv;		/* the owner's per-container state; see pcc_set_ops */
};

/*
 * Callbacks run at the end of pcc_set_refresh (and removed also from
 * pcc_set_free), once the set is consistent again: first removed for every
 * container gone (and remade for any made again), then added for every new
 * one.  A container that comes and
 * goes within one refresh is never announced.  Callbacks must not refresh or
 * free the set.
 */
struct pcc_set_ops {
	/* called after a container is added; may set c->priv.  Nonzero return is
	 * ignored by the library (the caller logs). */
	int (*added)(struct pcc_container *c, void *arg);
	/* called before a container is freed: release c->priv.  c is no longer
	 * in the set (pcc_set_find does not return it). */
	void (*removed)(struct pcc_container *c, void *arg);
	void *arg;
	/* optional: called when c->remade went up (its cgroup made again under
	 * the same path while the set kept it: a restart) */
	void (*remade)(struct pcc_container *c, void *arg);
};

struct pcc_set_stats {
	uint64_t full_scans;	/* walks of every hierarchy */
	uint64_t partial_scans;	/* rescans of one directory after an inotify event */
	uint64_t events;	/* inotify events consumed */
	uint64_t dirs_walked;	/* directories read by all scans */
	uint32_t watches;	/* inotify watches held now */
	uint32_t overflows;	/* IN_Q_OVERFLOW events, plus scans in which a watch could
				 * not be added (watch limit); not counted when inotify
				 * could not be initialised (pcc_set_fd is -1 then) */
	uint64_t skipped;	/* directories left unread by scans: too deep, path too
				 * long, or unreadable (EACCES); counted at each scan */
};

struct pcc_set;

/*
 * pcc_set_new - a container set over the hierarchies of m (borrowed: m must
 * outlive the set).  ops is copied and may be NULL.  Nothing is walked until
 * the first pcc_set_refresh.  rescan_secs is the period of the safety full
 * rescan (0: never, as long as inotify works).  Without inotify (it could not
 * be initialised, or a watch could not be added: the watch limit) changes are
 * found by full rescans only, every rescan_secs, or every 10 s if rescan_secs
 * is 0; the set retries the missing watches at each of them, and directories
 * whose watches work still get their events.
 * Returns 0, -EINVAL or -ENOMEM.
 */
int pcc_set_new(const struct pcc_mounts *m, const struct pcc_set_ops *ops,
		unsigned rescan_secs, struct pcc_set **ret_set);

/* Frees the set, calling ops->removed for every container announced. */
void pcc_set_free(struct pcc_set *s);

/*
 * pcc_set_refresh - bring the set up to date: the first call walks every
 * hierarchy; later calls drain pending inotify events and rescan only the
 * directories they name, plus a full walk when rescan_secs have passed or
 * the inotify queue overflowed.  Cheap when nothing changed: one clock read
 * and one non-blocking read() of the inotify fd.  Returns the number of
 * containers added plus removed, or -errno (-ENOMEM, -EMFILE...): then the
 * set is still consistent, callbacks have run for every change made, and the
 * next refresh walks everything again.  Indexes for pcc_set_at and borrowed
 * pointers of removed containers are invalid after a refresh.
 */
int pcc_set_refresh(struct pcc_set *s);

/*
 * pcc_set_refresh_events - pcc_set_refresh without the periodic safety walk:
 * pending inotify events are handled (partial scans), and a full walk
 * happens only when the set cannot be right without one (the first
 * refresh, an inotify overflow, an error).  For a caller that must answer
 * quickly (a PMDA's fetch) and runs pcc_set_refresh at quiet moments, when
 * pcc_set_full_due_ms says.  Returns as pcc_set_refresh.
 */
int pcc_set_refresh_events(struct pcc_set *s);

/*
 * pcc_set_full_due_ms - milliseconds until the periodic full walk of
 * pcc_set_refresh is due: 0 if due now (or needed: nothing walked yet, an
 * overflow), INT_MAX if there is none (rescan_secs 0 and inotify
 * working) or it is further away, -EINVAL for a NULL set.
 */
int pcc_set_full_due_ms(const struct pcc_set *s);

/* The inotify fd, for callers that poll (-1 if inotify is unavailable). */
int pcc_set_fd(const struct pcc_set *s);

/* Containers in the set now (0 before the first refresh). */
size_t pcc_set_count(const struct pcc_set *s);
/*
 * i-th container in [0, count), NULL past the end; borrowed until the next
 * refresh.  The order is that of insertion and holds across refreshes, but
 * removals shift the indexes of later containers.
 */
struct pcc_container *pcc_set_at(const struct pcc_set *s, size_t i);
/* Lookup by cgroup path (exact, as in pcc_container.path), NULL if unknown. */
struct pcc_container *pcc_set_find(const struct pcc_set *s, const char *path);
/* Copies the counters into *ret_stats. */
void pcc_set_get_stats(const struct pcc_set *s, struct pcc_set_stats *ret_stats);

/* ------------------------------------------------------------------ accounting */

/*
 * Every statistic the accounting readers produce.  All values are uint64_t
 * in the unit named; "x100" values carry two decimals (the kernel's pressure
 * averages).  PCC_UNLIMITED marks a limit the kernel reports as none: v2
 * "max", v1 cpu.cfs_quota_us -1, a v1 memory.limit_in_bytes >= 2^62.
 * Shares and weight are converted into each other as runc, kubernetes and
 * systemd do: weight = 1 + ((shares - 2) * 9999) / 262142 and
 * shares = 2 + ((weight - 1) * 262142) / 9999.
 */
enum pcc_stat {
	/* cpu */
	PCC_CPU_USAGE = 0,	/* ns */
	PCC_CPU_USER,		/* ns */
	PCC_CPU_SYSTEM,		/* ns */
	PCC_CPU_NR_PERIODS,
	PCC_CPU_NR_THROTTLED,
	PCC_CPU_THROTTLED,	/* ns */
	PCC_CPU_QUOTA,		/* us per period, PCC_UNLIMITED if none */
	PCC_CPU_PERIOD,		/* us */
	PCC_CPU_SHARES,		/* v1 cpu.shares (v2: converted from weight) */
	PCC_CPU_WEIGHT,		/* v2 cpu.weight (v1: converted from shares) */
	/* memory */
	PCC_MEM_USAGE,		/* bytes */
	PCC_MEM_LIMIT,		/* bytes, PCC_UNLIMITED if none */
	PCC_MEM_RSS,		/* bytes: v1 total_rss, v2 anon */
	PCC_MEM_CACHE,		/* bytes: v1 total_cache, v2 file */
	PCC_MEM_INACTIVE_FILE,	/* bytes */
	PCC_MEM_SWAP,		/* bytes; v1: memsw usage - usage, only with swap accounting */
	PCC_MEM_FAILCNT,	/* v1 only */
	PCC_MEM_EV_LOW,		/* v2 memory.events */
	PCC_MEM_EV_HIGH,
	PCC_MEM_EV_MAX,
	PCC_MEM_EV_OOM,		/* v2; v1 has no count */
	PCC_MEM_EV_OOM_KILL,	/* v2 memory.events, v1 memory.oom_control (Linux >= 4.13) */
	/* io, summed over devices */
	PCC_IO_READ_BYTES,
	PCC_IO_WRITE_BYTES,
	PCC_IO_READS,
	PCC_IO_WRITES,
	/* pids */
	PCC_PIDS_CURRENT,
	PCC_PIDS_LIMIT,		/* PCC_UNLIMITED if "max" */
	/* pressure: {cpu,memory,io} x {some,full} x {avg10,avg60,avg300 (x100), total (us)};
	 * v2 hierarchy only; cpu "full" is missing before Linux 5.13 */
	PCC_PSI_FIRST,
	PCC_PSI_LAST = PCC_PSI_FIRST + 3 * 2 * 4 - 1,
	PCC_NSTAT
};

#define PCC_UNLIMITED	UINT64_MAX
#define PCC_PSI_STAT(res, full, field) \
	((enum pcc_stat)(PCC_PSI_FIRST + ((res) * 2 + (full)) * 4 + (field)))
enum pcc_psi_res { PCC_PSI_CPU = 0, PCC_PSI_MEMORY, PCC_PSI_IO };
enum pcc_psi_field { PCC_PSI_AVG10 = 0, PCC_PSI_AVG60, PCC_PSI_AVG300, PCC_PSI_TOTAL };

/* A set of statistics, as a bitmap. */
struct pcc_statset {
	uint64_t bits[(PCC_NSTAT + 63) / 64];
};
static inline void pcc_statset_add(struct pcc_statset *s, enum pcc_stat st)
{ s->bits[st / 64] |= 1ull << (st % 64); }
static inline bool pcc_statset_has(const struct pcc_statset *s, enum pcc_stat st)
{ return (s->bits[st / 64] >> (st % 64)) & 1; }

/* Per block device io of one container. */
struct pcc_iodev {
	unsigned major, minor;
	uint64_t rbytes, wbytes, rios, wios;
};

/*
 * One reading of one container.  Start with a zeroed struct; reuse it from
 * read to read so iodev is not reallocated.  An iodev field holds a value
 * only if the matching sum (PCC_IO_READ_BYTES for rbytes...) is in have.
 */
struct pcc_sample {
	struct pcc_statset have;	/* which v[] entries hold a value */
	uint64_t v[PCC_NSTAT];
	size_t niodev;			/* entries in iodev; 0 unless a PCC_IO_* was asked */
	struct pcc_iodev *iodev;	/* owned by the sample; pcc_sample_release() */
	size_t iodev_cap;
};

void pcc_sample_release(struct pcc_sample *s);	/* frees iodev (NULL ok); the struct may be reused */

struct pcc_acct;	/* per-container reader: which files exist, kept fds */

/*
 * The fds an owner lets its readers keep open, shared by all the accounting
 * readers of the owner and its network table (pcc_netns_table_new): held
 * never passes max.  A kept cgroup file is read with one pread at offset 0;
 * a file that is not kept is opened, read and closed on each read, which
 * costs about three times the CPU but holds no kernel memory between reads
 * (a kept fd, once read, holds ~4.6 kB: its struct file and the seq_file
 * page).  The owner zeroes the whole struct, sets max, and then leaves it
 * to the readers.
 *
 * The accounting readers share the budget by file KIND (memory.stat,
 * cpuacct.usage, pids.max...), not first come first served: the kinds read
 * most often keep an fd in every container, and the rest are opened per
 * read.  How the kinds are ranked and re-balanced as containers come and go
 * is described at the top of acct_plan.c and in pmdacontainers(1).  They
 * leave max/32 of the budget for the network table's new namespaces.
 */
struct pcc_acct_plan;
struct pcc_fdbudget {
	unsigned max;			/* fds the readers may keep open */
	unsigned held;			/* fds they keep open now, all readers */
	bool watch_settings;		/* set before the first reader is made: readers
					 * keep what their setting files say (limits,
					 * shares, weight) until inotify reports a write
					 * in their cgroup's directory; the owner calls
					 * pcc_fdbudget_sync() before each round of reads */
	struct pcc_acct_plan *plan;	/* the accounting readers' shared state: made by
					 * the first reader, freed with the last; NULL
					 * when there is none */
	/*
	 * Between the accounting readers and the network table: at 5000
	 * containers with a namespace each, a kept cgroup fd saved ~3 us a read
	 * of its file, a namespace's socket ~2 us a read of its interfaces over
	 * /proc/PID/net/dev, a pidfd ~0.5 us (a kill(pid, 0)) a read (bench/run.sh).
	 * So the files are planned first (less max/32 kept back for sockets),
	 * sockets take what is left, and pidfds and kept /proc/PID/net files
	 * only while no cgroup file is short of an fd.
	 */
	bool tight;			/* set by the plan: some cgroup file kind is not
					 * kept in every container; the network table then
					 * gives back its pidfds and kept files */
};

/*
 * pcc_fdbudget_sync - take in the writes inotify reported since the last
 * call, for readers of a budget with watch_settings: a reader whose cgroup
 * directory had one reads its setting files again at its next read (all
 * readers do after a lost event: a full queue).  Why: the setting files are
 * 5 of a v1 container's 17 files and a quarter of what a full read costs,
 * and the kernel changes them only when someone writes them.  Returns the
 * events taken (0 without watches), -EINVAL for NULL, or -errno of the
 * inotify read (then every reader reads its settings again).
 */
int pcc_fdbudget_sync(struct pcc_fdbudget *b);

/* What the accounting readers do with a budget (pcc_fdbudget_get_stats). */
struct pcc_fdbudget_stats {
	unsigned readers;	/* accounting readers sharing the budget */
	unsigned held;		/* fds they keep open (part of budget->held) */
	unsigned kinds;		/* file kinds the readers have (a kind: one cgroup file name) */
	unsigned kinds_kept;	/* kinds every reader may keep open, as of the last
				 * balance (the next read after readers come or go) */
	unsigned kinds_partial;	/* 0 or 1: a kind some readers may keep, in what room is left */
	uint64_t reads;		/* cgroup files read, since the first reader */
	uint64_t opens;		/* ... of them opened for the read (no kept fd) */
	uint64_t balances;	/* times the kinds were ranked again */
};

/*
 * pcc_fdbudget_get_stats - the counters of the accounting readers sharing b
 * (all zero when none is).  Returns 0, -EINVAL for NULL arguments.
 */
int pcc_fdbudget_get_stats(const struct pcc_fdbudget *b, struct pcc_fdbudget_stats *ret_stats);

/*
 * pcc_acct_new - a reader for the cgroup at path in each hierarchy of m
 * (m and budget borrowed, both must outlive the reader; budget NULL means
 * keep no fds).  path is as in /proc/PID/cgroup ("/docker/<id>"): absolute,
 * relative to each hierarchy's root, whose mountinfo root is stripped if the
 * mount shows a subtree.  Works out once which files hold which statistics
 * here and their paths; opens nothing yet.  A reader is for one thread at a
 * time.  Returns 0, -EINVAL (NULL, relative path, a ".." component) or
 * -ENOMEM.
 */
int pcc_acct_new(const struct pcc_mounts *m, const char *path,
		 struct pcc_fdbudget *budget, struct pcc_acct **ret_acct);
void pcc_acct_free(struct pcc_acct *a);

/*
 * pcc_acct_read - read the files behind the statistics in want (and only
 * those, each once), filling out->v/have for every statistic in want the
 * kernel provides here.  out->have and out->niodev are cleared first;
 * out->iodev is reused.  Returns the number of statistics filled (0 is
 * fine: nothing wanted exists here); -ENOENT if the cgroup has gone from
 * every hierarchy (have is then empty); -EINVAL for NULL arguments; other
 * -errno only for allocation failure.
 * A malformed file leaves its statistics out for this read.  A file missing
 * from a live cgroup (no memsw without swap accounting, no usage_user
 * before Linux 4.6) is left out and not looked for again by this reader; a
 * hierarchy the live cgroup is not in is looked at again at the next read,
 * then after 2, 4... and at most every 32 reads (an engine makes a cgroup
 * in one hierarchy after another).
 * Fds are kept as the budget's plan allows (see struct pcc_fdbudget), never
 * past budget->max; a kept fd of a removed cgroup (ENODEV) is closed, and
 * one reopen is tried in case the cgroup was made again.  Steady state: one
 * pread per wanted file, no allocation.  Readers sharing a budget share a
 * parse buffer too, so they must be used by one thread at a time together.
 */
int pcc_acct_read(struct pcc_acct *a, const struct pcc_statset *want,
		  struct pcc_sample *out);

/*
 * pcc_blkdev_name - the kernel name of a block device (sda, dm-0...) from
 * <sysroot>/sys/dev/block/M:m/uevent into dst; "M:m" if unknown (no such
 * device, no DEVNAME, or a name that is not a plain path component).
 * Returns the length written (NUL-terminated), -EINVAL for no dst, -ERANGE
 * if the name does not fit in dstlen (dst untouched).  Reads one small
 * sysfs file: for a new device, not for every fetch.
 */
int pcc_blkdev_name(int rootfd, unsigned major, unsigned minor, char *dst,
		    size_t dstlen);

/* ------------------------------------------------------------------ engine metadata */

/*
 * What a container's engine knows about it (name, image, pod, labels...),
 * read from the engine's own files on disk: no engine API calls, no
 * sockets.  Meant to be resolved when a container is discovered and checked
 * again now and then (every N seconds): a check that finds the source files
 * unchanged (same inode, size, mtime and ctime) costs one open and fstat
 * per file and reads nothing.
 *
 * Sources per engine (D is the engine's directory, see below):
 *   docker      D/containers/<id>/config.v2.json
 *   podman      D/overlay-containers/containers.json (names, image) and
 *               D/overlay-containers/<id>/userdata/config.json (annotations)
 *   containerd  D/io.containerd.runtime.v2.task/<namespace>/<id>/config.json
 *               (OCI annotations) and init.pid in the same directory
 *   crio        D/overlay-containers/<id>/userdata/config.json and pidfile
 *   kubernetes  (kubepods cgroupfs layout) containerd's files, else CRI-O's,
 *               else docker's (cri-dockerd)
 *   lxc         name from the cgroup; D/<name>/config if there (LXC; LXD
 *               and Incus keep theirs elsewhere: -ENODATA, name still set)
 *   nspawn      name from the cgroup; D/<name> (machined's KEY=value file)
 * Rootless containers (cid.uid >= 0) of podman and docker are read from the
 * owner's home: ~/.local/share/containers/storage and ~/.local/share/docker
 * (the defaults: a storage.conf or XDG_DATA_HOME moving them is not read).
 * Any other engine's container below a user's service gets no metadata
 * (-ENODATA; lxc and nspawn keep the name from the cgroup): the user made
 * that cgroup, and the system's files are not about it.
 * The home is $PCC_HOME_DIR/<uid> if PCC_HOME_DIR is set, else the passwd
 * entry's directory (getpwuid_r; /home/<user> if that is empty) below the
 * sysroot.  Everything below the home is the user's: it is opened without
 * following any symlink (openat2 RESOLVE_NO_SYMLINKS|RESOLVE_BENEATH, or
 * one component at a time with O_NOFOLLOW), files must be regular files
 * owned by that uid, and their content is as untrusted as any other.
 *
 * Engine directories: by default below the sysroot fd (so a fixture tree
 * given as PCC_SYSROOT holds them at their usual places):
 *   PCC_DOCKER_DIR      /var/lib/docker               (docker's data-root)
 *   PCC_PODMAN_DIR      /var/lib/containers/storage   (graphroot)
 *   PCC_CONTAINERD_DIR  /run/containerd               (containerd's state dir)
 *   PCC_CRIO_DIR        /run/containers/storage       (runroot)
 *   PCC_LXC_DIR         /var/lib/lxc
 *   PCC_MACHINES_DIR    /run/systemd/machines
 * An environment variable, when set and non-empty at pcc_engines_new, names
 * the directory instead, as an absolute path on the running system (NOT
 * below the sysroot), like pmdaroot's PCP_DOCKER_DIR.
 *
 * Bounds: a per-container file over 2 MiB, a containers.json over 8 MiB, a
 * pid file, machined or LXC config over 64 KiB is not read (-EFBIG); JSON
 * nested deeper than 64 levels, with duplicate keys, invalid UTF-8 or a NUL
 * is rejected whole (-EBADMSG).  Every string handed out is valid UTF-8 without control
 * characters (each bad byte or control character becomes U+FFFD) and at
 * most PCC_META_STR_MAX bytes (cut at a character boundary); at most
 * PCC_META_LABELS_MAX labels are kept.
 */

#define PCC_META_STR_MAX	4095	/* bytes in any string of a pcc_meta */
#define PCC_META_LABELS_MAX	256	/* labels kept per container */

enum pcc_cstate {
	PCC_CSTATE_UNKNOWN = 0,	/* the engine's files do not say */
	PCC_CSTATE_CREATED,
	PCC_CSTATE_RUNNING,
	PCC_CSTATE_PAUSED,
	PCC_CSTATE_RESTARTING,
	PCC_CSTATE_REMOVING,
	PCC_CSTATE_EXITED,
	PCC_CSTATE_DEAD,
	PCC_NCSTATE
};

/* "unknown", "created", "running", ... (docker's words); "unknown" if out of range. */
const char *pcc_cstate_name(enum pcc_cstate state);

struct pcc_label {
	char *key;		/* never NULL, never "" */
	char *value;		/* never NULL, may be "" */
};

/*
 * One container's metadata.  Immutable once returned: any thread may read
 * it; its owner frees it with pcc_meta_free.  Every char * is owned by the
 * meta, NULL when the engine's files do not give it.
 */
struct pcc_meta {
	enum pcc_engine runtime;	/* cid.engine, except for KUBERNETES: the runtime
					 * whose files were found (CONTAINERD, CRIO or
					 * DOCKER), KUBERNETES still if none was */
	int error;			/* 0, or the first problem met, as a negative errno:
					 *  -ENODATA  a source file is not there (yet)
					 *  -EBADMSG  malformed: not JSON, truncated, too deep,
					 *            invalid UTF-8, duplicate keys, a field
					 *            of the wrong type (that field is left
					 *            out, the others are kept)
					 *  -EFBIG    a file over its bound
					 *  -ELOOP    a symlink in a user's storage
					 *  -EPERM    not a regular file, or (rootless) not
					 *            owned by the container's user
					 *  -ESRCH    rootless owner without a home directory
					 *  -EINVAL   cid.id (not 1-64 lower-case hex) or
					 *            cid.name (not one path component)
					 *            unusable to name a file
					 *  or what open/read said (-EACCES...) */
	char *name;		/* docker Name without its '/', podman names[0], k8s container
				 * name (the pod name for a sandbox), nerdctl/name, lxc and
				 * nspawn cid.name (sanitized) */
	char *image;		/* as the user gave it: docker Config.Image, podman image-name,
				 * io.kubernetes.cri.image-name, io.kubernetes.cri-o.ImageName */
	char *pod;		/* kubernetes pod name */
	char *pod_namespace;	/* kubernetes namespace */
	char *container_type;	/* kubernetes: "sandbox" (the pod's pause container) or
				 * "container" */
	enum pcc_cstate state;	/* docker: from State; nspawn: RUNNING while machined has a
				 * leader; others UNKNOWN (see the cgroup's freezer) */
	char *started;		/* start time as the engine wrote it (RFC 3339) */
	int64_t started_sec;	/* the same in seconds since the epoch, 0 if unknown */
	char *created;		/* creation time (RFC 3339) */
	int64_t created_sec;	/* 0 if unknown */
	pid_t pid;		/* the container's init as the host sees it, 0 if unknown */
	size_t nlabels;
	struct pcc_label *labels;	/* sorted by key (strcmp), keys unique: docker
					 * Config.Labels, OCI annotations (podman,
					 * containerd, CRI-O: these hold the k8s labels
					 * too), lxc config keys, machined keys */
};

struct pcc_engines;	/* the reader: engine directories, caches, a read buffer */

struct pcc_engines_stats {
	uint64_t resolves;	/* pcc_meta_resolve calls that returned >= 0 */
	uint64_t unchanged;	/* ... of which returned 0 */
	uint64_t files_read;	/* files read whole (a shared containers.json once per change) */
	uint64_t bytes_read;
	uint64_t errors;	/* metas returned with error != 0 */
};

/*
 * pcc_engines_new - a metadata reader over the sysroot rootfd (duplicated:
 * the caller keeps its own fd).  Reads the PCC_*_DIR variables now; opens
 * engine directories lazily and keeps them open (reopened if removed).  A
 * reader is used by one thread at a time.  Returns 0, -EINVAL, -ENOMEM or
 * -errno from dup.
 */
int pcc_engines_new(int rootfd, struct pcc_engines **ret_engines);
void pcc_engines_free(struct pcc_engines *e);

/*
 * pcc_meta_resolve - the metadata of the container cid (typically a
 * pcc_container's cid) from its engine's files.  prev is this container's
 * previous result from this reader (NULL the first time; another
 * container's or reader's meta counts as NULL): when the source files are
 * the same as when prev was read (inode, size, mtime, ctime; a file still
 * missing counts as the same), nothing is read and 0 is returned.  Otherwise
 * returns 1 and a new meta in *ret_meta (the caller frees prev if it wants
 * the new one): even when the files are missing or broken, so that the
 * problem is reported once, in (*ret_meta)->error, and not re-read until a
 * file changes.  The container's identity (cid) is never in doubt: a meta
 * with error set just knows less.  Returns -EINVAL for NULL arguments or an
 * engine out of range, -ENOMEM; *ret_meta untouched then and on 0.
 */
int pcc_meta_resolve(struct pcc_engines *e, const struct pcc_cid *cid,
		     const struct pcc_meta *prev, struct pcc_meta **ret_meta);

/* Frees a meta from pcc_meta_resolve; NULL is fine. */
void pcc_meta_free(struct pcc_meta *m);

/* The value of label key (binary search), NULL if m has none or m is NULL. */
const char *pcc_meta_label(const struct pcc_meta *m, const char *key);

/* Copies the reader's counters into *ret_stats. */
void pcc_engines_get_stats(const struct pcc_engines *e, struct pcc_engines_stats *ret_stats);

/* ------------------------------------------------------------------ network */

/*
 * Per-container network statistics, read per network namespace.
 *
 * A container is found in a namespace through one of its processes
 * (pcc_cgroup_pid, then pcc_netns_attach).  Containers that share a
 * namespace (pod members, --network container:X) share its one reading; a
 * container in the host's namespace (--network host) is flagged
 * PCC_NETNS_HOST and gets no reading: the host's totals are not its own.
 * "The host's namespace" is that of <sysroot>/proc/1, or, when that cannot
 * be looked at, that of the thread that made the table.
 *
 * A namespace is entered once, when its first member is attached: a
 * short-lived thread started for that enters it (setns(CLONE_NEWNET)),
 * makes a NETLINK_ROUTE socket there and ends.  The socket stays bound to
 * the namespace; every read of its interfaces is one RTM_GETSTATS dump on
 * it.  The calling thread never changes namespace, and the process has an
 * extra thread only inside pcc_netns_attach, so a caller that enters a
 * mount namespace elsewhere (which needs a single-threaded process) still
 * can.  Entering needs CAP_SYS_ADMIN; looking at /proc/PID/ns/net needs
 * ptrace read access to PID.  Where a socket cannot be made (no privilege,
 * the fd budget is spent) or the kernel lacks RTM_GETSTATS (before Linux
 * 4.7), the namespace is read through /proc/PID/net/dev instead, and its
 * reading says PCC_NETNS_PROCFS.
 *
 * A kept socket, like a kept /proc/PID/net fd, holds its namespace alive
 * (and with it the namespace's interfaces, whose host-side veth peers would
 * otherwise vanish with it).  So a member whose process has gone (exited,
 * or moved to another namespace) lets go of its namespace at once, and a
 * namespace is closed when no member is left in it.  Liveness is one
 * kill(pid, 0) per member per round, and at every 16th of those an fstatat
 * of /proc/PID/ns/net, which also sees zombies, reused pids and processes
 * that moved to another namespace.  Pids are those of the caller's pid
 * namespace (as cgroup.procs gives them), which must be <sysroot>/proc's.
 *
 * A table and its members are used by one thread at a time.
 *
 * In a PMDA: one table beside the container set.  ops->added:
 * pcc_cgroup_pid(m, c->path, &pid), then pcc_netns_attach(t, pid, &member),
 * kept in c->priv (-ESRCH, no process yet: try again at a later fetch);
 * ops->removed: pcc_netns_detach.  A fetch that wants network metrics:
 * pcc_netns_table_refresh once, then pcc_netns_read per container; on
 * -ENOENT, detach and attach a process pcc_cgroup_pid finds now.
 */

/* Interface counters: the kernel's struct rtnl_link_stats64, in its order. */
struct pcc_ifstats {
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
	uint64_t rx_errors, tx_errors, rx_dropped, tx_dropped;
	uint64_t multicast, collisions;
	uint64_t rx_length_errors, rx_over_errors, rx_crc_errors, rx_frame_errors;
	uint64_t rx_fifo_errors, rx_missed_errors;
	uint64_t tx_aborted_errors, tx_carrier_errors, tx_fifo_errors;
	uint64_t tx_heartbeat_errors, tx_window_errors;
	uint64_t rx_compressed, tx_compressed;
	uint64_t rx_nohandler;		/* Linux >= 4.6, else 0 */
	uint64_t rx_otherhost_dropped;	/* Linux >= 5.19, else 0 */
};

#define PCC_IFNAME_MAX	63	/* bytes of a sanitized interface name (15 raw bytes, "\xHH" each) */

/* Bytes of struct pcc_ifstats a PCC_NETWANT_IFBASE reading keeps current: */
#define PCC_IFSTATS_BASE	(4 * sizeof(uint64_t))	/* {rx,tx}_{packets,bytes} */

/*
 * One interface of a namespace.  ifindex and the first counters share a
 * cache line: a fetch of bytes and packets touches one line an interface.
 */
struct pcc_netif {
	uint32_t ifindex;		/* in its namespace; 0 in PCC_NETNS_PROCFS readings */
	uint32_t peer_ifindex;		/* the host-side device's ifindex, 0 if none */
	struct pcc_ifstats st;		/* the first st_len bytes of the reading are current
					 * (the rest as last read in full, or 0);
					 * PCC_NETNS_PROCFS: only what /proc/net/dev shows,
					 * folded as it shows it (rx_dropped includes
					 * rx_missed_errors; rx_frame_errors the length, over,
					 * crc and frame errors; tx_carrier_errors the
					 * aborted, carrier, heartbeat and window errors);
					 * the other fields are 0 */
	char name[PCC_IFNAME_MAX + 1];	/* pcc_name_sanitize()d name; "" until learnt */
	char peer[PCC_IFNAME_MAX + 1];	/* the host-side device it is linked to (veth peer,
					 * macvlan parent), sanitized; "" if none or not in
					 * the host's namespace */
};

/*
 * Protocol counters of a namespace, from /proc/PID/net/snmp ("Tcp:",
 * "Udp:"), netstat ("TcpExt:") and sockstat.  Counters count since the
 * namespace was made; the PCC_NET_SOCK_* values are gauges.
 */
enum pcc_netstat {
	PCC_NET_TCP_ACTIVE_OPENS = 0,	/* snmp Tcp: ActiveOpens */
	PCC_NET_TCP_PASSIVE_OPENS,	/* PassiveOpens */
	PCC_NET_TCP_ATTEMPT_FAILS,	/* AttemptFails */
	PCC_NET_TCP_ESTAB_RESETS,	/* EstabResets */
	PCC_NET_TCP_CURR_ESTAB,		/* CurrEstab (a gauge) */
	PCC_NET_TCP_IN_SEGS,		/* InSegs */
	PCC_NET_TCP_OUT_SEGS,		/* OutSegs */
	PCC_NET_TCP_RETRANS_SEGS,	/* RetransSegs */
	PCC_NET_TCP_IN_ERRS,		/* InErrs */
	PCC_NET_TCP_OUT_RSTS,		/* OutRsts */
	PCC_NET_UDP_IN_DATAGRAMS,	/* snmp Udp: InDatagrams */
	PCC_NET_UDP_NO_PORTS,		/* NoPorts */
	PCC_NET_UDP_IN_ERRORS,		/* InErrors */
	PCC_NET_UDP_OUT_DATAGRAMS,	/* OutDatagrams */
	PCC_NET_UDP_RCVBUF_ERRORS,	/* RcvbufErrors */
	PCC_NET_UDP_SNDBUF_ERRORS,	/* SndbufErrors */
	PCC_NET_TCP_LISTEN_OVERFLOWS,	/* netstat TcpExt: ListenOverflows */
	PCC_NET_TCP_LISTEN_DROPS,	/* ListenDrops */
	PCC_NET_TCP_TIMEOUTS,		/* TCPTimeouts */
	PCC_NET_TCP_SYN_RETRANS,	/* TCPSynRetrans (Linux >= 3.12) */
	PCC_NET_TCP_ABORT_ON_DATA,	/* TCPAbortOnData (resets sent on unread data) */
	PCC_NET_SOCK_USED,		/* sockstat "sockets: used" (all families) */
	PCC_NET_SOCK_TCP_INUSE,		/* sockstat TCP: inuse */
	PCC_NET_SOCK_TCP_ORPHAN,	/* orphan */
	PCC_NET_SOCK_TCP_TW,		/* tw */
	PCC_NET_SOCK_TCP_ALLOC,		/* alloc */
	PCC_NET_SOCK_UDP_INUSE,		/* sockstat UDP: inuse */
	PCC_NET_NSTAT
};

/* Bits of the want argument of pcc_netns_read. */
#define PCC_NETWANT(stat)	(1ull << (stat))		/* one protocol counter */
#define PCC_NETWANT_IFACES	(1ull << 63)			/* the interfaces */
/*
 * The interfaces, with only the first PCC_IFSTATS_BASE bytes of each one's
 * counters read ({rx,tx}_{packets,bytes}): what most fetches want, and a
 * quarter of the bytes to copy and keep in cache per interface.
 */
#define PCC_NETWANT_IFBASE	(1ull << 62)
#define PCC_NETWANT_COUNTERS	((1ull << PCC_NET_NSTAT) - 1)	/* every protocol counter */
#define PCC_NETWANT_ALL		(PCC_NETWANT_IFACES | PCC_NETWANT_IFBASE | PCC_NETWANT_COUNTERS)

/* Flags returned by pcc_netns_attach and pcc_netns_read. */
enum pcc_netns_flag {
	PCC_NETNS_HOST = 1 << 0,	/* in the host's namespace: no reading */
	PCC_NETNS_SHARED = 1 << 1,	/* other members are in the same namespace */
	PCC_NETNS_PROCFS = 1 << 2,	/* interfaces read from /proc/PID/net/dev */
};

/* One namespace's reading, shared by its members. */
struct pcc_netns_reading {
	unsigned flags;			/* enum pcc_netns_flag bits */
	unsigned members;		/* members attached to the namespace now */
	uint64_t ns_ino;		/* the namespace's inode number (as in net:[N]), 0 for host */
	size_t nif;			/* entries in ifs */
	const struct pcc_netif *ifs;	/* in the kernel's dump order; NULL if nif is 0 */
	size_t st_len;			/* bytes of each ifs[].st read in this round:
					 * sizeof(struct pcc_ifstats) for PCC_NETWANT_IFACES,
					 * PCC_IFSTATS_BASE for PCC_NETWANT_IFBASE alone */
	uint64_t names_gen;		/* the same from one reading to the next while nif,
					 * ifs and every name and peer in it stay as they
					 * were; never the same in two namespaces, never 0:
					 * a reader may keep what it matched by name */
	uint64_t have;			/* PCC_NETWANT() bits of v[] holding a value */
	uint64_t v[PCC_NET_NSTAT];
};

struct pcc_netns_table;		/* every namespace the members are in */
struct pcc_netns_member;	/* one process (a container's) in one of them */

/*
 * pcc_netns_table_new - an empty table reading /proc below rootfd (borrowed:
 * it must outlive the table).  budget (borrowed, may be NULL) counts every
 * fd the table keeps: a namespace's socket is made only while
 * budget->held < budget->max, and /proc/PID/net files are kept open
 * (pread at offset 0 on each read) and members' exits watched (a pidfd
 * each, and the table's epoll set) only while room is left after that;
 * with budget NULL every namespace gets a socket and no file is kept.
 * Starts no thread and enters nothing.  Returns 0, -EINVAL, -ENOMEM, or the
 * error of looking at the host's namespace (-ENOENT without /proc).
 */
int pcc_netns_table_new(int rootfd, struct pcc_fdbudget *budget,
			struct pcc_netns_table **ret_table);

/*
 * Frees the table, closing every socket and fd it keeps.  Members still
 * attached are freed with it: their pointers are invalid afterwards, so
 * detach them first (a PMDA: free the container set first).  NULL is fine.
 */
void pcc_netns_table_free(struct pcc_netns_table *t);

/*
 * pcc_netns_table_refresh - start a new round: every reading is taken anew
 * on its first pcc_netns_read after this, and members that were not read in
 * the round that ends are checked for liveness, so the namespaces of gone
 * processes are closed even if nobody reads them.  Call it once per fetch.
 * Returns the number of members found gone now (they stay attached, reading
 * -ENOENT, until detached).
 */
int pcc_netns_table_refresh(struct pcc_netns_table *t);

/*
 * pcc_netns_attach - a member for process pid.  If pid is in the host's
 * namespace the member is flagged PCC_NETNS_HOST and holds nothing; if the
 * namespace is known already the member joins it (PCC_NETNS_SHARED);
 * otherwise the namespace is entered (see above), which takes one thread
 * start, one setns and one socket: tens of microseconds.  Returns the flags
 * and *ret_member (free it with pcc_netns_detach); -ENOENT if pid is gone
 * (or a zombie); -EACCES/-EPERM if its namespace may not be looked at;
 * -EINVAL, -ENOMEM, -EMFILE.
 */
int pcc_netns_attach(struct pcc_netns_table *t, pid_t pid,
		     struct pcc_netns_member **ret_member);

/*
 * Frees a member; the last member of a namespace closes its socket and
 * fds.  Readings of that namespace are invalid afterwards.  NULL is fine.
 */
void pcc_netns_detach(struct pcc_netns_member *m);

/*
 * pcc_netns_read - the reading of m's namespace in this round: its
 * interfaces if want has PCC_NETWANT_IFACES (or PCC_NETWANT_IFBASE: their
 * first counters only; a later read in the round wanting IFACES reads
 * again), the protocol counters whose
 * PCC_NETWANT() bits are in want.  The first member of a namespace read in
 * a round reads the kernel (one RTM_GETSTATS dump; RTM_GETLINK too, to
 * learn names and host peers, when the set of interfaces changed or the
 * kernel notified a link change in the namespace since the last read, and
 * every 1024th read for renames on the host side (64th where the socket
 * could not subscribe to the notifications); one pread per /proc/PID/net
 * file the wanted counters are in);
 * other members, and later reads in the round wanting nothing more, cost
 * nothing.  Returns the flags and *ret_reading, borrowed until the next
 * pcc_netns_table_refresh or until the namespace is closed; for a
 * PCC_NETNS_HOST member an empty reading.  -ENOENT if m's process has gone
 * (m no longer holds its namespace: detach it, and attach another process
 * of the container if it has one); -EINVAL; -ENOMEM.  A counter file or
 * dump that fails is left out of the reading (have, nif), not an error.
 * When gone is seen: with a budget that has room, a member's exit is
 * watched (a pidfd in an epoll set of the table: two fds of the budget for
 * the first member, one for each other) and the round's first read of any
 * watched member asks once which have exited, so an exit before that read
 * is -ENOENT in this round and one after it in the next; other members
 * (no budget, or none left) are checked at each read (kill(pid, 0)).
 */
int pcc_netns_read(struct pcc_netns_member *m, uint64_t want,
		   const struct pcc_netns_reading **ret_reading);

/*
 * pcc_cgroup_pid - a process of the container whose cgroup is path (as in
 * pcc_container.path), to attach: the lowest pid in its cgroup.procs in the
 * first of m's hierarchies that has the cgroup (the v2 one first), or, when
 * the container's own cgroup holds none (cgroup v2 with systemd inside:
 * processes sit in child cgroups), the lowest pid of the first child cgroup
 * that has one, depth first, at most 8 levels down; symlinks are not
 * followed.  Pids are those of the caller's pid namespace.  Returns 0 and
 * *ret_pid; -ENOENT if the cgroup is gone; -ESRCH if it has no process;
 * -EINVAL; -ENOMEM.
 */
int pcc_cgroup_pid(const struct pcc_mounts *m, const char *path, pid_t *ret_pid);

#ifdef __cplusplus
}
#endif
#endif /* PCP_CONTAINER_H */
