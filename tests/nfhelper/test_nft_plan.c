// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: [nfqueue] -> the rules of table inet snet and their text. */
#include "testutil.h"

#include <errno.h>
#include <string.h>

#include "config.h"
#include "nft_plan.h"

static char text[16384];

static const char *plan_text(const struct nfq_settings *s, struct nft_plan *p)
{
	assert_int_equal(nft_plan_build(s, p), 0);
	assert_int_equal(nft_plan_format(p, text, sizeof(text)), 0);
	return text;
}

static struct snetd_config cfg;

static struct nfq_settings *defaults(void)
{
	config_defaults(&cfg);
	cfg.nfq.enabled = true;
	return &cfg.nfq;
}

static void default_table(void **state)
{
	static const char expected[] =
		"table inet snet {\n"
		"\tcomment \"snetd: NFQUEUE inspection; removed when snetd stops\"\n"
		"\tchain inspect {\n"
		"\t\ttcp flags syn tcp option maxseg size > 65431 tcp option maxseg size set 65431 comment \"whole segments fit the copy range\"\n"
		"\t\tmeta l4proto tcp counter queue to 0-1\n"
		"\t\tmeta l4proto udp counter queue to 0-1\n"
		"\t}\n"
		"\n"
		"\tchain output {\n"
		"\t\ttype filter hook output priority filter; policy accept;\n"
		"\t\tmeta mark & 0x00000800 == 0x00000800 ct mark set ct mark | 0x00000800 accept comment \"snetd's own traffic\"\n"
		"\t\tmeta mark & 0x00000400 == 0x00000400 meta l4proto tcp reject with tcp reset comment \"reject verdict\"\n"
		"\t\tmeta mark & 0x00000400 == 0x00000400 reject comment \"reject verdict\"\n"
		"\t\tct mark & 0x00000800 == 0x00000800 accept comment \"flow passed\"\n"
		"\t\tjump inspect\n"
		"\t}\n"
		"}\n";
	struct nft_plan p;

	(void)state;
	assert_string_equal(plan_text(defaults(), &p), expected);
	assert_true(p.output);
	assert_false(p.input);
	assert_int_equal(p.n_rules, 8);
}

static void input_skips_loopback_seen_on_output(void **state)
{
	struct nfq_settings *s = defaults();
	struct nft_plan p;
	const char *t;

	(void)state;
	s->input = true;
	t = plan_text(s, &p);
	/* Every loopback packet crosses output first: inspected there. */
	assert_non_null(strstr(t, "\t\tiifname \"lo\" accept comment \"loopback is inspected on output\"\n"
				  "\t\tjump inspect\n"));
	/* Input has no self rule: snetd's replies are known by conntrack. */
	assert_null(strstr(strstr(t, "chain input"), "snetd's own traffic"));
	assert_non_null(strstr(strstr(t, "chain input"), "flow passed"));
}

static void loopback_off(void **state)
{
	struct nfq_settings *s = defaults();
	struct nft_plan p;
	const char *t;

	(void)state;
	s->loopback = false;
	s->input = true;
	t = plan_text(s, &p);
	assert_non_null(strstr(t, "\t\toifname \"lo\" accept comment \"loopback not inspected\"\n"));
	assert_non_null(strstr(t, "\t\tiifname \"lo\" accept comment \"loopback not inspected\"\n"));
	/* Input only: loopback is inspected on input. */
	s->loopback = true;
	s->output = false;
	t = plan_text(s, &p);
	assert_null(strstr(t, "chain output"));
	assert_null(strstr(t, "iifname \"lo\""));
	assert_non_null(strstr(t, "\t\tjump inspect\n"));
}

static void interfaces_and_ports(void **state)
{
	struct nfq_settings *s = defaults();
	struct nft_plan p;
	const char *t;

	(void)state;
	s->n_ifaces = 2;
	strcpy(s->ifaces[0], "eth0");
	strcpy(s->ifaces[1], "veth1");
	s->n_ports = 4;
	s->ports[0] = (struct nfq_port_range){ 443, 443 };
	s->ports[1] = (struct nfq_port_range){ 80, 80 };
	s->ports[2] = (struct nfq_port_range){ 81, 90 };
	s->ports[3] = (struct nfq_port_range){ 8000, 9000 };
	s->n_protocols = 3;
	s->protocols[2] = 1;	/* icmp */
	t = plan_text(s, &p);
	/* Sorted, touching ranges merged, as the interval set holds them. */
	assert_int_equal(p.n_ports, 3);
	assert_non_null(strstr(t, "\t\telements = { 80-90, 443, 8000-9000 }\n"));
	assert_non_null(strstr(t, "\t\toifname \"lo\" jump inspect\n"
				  "\t\toifname \"eth0\" jump inspect\n"
				  "\t\toifname \"veth1\" jump inspect\n\t}"));
	assert_non_null(strstr(t, "\t\ttcp dport @ports counter queue to 0-1\n"
				  "\t\ttcp sport @ports counter queue to 0-1\n"
				  "\t\tudp dport @ports counter queue to 0-1\n"
				  "\t\tudp sport @ports counter queue to 0-1\n"
				  "\t\tmeta l4proto icmp counter queue to 0-1\n"));
	assert_null(strstr(t, "\t\tjump inspect\n"));
}

static void queue_flags(void **state)
{
	struct nfq_settings *s = defaults();
	struct nft_plan p;

	(void)state;
	s->bypass = true;
	s->cpu_fanout = true;
	s->queue_first = 4;
	s->queue_count = 4;
	assert_non_null(strstr(plan_text(s, &p), "counter queue flags bypass,fanout to 4-7\n"));
	s->bypass = false;
	assert_non_null(strstr(plan_text(s, &p), "counter queue flags fanout to 4-7\n"));
	/* One queue: nothing to spread. */
	s->queue_count = 1;
	s->bypass = true;
	assert_non_null(strstr(plan_text(s, &p), "counter queue flags bypass to 4\n"));
}

static void marks_follow_the_configuration(void **state)
{
	struct nfq_settings *s = defaults();
	struct nft_plan p;
	const char *t;

	(void)state;
	s->self_mark = 0x10;
	s->reject_mark = 0x20;
	s->pass_ctmark = 0x40000000;
	t = plan_text(s, &p);
	assert_non_null(strstr(t, "meta mark & 0x00000010 == 0x00000010 ct mark set ct mark | 0x40000000 accept"));
	assert_non_null(strstr(t, "meta mark & 0x00000020 == 0x00000020 meta l4proto tcp reject with tcp reset"));
	assert_non_null(strstr(t, "ct mark & 0x40000000 == 0x40000000 accept"));
}

static void small_buffer(void **state)
{
	struct nft_plan p;
	char small[64];

	(void)state;
	assert_int_equal(nft_plan_build(defaults(), &p), 0);
	assert_int_equal(nft_plan_format(&p, small, sizeof(small)), -ENOSPC);
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_table),
		cmocka_unit_test(input_skips_loopback_seen_on_output),
		cmocka_unit_test(loopback_off),
		cmocka_unit_test(interfaces_and_ports),
		cmocka_unit_test(queue_flags),
		cmocka_unit_test(marks_follow_the_configuration),
		cmocka_unit_test(small_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
