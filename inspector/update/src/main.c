// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snet-update: keeps the signatures of the snet inspector current.
 *
 *   snet-update [-c CONFIG] [-f] [-n] [-q|-v] [--no-reload]   update
 *   snet-update [-c CONFIG] --rollback [--no-reload]           previous set back
 *   snet-update [-c CONFIG] -t                                  check configuration
 *   snet-update [-c CONFIG] update-sources                     fetch the source index
 *   snet-update [-c CONFIG] list-sources [--enabled]           what the index offers
 *   snet-update [-c CONFIG] enable-source NAME [PARAM=VALUE...]
 *   snet-update [-c CONFIG] disable-source|remove-source NAME
 *   snet-update keygen [-o BASE]                               Ed25519 key pair
 *   snet-update publish -k KEY [-o DIR] [-n NAME] [-i INSPECTOR_CONF] RULES_DIR
 *
 * Exit status: 0 done (or already up to date), 1 refused or failed with the
 * installed set unchanged, 2 usage or configuration error, 3 installed (or
 * rolled back) but the reload command failed.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "changes.h"
#include "config.h"
#include "fetch.h"
#include "publish.h"
#include "sources.h"
#include "update.h"
#include "verify.h"

#define EXIT_REFUSED 1
#define EXIT_USAGE 2
#define EXIT_RELOAD 3

static void usage(FILE *f)
{
	fprintf(f,
		"usage: snet-update [-c CONFIG] [-f] [-n] [-q|-v] [--no-reload]\n"
		"       snet-update [-c CONFIG] --rollback [--no-reload]\n"
		"       snet-update [-c CONFIG] -t\n"
		"       snet-update [-c CONFIG] update-sources\n"
		"       snet-update [-c CONFIG] list-sources [--enabled]\n"
		"       snet-update [-c CONFIG] enable-source NAME [PARAMETER=VALUE ...]\n"
		"       snet-update [-c CONFIG] disable-source NAME\n"
		"       snet-update [-c CONFIG] remove-source NAME\n"
		"       snet-update keygen [-o BASE]\n"
		"       snet-update publish -k SECRET_KEY [-o OUTDIR] [-n NAME] "
		"[-i INSPECTOR_CONF] RULES_DIR\n"
		"\n"
		"  -c CONFIG     configuration file (default %s)\n"
		"  -f, --force   download again and install even if nothing changed\n"
		"  -n, --dry-run fetch, verify, apply changes and test-compile; install nothing\n"
		"  -q, -v        fewer or more messages (-v adds timings)\n"
		"  --no-reload   do not run the reload command after installing\n"
		"  --rollback    make the previous set current again (and reload)\n"
		"  -t            check the configuration and the local-changes files, then exit\n"
		"  keygen        write BASE.key (secret, 0600) and BASE.pub (default BASE: "
		"snet-feed)\n"
		"  publish       NAME.tar.gz, .sha256 and .sig from RULES_DIR into OUTDIR "
		"(default .)\n"
		"  update-sources  download the source index ([update] index-url) into cache-dir\n"
		"  list-sources    the sources of the index (--enabled: only the enabled ones)\n"
		"  enable-source   write sources-dir/NAME.conf for a source of the index\n"
		"  disable-source  keep it as NAME.conf.disabled; remove-source deletes it\n"
		"Exit: 0 done or up to date, 1 refused (installed set unchanged), 2 usage or\n"
		"configuration error, 3 installed but the reload command failed.\n",
		UPDATE_DEFAULT_CONFIG);
}

