/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snet-update: the configuration file (INI, libinih), /etc/snet/update.conf.
 * Every key is documented in docs/feed.md and rules/update.conf.
 */
#ifndef SNET_UPDATE_CONFIG_H
#define SNET_UPDATE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"
#include "verify.h"

#define UPDATE_DEFAULT_CONFIG "/etc/snet/update.conf"
#define SOURCE_NAME_MAX 64

enum source_kind { SOURCE_TARBALL, SOURCE_RULES };
enum checksum_kind { CHECKSUM_NONE, CHECKSUM_MD5, CHECKSUM_SHA256 };

#define SOURCE_SECRETS_MAX 4
struct source_cfg {
	char name[SOURCE_NAME_MAX];
	char *origin;			/* the file it is in, for messages */
	unsigned line;			/* of its [source NAME] header */
	char *url;
	char file[256];			/* last component of url */
	enum source_kind kind;
	enum checksum_kind checksum;
	int signature;			/* -1: not set (follows require-signature) */
	bool enabled;
	/* parts of url never shown (an access code): messages, MANIFEST and
	 * the cache's records get shown_url, the url with each as "***" */
	char *secrets[SOURCE_SECRETS_MAX];
	unsigned nsecrets;
	char *shown_url;
};

/* the local-changes files, in the order they apply */
enum change_kind { CHANGE_DISABLE, CHANGE_ENABLE, CHANGE_DROP, CHANGE_MODIFY, CHANGE_KINDS };

struct update_config {
	char *path;			/* the file read, for messages */

	char *dest, *cache_dir, *inspector_config, *reload_command;
	unsigned keep;
	uint64_t reload_timeout;
	char **ignore;
	size_t nignore;
	char *index_url, *suricata_version, *sources_dir;	/* the source index */

	uint64_t connect_timeout, timeout, stall_timeout, max_download;
	char *user_agent, *ca_file;
	char *proxy;			/* "": the environment's; "none": never */
	char *no_proxy;			/* "": the environment's */

	uint64_t max_expanded, max_entries;

	bool require_signature;
	struct pubkey *keys;
	size_t nkeys;

	char *changes[CHANGE_KINDS];
	bool changes_set[CHANGE_KINDS];	/* not the default path: must exist */
	bool resolve_flowbits;

	double max_errors;		/* a count, or a share of all rules */
	bool max_errors_pct;
	double min_loaded_pct;
	bool warm_cache;

	struct source_cfg *sources;
	size_t nsources;
};

extern const char *const change_names[CHANGE_KINDS];

int config_defaults(struct update_config *c);
/* Read path (missing file: an error).  Messages are "path:line: why". */
int config_load(struct update_config *c, const char *path, struct uerr *e);
/* The same from text; name is used in messages. */
int config_parse(struct update_config *c, const char *name, const char *text,
		 struct uerr *e);
/*
 * A sources file: only [source NAME] sections, checked as in update.conf;
 * a name already defined (in update.conf or an earlier file) is an error
 * naming both places.
 */
int config_parse_sources(struct update_config *c, const char *name, const char *text,
			 struct uerr *e);
/* Every *.conf file of sources-dir, by name; a missing sources-dir is no error. */
int config_load_sources(struct update_config *c, struct uerr *e);
void config_free(struct update_config *c);

#endif
