/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A decision on one event: the verdict, its ticket, and who made it. */
#ifndef SNETD_DECISION_H
#define SNETD_DECISION_H

#include <stdint.h>

enum decider {
	DECIDER_POLICY,		/* a rule of the policy file */
	DECIDER_REMOTE,		/* the remote decision server */
	DECIDER_PROMPT,		/* a person at snetctl prompt */
	DECIDER_DEFAULT,	/* nothing else decided */
	DECIDER_TIMEOUT,	/* the prompt was not answered in time */
	N_DECIDERS
};

struct decision {
	uint8_t verdict;	/* SNET_VERDICT_ALLOW or _DENY */
	uint8_t life;		/* enum snet_ticket_life */
	uint32_t seconds;	/* for SNET_TICKET_TIMED */
	enum decider by;
	unsigned int rule_line;	/* DECIDER_POLICY: line of the rule */
	uint32_t prompt_uid;	/* DECIDER_PROMPT: who answered */
	char detail[384];	/* e.g. the policy file, the server, "always" */
};

/* "policy", "remote", "prompt", "default", "timeout". */
const char *decider_name(enum decider by);

#endif /* SNETD_DECISION_H */
