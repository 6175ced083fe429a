// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: the inspector's configuration readers, which take a path.
 * The first byte picks one, the rest is the file: 'c' classification.config
 * (class_table_load), 't' threshold.config (read into a small rule set,
 * then a packet of each rule through a worker), anything else
 * inspector.conf (libinih, then every [vars] and [engine] value through
 * the setters).  Checks: a table loaded has names, descriptions and
 * priorities 0-255, and every name it has is found; a refusal says why.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

static char path[] = "/tmp/fuzz-config-XXXXXX", rules[] = "/tmp/fuzz-rules-XXXXXX";
static int fd = -1;

static void remove_file(void)
{
	unlink(path);
	unlink(rules);
}

static const char rules_text[] =
	"alert udp any any -> any any (msg:\"a\"; content:\"A\"; sid:1;)\n"
	"drop udp any any -> any any (msg:\"b\"; content:\"B\"; "
	"threshold:type limit, track by_src, count 1, seconds 9; sid:2;)\n"
	"alert udp any any -> any any (msg:\"c\"; content:\"C\"; gid:3; sid:2;)\n";

static void fuzz_thresholds(void)
{
	struct snet_inspect_config *cfg;
	struct snet_inspect_ruleset *rs = NULL;
	struct snet_inspect_report *rep = NULL;
	struct snet_inspect_worker *w = NULL;
	const char *p[] = { rules };

	if (snet_inspect_config_new(&cfg))
		return;
	if (snet_inspect_config_set(cfg, "threshold-file", path))
		abort();
	if (!snet_inspect_ruleset_load(cfg, p, 1, &rs, &rep) &&
	    !snet_inspect_worker_new(rs, NULL, &w)) {
		/* UDP 10.0.0.1:1000 -> 10.0.0.2:2000, payload "ABC" */
		static const uint8_t pkt[] = {
			0x45, 0, 0, 31, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
			0x03, 0xe8, 0x07, 0xd0, 0, 11, 0, 0, 'A', 'B', 'C',
		};
		struct snet_inspect_verdict v;
		struct timespec ts = { 1, 0 };
		for (int i = 0; i < 3; i++)
			(void)snet_inspect_worker_packet(w, pkt, sizeof(pkt), &ts, NULL, &v);
		snet_inspect_worker_free(w);
	}
	if (rs)
		snet_inspect_ruleset_unref(rs);
	snet_inspect_report_free(rep);
	snet_inspect_config_free(cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512] = "";

	if (!size)
		return 0;
	if (fd < 0) {
		int rfd = mkstemp(rules);
		if ((fd = mkstemp(path)) < 0 || rfd < 0 ||
		    write(rfd, rules_text, sizeof(rules_text) - 1) != sizeof(rules_text) - 1)
			abort();
		close(rfd);
		atexit(remove_file);
	}
	if (ftruncate(fd, 0) || pwrite(fd, data + 1, size - 1, 0) != (ssize_t)(size - 1))
		abort();
	if (data[0] == 't') {
		fuzz_thresholds();
	} else if (data[0] == 'c') {
		struct class_table t = { 0 };
		int rc = class_table_load(&t, path, err, sizeof(err));
		if (rc && rc != -ENOMEM && !err[0])
			abort();
		for (size_t i = 0; !rc && i < t.n; i++) {
			if (!t.v[i].name || !t.v[i].desc || t.v[i].priority < 0 ||
			    t.v[i].priority > 255 || !class_table_find(&t, t.v[i].name))
				abort();
		}
		class_table_free(&t);
	} else {
		struct snet_inspect_config *cfg;
		if (snet_inspect_config_new(&cfg))
			return 0;
		int rc = snet_inspect_config_load(cfg, path, err, sizeof(err));
		if (rc && rc != -ENOMEM && !err[0])
			abort();
		snet_inspect_config_free(cfg);
	}
	return 0;
}
