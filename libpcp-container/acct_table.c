/*
 * acct_table.c - every accounting statistic described once: the controller
 * that has it and, for cgroup v1 and v2, the file, key and conversion it is
 * read with.  acct.c turns this into per-container readers; nothing else
 * knows a file name.
 *
 * Units are the ones enum pcc_stat names: times in ns (v2 prints us), sizes
 * in bytes, limits PCC_UNLIMITED when the kernel has none, whatever it
 * prints for none ("max", "-1", or v1's page-rounded LONG_MAX).
 *
 * Choices worth knowing:
 *  - v1 user/system cpu comes from cpuacct.usage_user/usage_sys (ns, since
 *    Linux 4.6), not cpuacct.stat (USER_HZ ticks).  Kernels without them
 *    leave PCC_CPU_USER/SYSTEM out.
 *  - v1 swap is memsw usage minus memory usage, only where memsw exists
 *    (swap accounting on); the reader subtracts after reading both.
 *  - shares and weight are converted both ways with the formulas runc,
 *    kubernetes and systemd use (see pcc_acct_convert).
 *  - blkio is read from the throttle files, which count every bio on every
 *    io scheduler; the _recursive ones (Linux 4.x+) include child cgroups
 *    like v2 io.stat does, and the plain ones are the fallback.
 */
#include <errno.h>

#include "acct.h"
#include "keyed.h"

/*
 * The last field is the file's rank: its kind in the kept-fd plan and the
 * order in which kinds keep fds when reads do not tell them apart (see
 * acct_plan.c).  Counters and usage first, since they are what every
 * client samples; the pressure files next; files that only change when
 * someone changes a setting (limits, shares, weight) last: from
 * ACCT_RANK_SETTING on, which readers of a watching budget keep until a
 * write (acct_settings.c).  v1 and v2
 * files of one statistic are never on one host together, so their
 * relative order does not matter; cpu.stat, shared by both, is v2's cpu
 * counter.
 */
static const struct acct_file
	cpuacct_usage	= { "cpuacct.usage", NULL, ACCT_VALUE, 0 },
	cpu_stat	= { "cpu.stat", NULL, ACCT_FLAT, 1 },
	mem_usage	= { "memory.usage_in_bytes", NULL, ACCT_VALUE, 2 },
	mem_current	= { "memory.current", NULL, ACCT_VALUE, 3 },
	memory_stat	= { "memory.stat", NULL, ACCT_FLAT, 4 },
	pids_current	= { "pids.current", NULL, ACCT_VALUE, 5 },
	blkio_bytes	= { "blkio.throttle.io_service_bytes_recursive",
			    "blkio.throttle.io_service_bytes", ACCT_BLKIO, 6 },
	io_stat		= { "io.stat", NULL, ACCT_NESTED, 7 },
	blkio_ios	= { "blkio.throttle.io_serviced_recursive",
			    "blkio.throttle.io_serviced", ACCT_BLKIO, 8 },
	cpuacct_user	= { "cpuacct.usage_user", NULL, ACCT_VALUE, 9 },
	cpuacct_sys	= { "cpuacct.usage_sys", NULL, ACCT_VALUE, 10 },
	memsw_usage	= { "memory.memsw.usage_in_bytes", NULL, ACCT_VALUE, 11 },
	swap_current	= { "memory.swap.current", NULL, ACCT_VALUE, 12 },
	mem_events	= { "memory.events", NULL, ACCT_FLAT, 13 },
	cpu_pressure	= { "cpu.pressure", NULL, ACCT_PSI, 14 },
	memory_pressure	= { "memory.pressure", NULL, ACCT_PSI, 15 },
	io_pressure	= { "io.pressure", NULL, ACCT_PSI, 16 },
	oom_control	= { "memory.oom_control", NULL, ACCT_FLAT, 17 },
	mem_failcnt	= { "memory.failcnt", NULL, ACCT_VALUE, 18 },
	mem_limit	= { "memory.limit_in_bytes", NULL, ACCT_VALUE, 19 },
	mem_max		= { "memory.max", NULL, ACCT_VALUE, 20 },
	cpu_max		= { "cpu.max", NULL, ACCT_PAIR, 21 },
	cfs_quota	= { "cpu.cfs_quota_us", NULL, ACCT_VALUE, 22 },
	cfs_period	= { "cpu.cfs_period_us", NULL, ACCT_VALUE, 23 },
	cpu_shares	= { "cpu.shares", NULL, ACCT_VALUE, 24 },
	cpu_weight	= { "cpu.weight", NULL, ACCT_VALUE, 25 },
	pids_max	= { "pids.max", NULL, ACCT_VALUE, 26 };

