// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One case per keyword and modifier: a rule, a payload sent by the client
 * of a real TCP handshake, and whether the rule must alert.  Each case
 * has a matching and a non-matching twin, so no case passes by accident.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"

struct kcase {
	const char *name;
	const char *rule;	/* "%s" = options before sid:1 */
	uint16_t dport;
	const char *payload;
	int hit;
};

#define TCP "alert tcp any any -> any any (msg:\"t\"; %s sid:1; rev:1;)"
#define HTTP "alert http any any -> any any (msg:\"t\"; flow:established,to_server; %s sid:1; rev:1;)"
#define GET "GET /a/b/../c.php?x=%41 HTTP/1.1\r\nHost: Www.Example.com:81\r\nUser-Agent: Moz/5\r\nCookie: s=1\r\nReferer: http://r/\r\nAccept: */*\r\n\r\n"
#define POST "POST /up HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello=world"

static const struct kcase cases[] = {
	{ "content", TCP, 80, "xxABCxx", 1, },
	{ "content_miss", TCP, 80, "xxABxCx", 0, },
	{ "content_hex", TCP, 80, "x\x01\x02z", 1, },
	{ "content_hex_miss", TCP, 80, "x\x01\x03z", 0, },
	{ "content_negated", TCP, 80, "ABC", 1, },
	{ "content_negated_miss", TCP, 80, "ABCBAD", 0, },
	{ "nocase", TCP, 80, "xxabcxx", 1, },
	{ "nocase_absent", TCP, 80, "xxabcxx", 0, },
	{ "offset", TCP, 80, "..ABC", 1, },
	{ "offset_miss", TCP, 80, ".ABC.", 0, },
	{ "depth", TCP, 80, "ABC....", 1, },
	{ "depth_miss", TCP, 80, "...ABC", 0, },
	{ "distance", TCP, 80, "AB..CD", 1, },
	{ "distance_miss", TCP, 80, "AB.CD", 0, },
	{ "within", TCP, 80, "AB.CD", 1, },
	{ "within_miss", TCP, 80, "AB...CD", 0, },
	{ "relative_backtrack", TCP, 80, "AB..AB.CD", 1, },
	{ "startswith", TCP, 80, "ABCdef", 1, },
	{ "startswith_miss", TCP, 80, "xABC", 0, },
	{ "endswith", TCP, 80, "xxABC", 1, },
	{ "endswith_miss", TCP, 80, "ABCx", 0, },
	{ "isdataat", TCP, 80, "ABC1234", 1, },
	{ "isdataat_miss", TCP, 80, "ABC12", 0, },
	{ "isdataat_negated", TCP, 80, "xxABC", 1, },
	{ "isdataat_negated_miss", TCP, 80, "xxABCd", 0, },
	{ "pcre", TCP, 80, "id=12345;", 1, },
	{ "pcre_miss", TCP, 80, "id=12a45;", 0, },
	{ "pcre_relative", TCP, 80, "key:value", 1, },
	{ "pcre_relative_miss", TCP, 80, "key: value", 0, },
	{ "pcre_negated", TCP, 80, "hello", 1, },
	{ "pcre_negated_miss", TCP, 80, "hello world", 0, },
	{ "pcre_flags_is", TCP, 80, "BEGIN\nend", 1, },
	{ "pcre_flag_s_absent", TCP, 80, "BEGIN\nend", 0, },
	{ "pcre_flag_i_absent", TCP, 80, "BEGIN\nend", 0, },
	{ "byte_test", TCP, 80, "LEN\x01\x01", 1, },
	{ "byte_test_miss", TCP, 80, "LEN\x00\xff", 0, },
	{ "byte_test_string", TCP, 80, "SIZE=1234", 1, },
	{ "byte_test_string_miss", TCP, 80, "SIZE=0999", 0, },
	{ "byte_test_string_rest", TCP, 80, "SIZE=12345", 1, },
	{ "byte_test_string_rest_miss", TCP, 80, "SIZE=1234", 0, },
	{ "byte_test_content_len", HTTP, 80, POST, 1, },
	{ "byte_test_content_len_miss", HTTP, 80, POST, 0, },
	{ "byte_extract_within", TCP, 80, "LEN\x03" "abc", 1, },
	{ "byte_extract_within_miss", TCP, 80, "LEN\x02" "abc", 0, },
	{ "byte_extract_distance", TCP, 80, "K\x02xxV", 1, },
	{ "byte_extract_distance_miss", TCP, 80, "K\x01xxV", 0, },
	{ "byte_extract_byte_test", TCP, 80, "R\x05\x07", 1, },
	{ "byte_extract_byte_test_miss", TCP, 80, "R\x05\x03", 0, },
	{ "byte_extract_string_isdataat", TCP, 80, "SZ=12;AAAAAAAAAAAAAAAAAAAAAAAA", 1, },
	{ "byte_extract_string_isdataat_miss", TCP, 80, "SZ=12;AAAAAAAAAAAAAAAAAAAAAA", 0, },
	{ "byte_extract_negated_within", TCP, 80, "N\x04" "abcd.", 1, },
	{ "byte_extract_negated_within_miss", TCP, 80, "N\x04" "ab.d", 0, },
	{ "byte_test_bitmask", TCP, 80, "F\x0f", 1, },
	{ "byte_test_bitmask_miss", TCP, 80, "F\xf0", 0, },
	{ "byte_jump", TCP, 80, "\x03xyzOK", 1, },
	{ "byte_jump_miss", TCP, 80, "\x02xyzOK", 0, },
	{ "byte_jump_var_nbytes", TCP, 80, "J\x01\x03xyzOK", 1, },
	{ "byte_jump_var_nbytes_miss", TCP, 80, "J\x02\x03xyzOK", 0, },
	{ "byte_jump_var_offset", TCP, 80, "J\x02..\x03xyzOK", 1, },
	{ "byte_jump_var_offset_miss", TCP, 80, "J\x01..\x03xyzOK", 0, },
	{ "byte_jump_var_string", TCP, 80, "J\x02" "03xyzOK", 1, },
	{ "byte_jump_var_string_miss", TCP, 80, "J\x02" "04xyzOK", 0, },
	{ "byte_jump_last_byte", TCP, 80, "E\x01xQ", 1, },
	{ "byte_jump_to_end_miss", TCP, 80, "E\x02xQ", 0, },
	{ "byte_jump_before_start", TCP, 80, "Z\x01OK", 1, },
	{ "byte_math_add", TCP, 80, "L\x01xxxOK", 1, },
	{ "byte_math_add_miss", TCP, 80, "L\x01xxOK..", 0, },
	{ "byte_math_var_rvalue", TCP, 80, "V\x03\x04\x0c", 1, },
	{ "byte_math_var_rvalue_miss", TCP, 80, "V\x03\x04\x0b", 0, },
	{ "byte_math_divide", TCP, 80, "D\x08\x04", 1, },
	{ "byte_math_divide_zero_miss", TCP, 80, "D\x08\x04", 0, },
	{ "byte_math_string", TCP, 80, "N=05abc", 1, },
	{ "byte_math_string_miss", TCP, 80, "N=05ab", 0, },
	{ "byte_math_bitmask_shift", TCP, 80, "S\x3f\x0f", 1, },
	{ "byte_math_bitmask_shift_miss", TCP, 80, "S\x3f\x0c", 0, },
	{ "byte_math_little", TCP, 80, "E\x02\x01!", 1, },
	{ "byte_math_little_miss", TCP, 80, "E\x01\x02!", 0, },
	{ "byte_test_string_blanks", TCP, 80, "Length:  4096", 1, },
	{ "byte_test_string_blanks_miss", TCP, 80, "Length:  0999", 0, },
	{ "byte_test_string_0x", TCP, 80, "V=0x1f", 1, },
	{ "byte_test_string_0x_miss", TCP, 80, "V=0x1e", 0, },
	{ "byte_test_string_sign", TCP, 80, "N=+12", 1, },
	{ "byte_test_string_sign_miss", TCP, 80, "N=-12", 0, },
	{ "byte_test_string_oct", TCP, 80, "O=010", 1, },
	{ "byte_test_string_oct_miss", TCP, 80, "O=011", 0, },
	{ "byte_test_little", TCP, 80, "L\x02\x01", 1, },
	{ "byte_test_little_miss", TCP, 80, "L\x01\x02", 0, },
	{ "byte_test_and", TCP, 80, "F\x81", 1, },
	{ "byte_test_and_miss", TCP, 80, "F\x7f", 0, },
	{ "byte_test_xor", TCP, 80, "F\x04", 1, },
	{ "byte_test_xor_miss", TCP, 80, "F\x05", 0, },
	{ "byte_test_not_equal", TCP, 80, "F\x04", 1, },
	{ "byte_test_not_equal_miss", TCP, 80, "F\x05", 0, },
	{ "byte_test_at_most", TCP, 80, "F\x05", 1, },
	{ "byte_test_at_most_miss", TCP, 80, "F\x06", 0, },
	{ "byte_jump_align", TCP, 80, "A\x01xxxxOK", 1, },
	{ "byte_jump_align_miss", TCP, 80, "A\x01xOKxxx", 0, },
	{ "byte_jump_multiplier", TCP, 80, "M\x02xxxxOK", 1, },
	{ "byte_jump_multiplier_miss", TCP, 80, "M\x02xxOKzz", 0, },
	{ "byte_jump_from_beginning", TCP, 80, "xB\x05xxOK", 1, },
	{ "byte_jump_from_beginning_miss", TCP, 80, "xB\x04xxOK", 0, },
	{ "byte_extract_align", TCP, 80, "E\x03\x04", 1, },
	{ "byte_extract_align_miss", TCP, 80, "E\x03\x03", 0, },
	{ "dsize", TCP, 80, "12345", 1, },
	{ "dsize_miss", TCP, 80, "123456789", 0, },
	{ "flow_to_server", TCP, 80, "ABC", 1, },
	{ "flow_to_client_miss", TCP, 80, "ABC", 0, },
	{ "fast_pattern_only", TCP, 80, "zzSPECIALzz", 1, },
	{ "fast_pattern_only_miss", TCP, 80, "zzSPECIAzz", 0, },
	{ "fast_pattern_chop", TCP, 80, "xxLONGERPATTERNxx", 1, },
	{ "fast_pattern_chop_miss", TCP, 80, "xxLONGPATTERNxx", 0, },
	{ "http_method", HTTP, 80, GET, 1, },
	{ "http_method_miss", HTTP, 80, POST, 0, },
	{ "http_uri_normalized", HTTP, 80, GET, 1, },
	{ "http_uri_normalized_miss", HTTP, 80, POST, 0, },
	{ "http_uri_not_raw", HTTP, 80, GET, 0, },
	{ "http_uri_legacy", HTTP, 80, GET, 1, },
	{ "http_uri_legacy_miss", HTTP, 80, POST, 0, },
	{ "uricontent", HTTP, 80, GET, 1, },
	{ "uricontent_miss", HTTP, 80, POST, 0, },
	{ "http_raw_uri", HTTP, 80, GET, 1, },
	{ "http_raw_uri_miss", HTTP, 80, POST, 0, },
	{ "http_host", HTTP, 80, GET, 1, },
	{ "http_host_miss", HTTP, 80, POST, 0, },
	{ "http_host_raw", HTTP, 80, GET, 1, },
	{ "http_host_raw_miss", HTTP, 80, POST, 0, },
	{ "http_user_agent", HTTP, 80, GET, 1, },
	{ "http_user_agent_miss", HTTP, 80, POST, 0, },
	{ "http_user_agent_legacy", HTTP, 80, GET, 1, },
	{ "http_user_agent_legacy_miss", HTTP, 80, POST, 0, },
	{ "http_header", HTTP, 80, GET, 1, },
	{ "http_header_miss", HTTP, 80, POST, 0, },
	{ "http_header_legacy", HTTP, 80, GET, 1, },
	{ "http_header_legacy_miss", HTTP, 80, POST, 0, },
	{ "http_cookie", HTTP, 80, GET, 1, },
	{ "http_cookie_miss", HTTP, 80, POST, 0, },
	{ "http_cookie_legacy", HTTP, 80, GET, 1, },
	{ "http_cookie_legacy_miss", HTTP, 80, POST, 0, },
	{ "http_request_body", HTTP, 80, POST, 1, },
	{ "http_client_body_legacy", HTTP, 80, POST, 1, },
	{ "http_client_body_legacy_miss", HTTP, 80, GET, 0, },
	{ "http_request_body_miss", HTTP, 80, POST, 0, },
	{ "file_data_to_server", HTTP, 80, POST, 1, },
	{ "file_data_to_server_miss", HTTP, 80, GET, 0, },
	{ "http_header_names", HTTP, 80, GET, 1, },
	{ "http_header_names_miss", HTTP, 80, POST, 0, },
	{ "http_content_type", HTTP, 80, POST, 1, },
	{ "http_content_type_miss", HTTP, 80, GET, 0, },
	{ "http_request_line", HTTP, 80, GET, 1, },
	{ "http_request_line_miss", HTTP, 80, POST, 0, },
	{ "short_fp_pcre", TCP, 80, "a=b; id=12345&", 1, },
	{ "short_fp_pcre_miss", TCP, 80, "a=b; id=12x45&", 0, },
	{ "short_fp_pcre_no_literal", TCP, 80, "id:12345&", 0, },
	{ "short_fp_pcre_hs_refused", TCP, 80, "key=val", 1, },
	{ "short_fp_pcre_hs_refused_miss", TCP, 80, "key=vax", 0, },
	{ "short_fp_http_uri_pcre", HTTP, 80, GET, 1, },
	{ "short_fp_http_uri_pcre_miss", HTTP, 80, POST, 0, },
	{ "http_pcre_U", HTTP, 80, GET, 1, },
	{ "http_pcre_U_miss", HTTP, 80, POST, 0, },
	{ "urilen", HTTP, 80, GET, 1, },
	{ "urilen_miss", HTTP, 80, GET, 0, },
	{ "http_not_http_flow", HTTP, 80, "ABC not http", 0, },
	{ "http_fp_offset_later", HTTP, 80, GET, 1, },
	{ "http_fp_depth", HTTP, 80, GET, 1, },
	{ "http_fp_depth_miss", HTTP, 80, GET, 0, },
};

