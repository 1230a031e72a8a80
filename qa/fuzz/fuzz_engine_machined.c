/*
 * fuzz_engine_machined.c - a systemd-machined state file
 * (/run/systemd/machines/<name>: "KEY=value" lines, values quoted and
 * escaped) through machine_parse.  Checked (fuzz.h): 0 (or -ENOMEM), no
 * error, at most the five labels machined's keys map to, state RUNNING
 * exactly when a leader pid was read, a start time only with its seconds,
 * clean strings.
 */
#include <errno.h>

#include "engine.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct meta_priv *b = fuzz_meta_new(PCC_ENGINE_NSPAWN);
	int rc = machine_parse(b, (const char *)data, size);

	FUZZ_CHECK(b->pub.nlabels <= 5);
	if (rc == 0)
		FUZZ_CHECK((b->pub.state == PCC_CSTATE_RUNNING) == (b->pub.pid > 0));
	FUZZ_CHECK(b->pub.started == NULL || b->pub.started_sec > 0);
	fuzz_meta_done(b, rc, NULL, 0);
	return 0;
}
