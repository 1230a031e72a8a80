/*
 * fuzz_engine_docker.c - docker's config.v2.json through docker_parse, the
 * parse step of the docker engine's fill.  Checked (fuzz.h): the parse
 * returns 0 (or -ENOMEM), and the finished meta holds only clean strings,
 * sorted unique labels, a state, pid and times in range, and an error that
 * is 0 or -EBADMSG.
 */
#include <errno.h>

#include "engine.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int errors[] = { -EBADMSG };
	struct meta_priv *b = fuzz_meta_new(PCC_ENGINE_DOCKER);
	int rc = docker_parse(b, (const char *)data, size);

	/* a pid only for a container that runs */
	FUZZ_CHECK(b->pub.pid == 0 || b->pub.state == PCC_CSTATE_RUNNING ||
		   b->pub.state == PCC_CSTATE_PAUSED || b->pub.state == PCC_CSTATE_RESTARTING);
	fuzz_meta_done(b, rc, errors, 1);
	return 0;
}
