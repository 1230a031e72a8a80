/*
 * fuzz_procnet_netstat.c - /proc/PID/net/netstat texts through pcc_procnet_parse;
 * the checks are in procnet_check.h.
 */
#include "procnet_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	procnet_check(PCC_PNF_NETSTAT, data, size);
	return 0;
}