static int do_keygen(int argc, char **argv)
{
	const char *base = "snet-feed";
	struct uerr e;
	char id[KEY_ID_LEN + 1];
	int opt;

	optind = 1;
	while ((opt = getopt(argc, argv, "o:h")) != -1) {
		if (opt == 'o') {
			base = optarg;
		} else {
			usage(opt == 'h' ? stdout : stderr);
			return opt == 'h' ? 0 : EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (verify_init(&e) || keygen_write(base, id, &e)) {
		fprintf(stderr, "snet-update: keygen: %s\n", e.msg);
		return EXIT_REFUSED;
	}
	printf("key %s: secret key in %s.key (keep it secret), public key in %s.pub\n"
	       "add to update.conf on each host:  [verify] public-key = %s.pub (or its line)\n",
	       id, base, base, base);
	return 0;
}

static int do_publish(int argc, char **argv)
{
	struct publish_opts po = { .out_dir = ".", .created = (int64_t)time(NULL) };
	struct buf report = { 0 };
	struct uerr e;
	int opt;

	optind = 1;
	while ((opt = getopt(argc, argv, "k:o:n:i:h")) != -1) {
		switch (opt) {
		case 'k': po.secret_key = optarg; break;
		case 'o': po.out_dir = optarg; break;
		case 'n': po.name = optarg; break;
		case 'i': po.inspector_config = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (!po.secret_key || optind != argc - 1) {
		fprintf(stderr, "snet-update publish: needs -k SECRET_KEY and one RULES_DIR\n");
		return EXIT_USAGE;
	}
	po.rules_dir = argv[optind];
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	if (sde && *sde) {
		char *end;
		errno = 0;
		long long t = strtoll(sde, &end, 10);
		if (errno || *end || t < 0) {
			fprintf(stderr, "snet-update publish: SOURCE_DATE_EPOCH='%s' is not a time\n",
				sde);
			return EXIT_USAGE;
		}
		po.created = t;
	}
	if (verify_init(&e)) {
		fprintf(stderr, "snet-update: %s\n", e.msg);
		return EXIT_REFUSED;
	}
	int rc = publish_feed(&po, &report, &e);
	if (report.data)
		fputs(report.data, stdout);
	buf_free(&report);
	if (rc) {
		fprintf(stderr, "snet-update publish: %s\n", e.msg);
		fprintf(stderr, "snet-update publish: nothing published\n");
		return EXIT_REFUSED;
	}
	return 0;
}

static int reload(const struct update_config *c, const char *release, bool quiet)
{
	char dir[PATH_MAX];
	struct uerr e;

	if (!c->reload_command[0])
		return 0;
	snprintf(dir, sizeof(dir), "%s/current", c->dest);
	if (run_reload(c->reload_command, c->reload_timeout, dir, release, &e)) {
		fprintf(stderr, "snet-update: releases/%s is installed, but %s; snetd keeps "
			"scanning with the rules it has until it reloads (the install is not "
			"undone)\n", release, e.msg);
		return EXIT_RELOAD;
	}
	if (!quiet)
		printf("reload: '%s' done\n", c->reload_command);
	return 0;
}

/* The source-index commands; args are what follows the command's name. */
static int do_sources(const struct update_config *c, const char *cmd, char **args, int nargs,
		      bool enabled_only, bool quiet)
{
	struct uerr e;
	int rc;

	if (enabled_only && strcmp(cmd, "list-sources")) {
		fprintf(stderr, "snet-update: --enabled is for list-sources only\n");
		return EXIT_USAGE;
	}
	if (!strcmp(cmd, "update-sources") || !strcmp(cmd, "list-sources")) {
		if (nargs) {
			fprintf(stderr, "snet-update %s: unexpected argument '%s'\n", cmd, args[0]);
			return EXIT_USAGE;
		}
		rc = cmd[0] == 'u' ? sources_update_index(c, quiet, &e) :
				     sources_list(c, enabled_only, stdout, &e);
	} else if (!strcmp(cmd, "enable-source")) {
		if (nargs < 1) {
			fprintf(stderr, "snet-update enable-source: needs NAME [PARAMETER=VALUE ...]\n");
			return EXIT_USAGE;
		}
		rc = sources_enable(c, args[0], args + 1, (size_t)nargs - 1, stdout, &e);
	} else if (!strcmp(cmd, "disable-source") || !strcmp(cmd, "remove-source")) {
		if (nargs != 1) {
			fprintf(stderr, "snet-update %s: needs one NAME\n", cmd);
			return EXIT_USAGE;
		}
		rc = cmd[0] == 'd' ? sources_disable(c, args[0], stdout, &e) :
				     sources_remove(c, args[0], stdout, &e);
	} else {
		fprintf(stderr, "snet-update: unknown command '%s'\n", cmd);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (rc) {
		fprintf(stderr, "snet-update %s: %s\n", cmd, e.msg);
		if (!strcmp(cmd, "update-sources"))
			fprintf(stderr, "snet-update update-sources: the source index is unchanged\n");
		return EXIT_REFUSED;
	}
	return 0;
}

static int check_config(const struct update_config *c)
{
	struct changes ch;
	struct uerr e;
	int rc = update_load_changes(c, &ch, &e);

	if (rc) {
		fprintf(stderr, "snet-update: %s\n", e.msg);
		changes_free(&ch);
		return EXIT_USAGE;
	}
	size_t n = 0;
	for (int k = 0; k < CHANGE_KINDS; k++)
		n += ch.n[k];
	printf("%s: OK: %zu sources, %zu public keys, %zu local-change lines\n",
	       c->path, c->nsources, c->nkeys, n + ch.nmods);
	changes_free(&ch);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "no-reload", no_argument, NULL, 'R' },
		{ "rollback", no_argument, NULL, 'B' },
		{ "enabled", no_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = UPDATE_DEFAULT_CONFIG;
	struct update_opts o = { 0 };
	bool no_reload = false, rollback = false, test = false, enabled_only = false;
	struct update_config c;
	struct uerr e;
	int opt, rc;

	if (argc > 1 && !strcmp(argv[1], "keygen"))
		return do_keygen(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "publish"))
		return do_publish(argc - 1, argv + 1);
	while ((opt = getopt_long(argc, argv, "c:fnqvth", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': path = optarg; break;
		case 'f': o.force = true; break;
		case 'n': o.dry_run = true; break;
		case 'q': o.quiet = true; break;
		case 'v': o.verbose = true; break;
		case 't': test = true; break;
		case 'R': no_reload = true; break;
		case 'B': rollback = true; break;
		case 'E': enabled_only = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	/* a command: the first argument that is not an option (getopt moved them last) */
	const char *cmd = optind < argc ? argv[optind] : NULL;
	if (cmd && (test || rollback || o.force || o.dry_run || no_reload)) {
		fprintf(stderr, "snet-update: -f, -n, -t, --rollback and --no-reload are not for "
			"'%s'\n", cmd);
		return EXIT_USAGE;
	}
	if (!cmd && enabled_only) {
		fprintf(stderr, "snet-update: --enabled is for list-sources only\n");
		return EXIT_USAGE;
	}
	if (verify_init(&e) || fetch_global_init(&e)) {
		fprintf(stderr, "snet-update: %s\n", e.msg);
		return EXIT_REFUSED;
	}
	if (config_defaults(&c)) {
		fprintf(stderr, "snet-update: out of memory\n");
		return EXIT_REFUSED;
	}
	if ((rc = config_load(&c, path, &e))) {
		fprintf(stderr, "snet-update: %s\n", e.msg);
		config_free(&c);
		fetch_global_cleanup();
		return EXIT_USAGE;
	}
	/* the update and -t read the enabled sources; the source commands must
	 * work even when one of those files is wrong (to disable or remove it) */
	if (!cmd && !rollback && (rc = config_load_sources(&c, &e))) {
		fprintf(stderr, "snet-update: %s\n", e.msg);
		config_free(&c);
		fetch_global_cleanup();
		return EXIT_USAGE;
	}
	if (cmd) {
		rc = do_sources(&c, cmd, argv + optind + 1, argc - optind - 1, enabled_only, o.quiet);
	} else if (test) {
		rc = check_config(&c);
	} else if (rollback) {
		char from[RELEASE_ID_MAX], to[RELEASE_ID_MAX];
		if (update_rollback(&c, from, to, &e)) {
			fprintf(stderr, "snet-update: rollback: %s\n", e.msg);
			rc = EXIT_REFUSED;
		} else {
			if (!o.quiet)
				printf("rolled back: current is releases/%s again; releases/%s is now "
				       "previous\n", to, from);
			rc = no_reload ? 0 : reload(&c, to, o.quiet);
		}
	} else {
		struct update_outcome out;
		if (update_run(&c, &o, &out, &e)) {
			fprintf(stderr, "snet-update: %s\n", e.msg);
			fprintf(stderr, "snet-update: update refused; the installed set is "
				"unchanged\n");
			rc = EXIT_REFUSED;
		} else {
			if (o.verbose)
				printf("timing: fetch %.3f s, prepare %.3f s, test-compile %.3f s, "
				       "install %.3f s\n", out.seconds_fetch, out.seconds_prepare,
				       out.seconds_check, out.seconds_install);
			rc = 0;
			if (out.status == UPDATE_INSTALLED && !no_reload)
				rc = reload(&c, out.release, o.quiet);
		}
	}
	config_free(&c);
	fetch_global_cleanup();
	return rc;
}