/* the options of each case, by name */
static const char *opts_of(const char *name)
{
	static const struct { const char *n, *o; } t[] = {
		{ "content", "content:\"ABC\";" },
		{ "content_miss", "content:\"ABC\";" },
		{ "content_hex", "content:\"|01 02|z\";" },
		{ "content_hex_miss", "content:\"|01 02|z\";" },
		{ "content_negated", "content:\"ABC\"; content:!\"BAD\";" },
		{ "content_negated_miss", "content:\"ABC\"; content:!\"BAD\";" },
		{ "nocase", "content:\"ABC\"; nocase;" },
		{ "nocase_absent", "content:\"ABC\";" },
		{ "offset", "content:\"ABC\"; offset:2;" },
		{ "offset_miss", "content:\"ABC\"; offset:2;" },
		{ "depth", "content:\"ABC\"; depth:3;" },
		{ "depth_miss", "content:\"ABC\"; depth:5;" },
		{ "distance", "content:\"AB\"; content:\"CD\"; distance:2;" },
		{ "distance_miss", "content:\"AB\"; content:\"CD\"; distance:2;" },
		{ "within", "content:\"AB\"; content:\"CD\"; within:3;" },
		{ "within_miss", "content:\"AB\"; content:\"CD\"; within:3;" },
		{ "relative_backtrack", "content:\"AB\"; content:\"CD\"; distance:1; within:3;" },
		{ "startswith", "content:\"ABC\"; startswith;" },
		{ "startswith_miss", "content:\"ABC\"; startswith;" },
		{ "endswith", "content:\"ABC\"; endswith;" },
		{ "endswith_miss", "content:\"ABC\"; endswith;" },
		{ "isdataat", "content:\"ABC\"; isdataat:4,relative;" },
		{ "isdataat_miss", "content:\"ABC\"; isdataat:4,relative;" },
		{ "isdataat_negated", "content:\"ABC\"; isdataat:!1,relative;" },
		{ "isdataat_negated_miss", "content:\"ABC\"; isdataat:!1,relative;" },
		{ "pcre", "content:\"id=\"; pcre:\"/id=\\d{5}\\;/\";" },
		{ "pcre_miss", "content:\"id=\"; pcre:\"/id=\\d{5}\\;/\";" },
		{ "pcre_relative", "content:\"key:\"; pcre:\"/^value/R\";" },
		{ "pcre_relative_miss", "content:\"key:\"; pcre:\"/^value/R\";" },
		{ "pcre_negated", "content:\"hello\"; pcre:!\"/world/\";" },
		{ "pcre_negated_miss", "content:\"hello\"; pcre:!\"/world/\";" },
		{ "pcre_flags_is", "content:\"BEGIN\"; pcre:\"/begin.end/is\";" },
		{ "pcre_flag_s_absent", "content:\"BEGIN\"; pcre:\"/begin.end/i\";" },
		{ "pcre_flag_i_absent", "content:\"BEGIN\"; pcre:\"/begin.end/s\";" },
		{ "byte_test", "content:\"LEN\"; byte_test:2,>,255,0,relative;" },
		{ "byte_test_miss", "content:\"LEN\"; byte_test:2,>,255,0,relative;" },
		{ "byte_test_string", "content:\"SIZE=\"; byte_test:4,>,1000,0,relative,string,dec;" },
		{ "byte_test_string_miss", "content:\"SIZE=\"; byte_test:4,>,1000,0,relative,string,dec;" },
		/* 0 bytes: all the digits there are, not 4 */
		{ "byte_test_string_rest", "content:\"SIZE=\"; byte_test:0,=,12345,0,relative,string,dec;" },
		{ "byte_test_string_rest_miss", "content:\"SIZE=\"; byte_test:0,=,123,0,relative,string,dec;" },
		{ "byte_test_content_len", "http.content_len; byte_test:0,>=,11,0,string,dec;" },
		{ "byte_test_content_len_miss", "http.content_len; byte_test:0,>,11,0,string,dec;" },
		/* a byte_extract value as within, distance, byte_test value and
		 * isdataat offset; relative options start after its bytes */
		{ "byte_extract_within", "content:\"LEN\"; byte_extract:1,0,n,relative; content:\"abc\"; within:n;" },
		{ "byte_extract_within_miss", "content:\"LEN\"; byte_extract:1,0,n,relative; content:\"abc\"; within:n;" },
		{ "byte_extract_distance", "content:\"K\"; byte_extract:1,0,d,relative; content:\"V\"; distance:d; within:1;" },
		{ "byte_extract_distance_miss", "content:\"K\"; byte_extract:1,0,d,relative; content:\"V\"; distance:d; within:1;" },
		{ "byte_extract_byte_test", "content:\"R\"; byte_extract:1,0,v,relative; byte_test:1,>,v,0,relative;" },
		{ "byte_extract_byte_test_miss", "content:\"R\"; byte_extract:1,0,v,relative; byte_test:1,>,v,0,relative;" },
		/* "12" times 2: 24 bytes must follow */
		{ "byte_extract_string_isdataat", "content:\"SZ=\"; byte_extract:2,0,sz,relative,string,dec,multiplier 2; isdataat:sz,relative;" },
		{ "byte_extract_string_isdataat_miss", "content:\"SZ=\"; byte_extract:2,0,sz,relative,string,dec,multiplier 2; isdataat:sz,relative;" },
		/* ET's form: no dot within the length just read */
		{ "byte_extract_negated_within", "content:\"N\"; byte_extract:1,0,l,relative; content:!\".\"; within:l;" },
		{ "byte_extract_negated_within_miss", "content:\"N\"; byte_extract:1,0,l,relative; content:!\".\"; within:l;" },
		{ "byte_test_bitmask", "content:\"F\"; byte_test:1,=,15,0,relative,bitmask 0x0f;" },
		{ "byte_test_bitmask_miss", "content:\"F\"; byte_test:1,=,15,0,relative,bitmask 0x0f;" },
		{ "byte_jump", "byte_jump:1,0; content:\"OK\"; within:2;" },
		{ "byte_jump_miss", "byte_jump:1,0; content:\"OK\"; within:2;" },
		/* Suricata 7: a byte_extract variable as byte_jump's nbytes or
		 * offset; with 1 byte the jump reads 03, with 2 bytes 03 78 (888) */
		{ "byte_jump_var_nbytes", "content:\"J\"; byte_extract:1,0,nb,relative; byte_jump:nb,0,relative; content:\"OK\"; within:2;" },
		{ "byte_jump_var_nbytes_miss", "content:\"J\"; byte_extract:1,0,nb,relative; byte_jump:nb,0,relative; content:\"OK\"; within:2;" },
		/* the offset skips the two dots: from 1 the jump reads '.' (46) */
		{ "byte_jump_var_offset", "content:\"J\"; byte_extract:1,0,off,relative; byte_jump:1,off,relative; content:\"OK\"; within:2;" },
		{ "byte_jump_var_offset_miss", "content:\"J\"; byte_extract:1,0,off,relative; byte_jump:1,off,relative; content:\"OK\"; within:2;" },
		{ "byte_jump_var_string", "content:\"J\"; byte_extract:1,0,nb,relative; byte_jump:nb,0,relative,string,dec; content:\"OK\"; within:2;" },
		{ "byte_jump_var_string_miss", "content:\"J\"; byte_extract:1,0,nb,relative; byte_jump:nb,0,relative,string,dec; content:\"OK\"; within:2;" },
		/* Suricata 7's bounds: a jump must land inside the buffer (its
		 * last byte at most); one landing before it starts at its start */
		{ "byte_jump_last_byte", "content:\"E\"; byte_jump:1,0,relative; content:\"Q\"; within:1;" },
		{ "byte_jump_to_end_miss", "content:\"E\"; byte_jump:1,0,relative; isdataat:!1,relative;" },
		{ "byte_jump_before_start", "content:\"Z\"; byte_jump:1,0,relative,post_offset -10; content:\"Z\"; within:1;" },
		/* byte_math: the value read, the operation, then the bitmask
		 * (Suricata's order); a variable as rvalue; division by 0 never
		 * matches */
		{ "byte_math_add", "content:\"L\"; byte_math:bytes 1, offset 0, oper +, rvalue 2, result r, relative; content:\"OK\"; distance:r; within:2;" },
		{ "byte_math_add_miss", "content:\"L\"; byte_math:bytes 1, offset 0, oper +, rvalue 2, result r, relative; content:\"OK\"; distance:r; within:2;" },
		{ "byte_math_var_rvalue", "content:\"V\"; byte_extract:1,0,a,relative; byte_math:bytes 1, offset 0, oper *, rvalue a, result m, relative; byte_test:1,=,m,0,relative;" },
		{ "byte_math_var_rvalue_miss", "content:\"V\"; byte_extract:1,0,a,relative; byte_math:bytes 1, offset 0, oper *, rvalue a, result m, relative; byte_test:1,=,m,0,relative;" },
		{ "byte_math_divide", "content:\"D\"; byte_math:bytes 1, offset 0, oper /, rvalue 2, result q, relative; byte_test:1,=,q,0,relative;" },
		{ "byte_math_divide_zero_miss", "content:\"D\"; byte_math:bytes 1, offset 0, oper /, rvalue 0, result q, relative; byte_test:1,>=,0,0,relative;" },
		{ "byte_math_string", "content:\"N=\"; byte_math:bytes 2, offset 0, oper -, rvalue 2, result s, relative, string dec; isdataat:s,relative; isdataat:!4,relative;" },
		{ "byte_math_string_miss", "content:\"N=\"; byte_math:bytes 2, offset 0, oper -, rvalue 2, result s, relative, string dec; isdataat:s,relative; isdataat:!4,relative;" },
		{ "byte_math_bitmask_shift", "content:\"S\"; byte_math:bytes 1, offset 0, oper <<, rvalue 2, result s, relative, bitmask 0xf0; byte_test:1,=,s,0,relative;" },
		{ "byte_math_bitmask_shift_miss", "content:\"S\"; byte_math:bytes 1, offset 0, oper <<, rvalue 2, result s, relative, bitmask 0xf0; byte_test:1,=,s,0,relative;" },
		{ "byte_math_little", "content:\"E\"; byte_math:bytes 2, offset 0, oper >>, rvalue 8, result b, relative, endian little; byte_test:1,=,b,0,relative,bitmask 0x20;" },
		{ "byte_math_little_miss", "content:\"E\"; byte_math:bytes 2, offset 0, oper >>, rvalue 8, result b, relative, endian little; byte_test:1,=,b,0,relative,bitmask 0x20;" },
		/* strings as strtoull reads them (Suricata's): blanks, a sign, 0x */
		{ "byte_test_string_blanks", "content:\"Length:\"; byte_test:6,>,1000,0,relative,string,dec;" },
		{ "byte_test_string_blanks_miss", "content:\"Length:\"; byte_test:6,>,1000,0,relative,string,dec;" },
		{ "byte_test_string_0x", "content:\"V=\"; byte_test:4,=,31,0,relative,string,hex;" },
		{ "byte_test_string_0x_miss", "content:\"V=\"; byte_test:4,=,31,0,relative,string,hex;" },
		{ "byte_test_string_sign", "content:\"N=\"; byte_test:3,=,12,0,relative,string,dec;" },
		{ "byte_test_string_sign_miss", "content:\"N=\"; byte_test:3,=,12,0,relative,string,dec;" },
		{ "byte_test_string_oct", "content:\"O=\"; byte_test:3,=,8,0,relative,string,oct;" },
		{ "byte_test_string_oct_miss", "content:\"O=\"; byte_test:3,=,8,0,relative,string,oct;" },
		{ "byte_test_little", "content:\"L\"; byte_test:2,=,258,0,relative,little;" },
		{ "byte_test_little_miss", "content:\"L\"; byte_test:2,=,258,0,relative,little;" },
		{ "byte_test_and", "content:\"F\"; byte_test:1,&,0x80,0,relative;" },
		{ "byte_test_and_miss", "content:\"F\"; byte_test:1,&,0x80,0,relative;" },
		{ "byte_test_xor", "content:\"F\"; byte_test:1,^,5,0,relative;" },
		{ "byte_test_xor_miss", "content:\"F\"; byte_test:1,^,5,0,relative;" },
		{ "byte_test_not_equal", "content:\"F\"; byte_test:1,!=,5,0,relative;" },
		{ "byte_test_not_equal_miss", "content:\"F\"; byte_test:1,!=,5,0,relative;" },
		{ "byte_test_at_most", "content:\"F\"; byte_test:1,<=,5,0,relative;" },
		{ "byte_test_at_most_miss", "content:\"F\"; byte_test:1,<=,5,0,relative;" },
		{ "byte_jump_align", "content:\"A\"; byte_jump:1,0,relative,align; content:\"OK\"; within:2;" },
		{ "byte_jump_align_miss", "content:\"A\"; byte_jump:1,0,relative,align; content:\"OK\"; within:2;" },
		{ "byte_jump_multiplier", "content:\"M\"; byte_jump:1,0,relative,multiplier 2; content:\"OK\"; within:2;" },
		{ "byte_jump_multiplier_miss", "content:\"M\"; byte_jump:1,0,relative,multiplier 2; content:\"OK\"; within:2;" },
		{ "byte_jump_from_beginning", "content:\"B\"; byte_jump:1,0,relative,from_beginning; content:\"OK\"; within:2;" },
		{ "byte_jump_from_beginning_miss", "content:\"B\"; byte_jump:1,0,relative,from_beginning; content:\"OK\"; within:2;" },
		{ "byte_extract_align", "content:\"E\"; byte_extract:1,0,n,relative,align 4; byte_test:1,=,n,0,relative;" },
		{ "byte_extract_align_miss", "content:\"E\"; byte_extract:1,0,n,relative,align 4; byte_test:1,=,n,0,relative;" },
		{ "dsize", "dsize:<6; content:\"123\";" },
		{ "dsize_miss", "dsize:<6; content:\"123\";" },
		{ "flow_to_server", "flow:established,to_server; content:\"ABC\";" },
		{ "flow_to_client_miss", "flow:established,to_client; content:\"ABC\";" },
		{ "fast_pattern_only", "content:\"SPECIAL\"; fast_pattern:only;" },
		{ "fast_pattern_only_miss", "content:\"SPECIAL\"; fast_pattern:only;" },
		{ "fast_pattern_chop", "content:\"LONGERPATTERN\"; fast_pattern:6,7; content:\"xx\";" },
		{ "fast_pattern_chop_miss", "content:\"LONGERPATTERN\"; fast_pattern:6,7; content:\"xx\";" },
		{ "http_method", "http.method; content:\"GET\";" },
		{ "http_method_miss", "http.method; content:\"GET\";" },
		{ "http_uri_normalized", "http.uri; content:\"/a/c.php?x=%41\"; startswith; endswith;" },
		{ "http_uri_normalized_miss", "http.uri; content:\"/a/c.php?x=%41\"; startswith; endswith;" },
		{ "http_uri_not_raw", "http.uri; content:\"/b/../\";" },
		{ "http_uri_legacy", "content:\"c.php\"; http_uri;" },
		{ "http_uri_legacy_miss", "content:\"c.php\"; http_uri;" },
		{ "uricontent", "uricontent:\"/a/c.php\";" },
		{ "uricontent_miss", "uricontent:\"/a/c.php\";" },
		{ "http_raw_uri", "http.uri.raw; content:\"/b/../\";" },
		{ "http_raw_uri_miss", "http.uri.raw; content:\"/b/../\";" },
		{ "http_host", "http.host; content:\"www.example.com\"; startswith; endswith;" },
		{ "http_host_miss", "http.host; content:\"www.example.com\"; startswith; endswith;" },
		{ "http_host_raw", "http.host.raw; content:\"Www.Example.com:81\";" },
		{ "http_host_raw_miss", "http.host.raw; content:\"Www.Example.com:81\";" },
		{ "http_user_agent", "http.user_agent; content:\"Moz/5\"; startswith; endswith;" },
		{ "http_user_agent_miss", "http.user_agent; content:\"Moz/5\"; startswith; endswith;" },
		{ "http_user_agent_legacy", "content:\"Moz\"; http_user_agent;" },
		{ "http_user_agent_legacy_miss", "content:\"Moz\"; http_user_agent;" },
		{ "http_header", "http.header; content:\"Referer: http://r/|0d 0a|\";" },
		{ "http_header_miss", "http.header; content:\"Referer: http://r/|0d 0a|\";" },
		{ "http_header_legacy", "content:\"Accept|3a| */*\"; http_header;" },
		{ "http_header_legacy_miss", "content:\"Accept|3a| */*\"; http_header;" },
		{ "http_cookie", "http.cookie; content:\"s=1\"; startswith;" },
		{ "http_cookie_miss", "http.cookie; content:\"s=1\"; startswith;" },
		{ "http_cookie_legacy", "content:\"s=1\"; http_cookie;" },
		{ "http_cookie_legacy_miss", "content:\"s=1\"; http_cookie;" },
		{ "http_request_body", "http.request_body; content:\"hello=world\";" },
		{ "http_client_body_legacy", "content:\"world\"; http_client_body;" },
		{ "http_client_body_legacy_miss", "content:\"world\"; http_client_body;" },
		{ "http_request_body_miss", "http.request_body; content:\"password\";" },
		{ "file_data_to_server", "file_data; content:\"hello\"; startswith;" },
		{ "file_data_to_server_miss", "file_data; content:\"hello\"; startswith;" },
		{ "http_header_names", "http_header_names; content:\"|0d 0a|Host|0d 0a|User-Agent|0d 0a|\";" },
		{ "http_header_names_miss", "http_header_names; content:\"|0d 0a|Host|0d 0a|User-Agent|0d 0a|\";" },
		{ "http_content_type", "http_content_type; content:\"text/plain\";" },
		{ "http_content_type_miss", "http_content_type; content:\"text/plain\";" },
		{ "http_request_line", "http_request_line; content:\"GET /a/b/../c.php?x=%41 HTTP/1.1\"; startswith; endswith;" },
		{ "http_request_line_miss", "http_request_line; content:\"GET /a/b/../c.php?x=%41 HTTP/1.1\"; startswith; endswith;" },
		/* a one-byte literal: the pcre prefilters (rule_parser.c) */
		{ "short_fp_pcre", "content:\"=\"; pcre:\"/id=[0-9]+&/\";" },
		{ "short_fp_pcre_miss", "content:\"=\"; pcre:\"/id=[0-9]+&/\";" },
		{ "short_fp_pcre_no_literal", "content:\"=\"; pcre:\"/id.[0-9]+&/\";" },
		/* Hyperscan has no \\K: the literal prefilters after all */
		{ "short_fp_pcre_hs_refused", "content:\"=\"; pcre:\"/key\\K=val/\";" },
		{ "short_fp_pcre_hs_refused_miss", "content:\"=\"; pcre:\"/key\\K=val/\";" },
		{ "short_fp_http_uri_pcre", "http.uri; content:\"?\"; pcre:\"/c\\.php\\?x=%41$/\";" },
		/* offset/depth of an HTTP buffer's fast pattern: Hyperscan is
		 * not given them there; the first ": " is before the offset */
		{ "http_fp_offset_later", "http.header; content:\": \"; offset:10;" },
		{ "http_fp_depth", "http.header; content:\"Host\"; depth:4;" },
		{ "http_fp_depth_miss", "http.header; content:\"Moz\"; depth:8;" },
		{ "short_fp_http_uri_pcre_miss", "http.uri; content:\"?\"; pcre:\"/c\\.php\\?x=%41$/\";" },
		{ "http_pcre_U", "content:\"GET\"; http_method; pcre:\"/c\\.php\\?x=/U\";" },
		{ "http_pcre_U_miss", "content:\"POST\"; http_method; pcre:\"/c\\.php\\?x=/U\";" },
		{ "urilen", "urilen:>10; content:\"GET\"; http_method;" },
		{ "urilen_miss", "urilen:<5; content:\"GET\"; http_method;" },
		{ "http_not_http_flow", "http.method; content:\"ABC\";" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(t[i].n, name))
			return t[i].o;
	return NULL;
}

static void run_case(void **state)
{
	const struct kcase *k = *state;
	const char *opts = opts_of(k->name);
	assert_non_null(opts);
	char rule[1024];
	snprintf(rule, sizeof(rule), k->rule, opts);
	int hit = tu_stream_hits(rule, k->dport, k->payload);
	if (hit != k->hit)
		fail_msg("%s: rule %s on payload '%s': expected %s", k->name, rule, k->payload,
			 k->hit ? "an alert" : "no alert");
}

int main(void)
{
	size_t n = sizeof(cases) / sizeof(cases[0]);
	struct CMUnitTest *t = calloc(n, sizeof(*t));
	for (size_t i = 0; i < n; i++) {
		t[i].name = cases[i].name;
		t[i].test_func = run_case;
		t[i].initial_state = (void *)&cases[i];
	}
	int rc = _cmocka_run_group_tests("keywords", t, n, NULL, NULL);
	free(t);
	return rc;
}
