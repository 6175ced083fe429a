// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: snet-update's local-changes parser and its application.
 *
 * The first byte picks what the rest is: 'd' disable.conf, 'e' enable.conf,
 * 'p' drop.conf, 'm' modify.conf (applied to a fixed rule file), or 'r' a
 * rules file (with fixed changes of every kind applied to it); any other
 * byte picks one of these by its value.  Flowbit dependencies are resolved
 * after the changes.  Besides memory errors it checks that applying changes
 * keeps every rule (less resolved duplicates), that the rules enabled for
 * flowbits are active ones, and that the written file reads back with the
 * same rules, the same active.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "changes.h"

static const char fixed_rules[] =
	"# Emerging Threats\n"
	"alert tcp $HOME_NET any -> $EXTERNAL_NET 80 (msg:\"ET one\"; content:\"abc\"; sid:1; rev:2;)\n"
	"#alert udp any any -> any 53 (msg:\"ET two heartbleed\"; metadata: deployment Perimeter; sid:2; rev:1;)\n"
	"alert http any any -> any any (msg:\"three\"; flowbits:set,x; flowbits:noalert; sid:3;)\n"
	"alert tcp any any -> any any (msg:\"four\"; gid:3; sid:4; rev:7;)\n"
	"drop tcp any any -> any any (msg:\"dup\"; sid:1; rev:1;)\n"
	"alert tcp any any -> any any (msg:\"cont\"; \\\n content:\"x\"; sid:5;)\n"
	"# drop tcp any any -> any any (msg:\"setter\"; flowbits:set,y|z; sid:6)\n"
	"alert tcp any any -> any any (msg:\"checker\"; flowbits:isset, y; sid:7;)\n";

static const char *const fixed_changes[CHANGE_KINDS] = {
	/* disable, enable, drop, modify */
	"1\nre:heartbleed\n",
	"2\ngroup:fuzz\nmetadata: deployment perimeter\n",
	"3:4\nfilename:*.rules\n",
	("re:ET \"(content:)\\\"(\\w+)\\\"\" \"\\1\\\"\\g<2>z\\\"\"\n"
	 "modifysid * \"^alert\" | \"drop\"\n"),
};

static size_t count_rules(const struct rule_file *f, size_t *active)
{
	size_t n = 0;

	*active = 0;
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].is_rule && !f->v[i].removed) {
			n++;
			*active += f->v[i].enabled;
		}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct changes ch = { 0 };
	struct rule_file f, back;
	struct change_stats st;
	struct buf notes = { 0 }, out = { 0 };
	struct uerr e;
	int kind;

	if (size < 1 || size > (1u << 16))
		return 0;
	switch (data[0]) {
	case 'd': kind = CHANGE_DISABLE; break;
	case 'e': kind = CHANGE_ENABLE; break;
	case 'p': kind = CHANGE_DROP; break;
	case 'm': kind = CHANGE_MODIFY; break;
	case 'r': kind = CHANGE_KINDS; break;
	default: kind = data[0] % (CHANGE_KINDS + 1); break;
	}
	char *text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = 0;

	int rc = 0;
	if (kind == CHANGE_KINDS) {
		for (int k = 0; k < CHANGE_KINDS && !rc; k++)
			rc = changes_parse(&ch, (enum change_kind)k, change_names[k], fixed_changes[k], &e);
		if (rc)
			abort();	/* the fixed changes are valid */
		rc = rules_parse(&f, "fuzz.rules", "fuzz", text, size - 1, &e);
	} else {
		rc = changes_parse(&ch, (enum change_kind)kind, change_names[kind], text, &e);
		if (!rc)
			rc = rules_parse(&f, "fuzz.rules", "fuzz", fixed_rules,
					 sizeof(fixed_rules) - 1, &e);
		else
			memset(&f, 0, sizeof(f));
	}
	if (rc) {
		/* a refusal always says why */
		if (!e.msg[0])
			abort();
		goto out;
	}
	size_t before = 0, active;
	for (size_t i = 0; i < f.n; i++)
		before += f.v[i].is_rule;
	ch.resolve_flowbits = true;
	if (changes_apply(&ch, &f, 1, &st, &notes, &e) == 0) {
		if (count_rules(&f, &active) + st.duplicates != before || st.rules + st.duplicates != before ||
		    active != st.active || st.flowbits > st.active)
			abort();
		if (rules_format(&f, &out) || buf_terminate(&out))
			abort();
		if (rules_parse(&back, "fuzz.rules", "fuzz", out.data, out.len, &e))
			abort();
		size_t back_active, back_n = count_rules(&back, &back_active);
		if (back_n != st.rules || back_active != st.active)
			abort();
		rule_file_free(&back);
	} else if (!e.msg[0]) {
		abort();
	}
	rule_file_free(&f);
out:
	changes_free(&ch);
	buf_free(&notes);
	buf_free(&out);
	free(text);
	return 0;
}