/* Every file, in rank order (kinds[i]->rank == i). */
const struct acct_file *const pcc_acct_kinds[] = {
	&cpuacct_usage, &cpu_stat, &mem_usage, &mem_current, &memory_stat,
	&pids_current, &blkio_bytes, &io_stat, &blkio_ios, &cpuacct_user,
	&cpuacct_sys, &memsw_usage, &swap_current, &mem_events, &cpu_pressure,
	&memory_pressure, &io_pressure, &oom_control, &mem_failcnt, &mem_limit,
	&mem_max, &cpu_max, &cfs_quota, &cfs_period, &cpu_shares, &cpu_weight,
	&pids_max,
};
const size_t pcc_acct_nkinds = sizeof(pcc_acct_kinds) / sizeof(pcc_acct_kinds[0]);

#define VAL(f, conv)		{ &(f), NULL, 0, (conv) }
#define KEY(f, k, conv)		{ &(f), (k), 0, (conv) }
#define IDX(f, k, i)		{ &(f), (k), (i), CONV_NONE }
#define NONE			{ NULL, NULL, 0, CONV_NONE }

/* The iodev field a row fills: the order of struct pcc_iodev. */
enum { RBYTES, WBYTES, RIOS, WIOS };

/* Eight pressure rows of one resource: {some, full} x {avg10, avg60, avg300, total}. */
#define PSI_ROW(res, full, field, f) \
	{ PCC_PSI_STAT(res, full, field), PCC_CTRL_PSI, NONE, IDX(f, NULL, (full) * 4 + (field)) }
#define PSI_ROWS(res, f) \
	PSI_ROW(res, 0, 0, f), PSI_ROW(res, 0, 1, f), PSI_ROW(res, 0, 2, f), PSI_ROW(res, 0, 3, f), \
	PSI_ROW(res, 1, 0, f), PSI_ROW(res, 1, 1, f), PSI_ROW(res, 1, 2, f), PSI_ROW(res, 1, 3, f)

const struct acct_row pcc_acct_rows[] = {
	/* stat			ctrl		  v1						v2 */
	{ PCC_CPU_USAGE,	PCC_CTRL_CPUACCT, VAL(cpuacct_usage, CONV_NONE),		KEY(cpu_stat, "usage_usec", CONV_US) },
	{ PCC_CPU_USER,		PCC_CTRL_CPUACCT, VAL(cpuacct_user, CONV_NONE),		KEY(cpu_stat, "user_usec", CONV_US) },
	{ PCC_CPU_SYSTEM,	PCC_CTRL_CPUACCT, VAL(cpuacct_sys, CONV_NONE),		KEY(cpu_stat, "system_usec", CONV_US) },
	{ PCC_CPU_NR_PERIODS,	PCC_CTRL_CPU,	  KEY(cpu_stat, "nr_periods", CONV_NONE),	KEY(cpu_stat, "nr_periods", CONV_NONE) },
	{ PCC_CPU_NR_THROTTLED,	PCC_CTRL_CPU,	  KEY(cpu_stat, "nr_throttled", CONV_NONE),	KEY(cpu_stat, "nr_throttled", CONV_NONE) },
	{ PCC_CPU_THROTTLED,	PCC_CTRL_CPU,	  KEY(cpu_stat, "throttled_time", CONV_NONE),	KEY(cpu_stat, "throttled_usec", CONV_US) },
	{ PCC_CPU_QUOTA,	PCC_CTRL_CPU,	  VAL(cfs_quota, CONV_NEG1),			{ &cpu_max, NULL, 0, CONV_MAX } },
	{ PCC_CPU_PERIOD,	PCC_CTRL_CPU,	  VAL(cfs_period, CONV_NONE),			{ &cpu_max, NULL, 1, CONV_MAX } },
	{ PCC_CPU_SHARES,	PCC_CTRL_CPU,	  VAL(cpu_shares, CONV_NONE),			VAL(cpu_weight, CONV_W2S) },
	{ PCC_CPU_WEIGHT,	PCC_CTRL_CPU,	  VAL(cpu_shares, CONV_S2W),			VAL(cpu_weight, CONV_NONE) },

	{ PCC_MEM_USAGE,	PCC_CTRL_MEMORY,  VAL(mem_usage, CONV_NONE),			VAL(mem_current, CONV_NONE) },
	{ PCC_MEM_LIMIT,	PCC_CTRL_MEMORY,  VAL(mem_limit, CONV_V1LIMIT),		VAL(mem_max, CONV_MAX) },
	{ PCC_MEM_RSS,		PCC_CTRL_MEMORY,  KEY(memory_stat, "total_rss", CONV_NONE),	KEY(memory_stat, "anon", CONV_NONE) },
	{ PCC_MEM_CACHE,	PCC_CTRL_MEMORY,  KEY(memory_stat, "total_cache", CONV_NONE),	KEY(memory_stat, "file", CONV_NONE) },
	{ PCC_MEM_INACTIVE_FILE, PCC_CTRL_MEMORY, KEY(memory_stat, "total_inactive_file", CONV_NONE), KEY(memory_stat, "inactive_file", CONV_NONE) },
	{ PCC_MEM_SWAP,		PCC_CTRL_MEMORY,  VAL(memsw_usage, CONV_SWAP_V1),		VAL(swap_current, CONV_NONE) },
	{ PCC_MEM_FAILCNT,	PCC_CTRL_MEMORY,  VAL(mem_failcnt, CONV_NONE),		NONE },
	{ PCC_MEM_EV_LOW,	PCC_CTRL_MEMORY,  NONE,					KEY(mem_events, "low", CONV_NONE) },
	{ PCC_MEM_EV_HIGH,	PCC_CTRL_MEMORY,  NONE,					KEY(mem_events, "high", CONV_NONE) },
	{ PCC_MEM_EV_MAX,	PCC_CTRL_MEMORY,  NONE,					KEY(mem_events, "max", CONV_NONE) },
	{ PCC_MEM_EV_OOM,	PCC_CTRL_MEMORY,  NONE,					KEY(mem_events, "oom", CONV_NONE) },
	{ PCC_MEM_EV_OOM_KILL,	PCC_CTRL_MEMORY,  KEY(oom_control, "oom_kill", CONV_NONE),	KEY(mem_events, "oom_kill", CONV_NONE) },

	{ PCC_IO_READ_BYTES,	PCC_CTRL_IO,	  IDX(blkio_bytes, "Read", RBYTES),		IDX(io_stat, "rbytes", RBYTES) },
	{ PCC_IO_WRITE_BYTES,	PCC_CTRL_IO,	  IDX(blkio_bytes, "Write", WBYTES),		IDX(io_stat, "wbytes", WBYTES) },
	{ PCC_IO_READS,		PCC_CTRL_IO,	  IDX(blkio_ios, "Read", RIOS),		IDX(io_stat, "rios", RIOS) },
	{ PCC_IO_WRITES,	PCC_CTRL_IO,	  IDX(blkio_ios, "Write", WIOS),		IDX(io_stat, "wios", WIOS) },

	{ PCC_PIDS_CURRENT,	PCC_CTRL_PIDS,	  VAL(pids_current, CONV_NONE),		VAL(pids_current, CONV_NONE) },
	{ PCC_PIDS_LIMIT,	PCC_CTRL_PIDS,	  VAL(pids_max, CONV_MAX),			VAL(pids_max, CONV_MAX) },

	/* pressure exists on v2 only; by_ctrl[PCC_CTRL_PSI] is always a v2 hierarchy */
	PSI_ROWS(PCC_PSI_CPU, cpu_pressure),
	PSI_ROWS(PCC_PSI_MEMORY, memory_pressure),
	PSI_ROWS(PCC_PSI_IO, io_pressure),
};

