// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: the packet/flow path.  The input is a sequence of packets
 * (2-byte length + bytes) fed to one worker with rules on every parser
 * (HTTP, DNS, TLS, raw stream), so decode, reassembly and the application
 * parsers (the TLS server's certificate, read by OpenSSL, included) all see
 * hostile input.  The raw-stream rules cover each kind of
 * stream prefilter (literal with bounds, regex only, none) and rules kept
 * pending across segments; the small depth and memory cap make the
 * truncation and memory-cap paths reachable; the header keywords read IP
 * options and ICMP/TCP fields of whatever comes, asn1 decodes it, and the
 * flow keywords read the TLS record layer and FTP commands it makes.  The
 * TLS rules read the hellos' JA3 and JA3S and the certificate's
 * fingerprint, names, chain and dates.
 * DCERPC rules read the contexts, calls and stub data dcerpc.c keeps;
 * SMTP rules the attachments smtp.c decodes from the messages' MIME.
 * DNS rules read the questions of UDP and of TCP messages (dns.c).
 * Transformed buffers (xform.c) and bsize: chains of every transform.
 * IP fragments are reassembled (defrag.c) under a small memory cap and a
 * timeout of 300 packets (each packet is a second later), so the memory,
 * time and fragment-count limits can all be reached; the datagrams made
 * whole take the same path again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snet/inspect.h"

static struct snet_inspect_ruleset *rs;

static const char rules[] =
	"alert http any any -> any any (msg:\"u\"; http.uri; content:\"/x\"; sid:1;)\n"
	"alert http any any -> any any (msg:\"b\"; file_data; content:\"zz\"; pcre:\"/z+y/R\"; sid:2;)\n"
	"alert http any any -> any any (msg:\"c\"; http.request_body; content:\"a\"; byte_jump:1,0,relative; sid:3;)\n"
	"alert dns any any -> any any (msg:\"d\"; dns.query; content:\"e\"; sid:4;)\n"
	"alert tls any any -> any any (msg:\"t\"; tls.sni; content:\"e\"; sid:5;)\n"
	"drop tcp any any -> any any (msg:\"s\"; content:\"AB\"; byte_test:1,>,3,0,relative; sid:6;)\n"
	"alert udp any any -> any any (msg:\"p\"; content:\"Q\"; isdataat:!2,relative; sid:7;)\n"
	"alert icmp any any -> any any (msg:\"i\"; itype:8; sid:8;)\n"
	"alert tcp any any -> any any (msg:\"o\"; content:\"MZ\"; offset:2; depth:4; sid:9;)\n"
	"alert tcp any any -> any any (msg:\"r\"; pcre:\"/a[b-d]{2,40}e/s\"; sid:10;)\n"
	"alert tcp any any -> any any (msg:\"m\"; content:\"GO\"; content:\"STOP\"; distance:0; "
	"content:\"!\"; within:3; sid:11;)\n"
	"alert tcp any any -> any any (msg:\"n\"; flow:to_server; byte_test:1,>,200,0; sid:12;)\n"
	"alert ip any any -> any any (msg:\"h\"; ttl:<5; fragbits:*MR; sid:13;)\n"
	"alert ip any any -> any any (msg:\"q\"; ipopts:ssrr; sid:14;)\n"
	"alert tcp any any -> any any (msg:\"w\"; window:!0; seq:1; ack:0; content:\"W\"; sid:15;)\n"
	"alert icmp any any -> any any (msg:\"e\"; icmp_id:1; icmp_seq:2; sid:16;)\n"
	"alert ip any any -> any any (msg:\"x\"; sameip; ip_proto:!6; id:1; sid:17;)\n"
	"alert http any any -> any any (msg:\"l\"; http.content_len; byte_test:0,>,9,0,string,dec; sid:18;)\n"
	"alert tls any any -> any any (msg:\"c\"; tls.cert_subject; content:\"CN=\"; sid:19;)\n"
	"alert ftp any any -> any any (msg:\"ftp\"; content:\"SITE\"; sid:20;)\n"
	"alert smb any any -> any any (msg:\"smb\"; content:\"|ff|SMB\"; sid:21;)\n"
	"alert tcp any any -> any any (msg:\"bx\"; content:\"L\"; byte_extract:1,0,n,relative; "
	"content:\"Z\"; within:n; byte_test:1,>,n,0,relative; sid:22;)\n"
	"alert tcp any any -> any any (msg:\"a1\"; content:\"0\"; asn1:bitstring_overflow, "
	"double_overflow, oversize_length 64, relative_offset -1; sid:23;)\n"
	"alert tcp any any -> any any (msg:\"sv\"; ssl_version:!tls1.2; ssl_state:client_hello|"
	"!server_keyx; sid:24;)\n"
	"alert tcp any any -> any any (msg:\"ss\"; stream_size:either,>=,100; "
	"app-layer-protocol:!http; sid:25;)\n"
	"alert tcp any any -> any 21 (msg:\"fb\"; content:\"PORT\"; ftpbounce; sid:26;)\n"
	"alert ip any any -> any any (msg:\"fo\"; fragoffset:>0; sid:27;)\n"
	"alert tcp any any -> any any (msg:\"ap\"; app-layer-protocol:failed; sid:28;)\n"
	"alert ip any any -> any any (msg:\"xs\"; content:\"X\"; xbits:toggle,x,track ip_pair, "
	"expire 5; sid:29;)\n"
	"alert ip any any -> any any (msg:\"xi\"; content:\"Y\"; xbits:isset,x,track ip_dst; "
	"xbits:isnotset,x,track ip_pair; sid:30;)\n"
	"alert ssh any any -> any any (msg:\"sh\"; ssh.software; content:\"SSH\"; "
	"ssh.proto; content:\"2\"; sid:31;)\n"
	"alert tcp any any -> any any (msg:\"tg\"; content:\"T\"; tag:session,3,packets; sid:32;)\n"
	"alert udp any any -> any any (msg:\"tb\"; content:\"T\"; tag:session,99,bytes; sid:33;)\n"
	"alert tls any any -> any any (msg:\"j3\"; ja3.string; content:\"771,\"; ja3.hash; "
	"content:\"0123456789abcdef0123456789abcdef\"; sid:34;)\n"
	"alert tls any any -> any any (msg:\"js\"; ja3s.string; content:\"-\"; sid:35;)\n"
	"alert tls any any -> any any (msg:\"j4\"; ja4.hash; content:\"t13d\"; startswith; sid:46;)\n"
	"alert tls any any -> any any (msg:\"fp\"; tls.cert_fingerprint; content:\""
	"ed:c9:50:6d:35:1c:01:3f:d9:7b:1a:46:83:3c:0b:0d:84:4f:2f:7b\"; ja3s.hash; "
	"content:\"303951d4c50efb2e991652225a6f02b1\"; sid:36;)\n"
	"alert tls any any -> any any (msg:\"sn\"; tls.subjectaltname; content:\".\"; "
	"tls.certs; content:\"|30 82|\"; startswith; tls.cert_chain_len:1-5; sid:37;)\n"
	"alert tls any any -> any any (msg:\"dt\"; tls_cert_notafter:>2020-01-01; "
	"tls_cert_expired; sid:38;)\n"
	"alert tls any any -> any any (msg:\"tv\"; tls.version:1.2; sid:39;)\n"
	"alert tcp any any -> any any (msg:\"di\"; flow:to_server; dce_iface:"
	"00000143-0000-0000-c000-000000000046; sid:40;)\n"
	"alert dcerpc any any -> any any (msg:\"dv\"; dce_iface:"
	"00000143-0000-0000-c000-000000000046,>0,any_frag; dce_opnum:0-5,9; sid:41;)\n"
	"alert tcp any any -> any any (msg:\"ds\"; dce_stub_data; content:\"A\"; "
	"byte_test:2,>,3,0,relative,dce; byte_jump:1,0,relative,dce; pcre:\"/B+C/R\"; sid:42;)\n"
	"alert tcp any any -> any any (msg:\"dr\"; flow:to_client; dce_opnum:>2; dce_stub_data; "
	"content:\"R\"; sid:43;)\n"
	"alert smtp any any -> any any (msg:\"sf\"; file_data; content:\"PS\"; pcre:\"/P+S/R\"; "
	"sid:44;)\n"
	"alert smtp any any -> any any (msg:\"sb\"; flow:to_server; file_data; content:\"A\"; "
	"byte_jump:1,0,relative; isdataat:2,relative; sid:45;)\n"
	"alert http any any -> any any (msg:\"x1\"; http.uri.raw; url_decode; compress_whitespace; "
	"to_lowercase; dotprefix; content:\"./x\"; bsize:<200; pcre:\"/z+y/R\"; sid:47;)\n"
	"alert http any any -> any any (msg:\"x2\"; file_data; xor:\"0a1b\"; strip_whitespace; "
	"to_uppercase; content:\"ZZ\"; http.user_agent; to_sha256; bsize:32; sid:48;)\n"
	"alert dns any any -> any any (msg:\"x3\"; dns.query; to_md5; to_sha1; bsize:!20; sid:49;)\n"
	"alert http any any -> any any (msg:\"x4\"; http.header; pcrexform:\"(?i)host: *([^\\\\r]*)\"; "
	"dotprefix; content:\".z\"; endswith; sid:53;)\n"
	"alert tcp any any -> any any (msg:\"bm\"; content:\"M\"; byte_extract:1,0,k,relative; "
	"byte_math:bytes 2, offset 0, oper <<, rvalue k, result r, relative, bitmask 0ff0; "
	"byte_jump:1,r,relative; byte_math:bytes 3, offset -1, oper /, rvalue r, result q, "
	"relative, string hex; isdataat:q,relative; sid:50;)\n"
	"alert http any any -> any any (msg:\"rh\"; http.request_header; content:\": \"; bsize:<9; "
	"http.response_header; content:\"z\"; pcre:\"/z+y/R\"; sid:51;)\n"
	"alert http any any -> any any (msg:\"sl\"; http.server; content:\"z\"; http.location; "
	"dotprefix; content:\".\"; sid:52;)\n"
	"alert tcp any any -> any any (msg:\"b64\"; content:\"K\"; base64_decode:bytes 40, offset 1, "
	"relative; base64_data; content:\"ev\"; byte_test:1,>,0,0,relative; pcre:\"/i+l/R\"; "
	"sid:54;)\n"
	"alert http any any -> any any (msg:\"b64u\"; http.uri; content:\"=\"; "
	"base64_decode:relative; base64_data; content:\"/\"; byte_extract:1,0,v,relative; "
	"isdataat:v,relative; sid:55;)\n"
	"alert tcp any any -> any any (msg:\"fi\"; content:\"F\"; flowint:fcount,+,1; "
	"flowint:lim,=,fcount; sid:56;)\n"
	"alert tcp any any -> any any (msg:\"fc\"; content:\"F\"; flowint:fcount,>,lim; "
	"flowint:lim,-,2; sid:57;)\n"
	"alert ip any any -> any any (msg:\"hd\"; ipv4.hdr; content:\"|40|\"; tcp.hdr; "
	"byte_test:1,&,2,13; content:\"|02 04|\"; offset:20; pkt_data; content:\"G\"; sid:58;)\n"
	"alert udp any any -> any any (msg:\"ud\"; ipv6.hdr; content:\"|11|\"; udp.hdr; "
	"bsize:8; sid:59;)\n"
	"alert ssh any any -> any any (msg:\"hh\"; ssh.hassh.string; content:\"curve\"; "
	"ssh.software; content:\"Go\"; sid:60;)\n"
	"alert ssh any any -> any any (msg:\"hs\"; ssh.hassh.server; "
	"content:\"0123456789abcdef0123456789abcdef\"; sid:61;)\n"
	"alert icmp any any -> any any (msg:\"i4\"; icmpv4.hdr; content:\"|00 01|\"; "
	"byte_test:1,<,2,4; pkt_data; content:\"ta\"; sid:62;)\n"
	"alert ip any any -> any any (msg:\"i6\"; icmpv6.hdr; content:\"|80|\"; startswith; "
	"ipv6.hdr; bsize:40; sid:63;)\n"
	"alert tcp any any -> any any (msg:\"fc\"; flow.pkts:either,>2; "
	"flow.bytes_toserver:<100000; flow.age:<100; content:\"G\"; sid:64;)\n"
	"alert http any any -> any any (msg:\"ds\"; http.uri; dataset:set,uris,type string, "
	"memcap 64kb, hashsize 16; sid:65;)\n"
	"alert http any any -> any any (msg:\"du\"; http.host; to_sha256; "
	"dataset:isnotset,hosts,type sha256; http.uri; dataset:unset,uris; sid:66;)\n";

static void setup(void)
{
	char path[] = "/tmp/snet-fuzz-rules-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || write(fd, rules, sizeof(rules) - 1) != (ssize_t)(sizeof(rules) - 1))
		abort();
	close(fd);
	struct snet_inspect_config *cfg;
	if (snet_inspect_config_new(&cfg) ||
	    snet_inspect_config_set(cfg, "http-body-limit", "4096") ||
	    snet_inspect_config_set(cfg, "flow-memcap", "1mb") ||
	    snet_inspect_config_set(cfg, "reassembly-depth", "16kb") ||
	    snet_inspect_config_set(cfg, "defrag-memcap", "8kb") ||
	    snet_inspect_config_set(cfg, "defrag-timeout", "300"))
		abort();
	const char *p[] = { path };
	if (snet_inspect_ruleset_load(cfg, p, 1, &rs, NULL))
		abort();
	snet_inspect_config_free(cfg);
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!rs)
		setup();
	struct snet_inspect_worker *w;
	if (snet_inspect_worker_new(rs, NULL, &w))
		abort();
	struct timespec ts = { 1700000000, 0 };
	while (size >= 2) {
		size_t n = (size_t)data[0] << 8 | data[1];
		data += 2;
		size -= 2;
		if (n > size)
			n = size;
		struct snet_inspect_verdict v;
		snet_inspect_worker_packet(w, data, n, &ts, NULL, &v);
		data += n;
		size -= n;
		ts.tv_sec++;
	}
	snet_inspect_worker_free(w);
	return 0;
}