const size_t pcc_acct_nrows = sizeof(pcc_acct_rows) / sizeof(pcc_acct_rows[0]);

/*
 * cpu.shares (v1: 2..262144, default 1024) and cpu.weight (v2: 1..10000,
 * default 100) map linearly onto each other, end to end, as runc, kubernetes
 * and systemd convert them:
 *	weight = 1 + ((shares - 2) * 9999) / 262142
 *	shares = 2 + ((weight - 1) * 262142) / 9999
 * so 1024 shares read as weight 39 and weight 100 as 2597 shares (the
 * integer division makes the round trip lossy).  Inputs are clamped to
 * their kernel ranges first.
 */
static uint64_t shares_to_weight(uint64_t shares)
{
	shares = shares < 2 ? 2 : shares > 262144 ? 262144 : shares;
	return 1 + ((shares - 2) * 9999) / 262142;
}

static uint64_t weight_to_shares(uint64_t weight)
{
	weight = weight < 1 ? 1 : weight > 10000 ? 10000 : weight;
	return 2 + ((weight - 1) * 262142) / 9999;
}

/*
 * v1 has no "max": an unlimited memory.limit_in_bytes is PAGE_COUNTER_MAX
 * pages, LONG_MAX rounded down to the page size (9223372036854771712 with
 * 4 KiB pages, less with 64 KiB ones).  No machine has 4 EiB of memory, so
 * anything from 2^62 up means no limit.
 */
#define V1_UNLIMITED_FLOOR	(1ull << 62)

int pcc_acct_convert(enum acct_conv conv, uint64_t raw, uint64_t *ret_val)
{
	uint64_t v = raw;

	switch (conv) {
	case CONV_US:
		if (raw > UINT64_MAX / 1000)
			return -ERANGE;
		v = raw * 1000;
		break;
	case CONV_V1LIMIT:
		if (raw >= V1_UNLIMITED_FLOOR)
			v = PCC_UNLIMITED;
		break;
	case CONV_S2W:
		v = shares_to_weight(raw);
		break;
	case CONV_W2S:
		v = weight_to_shares(raw);
		break;
	case CONV_NONE:
	case CONV_MAX:
	case CONV_NEG1:
	case CONV_SWAP_V1:
		break;
	}
	*ret_val = v;
	return 0;
}

unsigned pcc_acct_parse_flags(enum acct_conv conv)
{
	return conv == CONV_MAX ? PCC_KEYED_MAX : conv == CONV_NEG1 ? PCC_KEYED_NEG1 : 0;
}
