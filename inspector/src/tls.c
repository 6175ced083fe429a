// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TLS handshake parsers: the client's ClientHello (the server name that
 * tls.sni inspects, JA3, JA4) and the server's first certificate
 * (tls.cert_subject, tls.cert_issuer, tls.cert_serial,
 * tls.cert_fingerprint), read with OpenSSL.  Only what is sent in the clear: TLS 1.3 encrypts the
 * certificate.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "app.h"

bool tls_probe(const uint8_t *d, size_t n)
{
	return n >= 3 && d[0] == 0x16 && d[1] == 0x03 && d[2] <= 0x04;
}

/* RFC 8701's GREASE values, which JA3 leaves out: 0x0a0a, 0x1a1a ... 0xfafa */
static bool grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 12) == ((v >> 4) & 0x0f);
}

/*
 * A value of a JA3 list in decimal, after a '-' when it is not the list's
 * first: by hand, as a hello has dozens of them and printf's cost showed.
 */
static int ja3_value(struct strbuf *b, unsigned v, bool first)
{
	char t[8], *e = t + sizeof(t), *q = e;

	do
		*--q = (char)('0' + v % 10);
	while (v /= 10);
	if (!first)
		*--q = '-';
	return strbuf_append(b, q, (size_t)(e - q));
}

/* the 16-bit values of a list, not GREASE, in decimal joined by '-'
 * (after a '-' if the field has values already) */
static int ja3_list16(struct strbuf *b, const uint8_t *p, size_t n, bool more)
{
	bool first = !more;
	for (size_t i = 0; i + 1 < n; i += 2) {
		uint16_t v = rd16(p + i);
		if (grease(v))
			continue;
		int rc = ja3_value(b, v, first);
		if (rc)
			return rc;
		first = false;
	}
	return 0;
}

/* the MD5 of the JA3 string in lowercase hex: ja3.hash, ja3s.hash */
static int ja3_md5(const struct strbuf *b, char out[33])
{
	return md5_hex(b->s, b->len, out);
}

/*
 * JA3 of a ClientHello (Salesforce's, as Suricata computes it):
 * "SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats",
 * the legacy version field, each list in order without GREASE values,
 * point formats as bytes; a missing list is an empty field.
 */
static int client_ja3(struct tls_hello *h, uint16_t legacy, const uint8_t *ciphers, size_t nc,
		      const uint8_t *exts, size_t elen)
{
	struct strbuf *b = &h->ja3, types = { 0 }, curves = { 0 }, formats = { 0 };
	int rc = strbuf_printf(b, "%u,", legacy);

	if (!rc)
		rc = ja3_list16(b, ciphers, nc, false);
	for (size_t i = 0; !rc && i + 4 <= elen;) {
		uint16_t type = rd16(exts + i), len = rd16(exts + i + 2);
		const uint8_t *v = exts + i + 4;
		if (!grease(type))
			rc = ja3_value(&types, type, !types.len);
		/* a repeated extension adds to its field, as in Suricata */
		if (!rc && type == 10 && len >= 2)	/* supported_groups */
			rc = ja3_list16(&curves, v + 2, rd16(v) < len - 2 ? rd16(v) : len - 2u,
					curves.len > 0);
		if (!rc && type == 11 && len >= 1)	/* ec_point_formats */
			for (size_t k = 0; !rc && k < v[0] && k + 1 < len; k++)
				rc = ja3_value(&formats, v[k + 1], !formats.len);
		i += 4u + len;
	}
	if (!rc)
		rc = strbuf_printf(b, ",%s,%s,%s", types.len ? types.s : "",
				   curves.len ? curves.s : "", formats.len ? formats.s : "");
	strbuf_free(&types);
	strbuf_free(&curves);
	strbuf_free(&formats);
	if (!rc)
		rc = ja3_md5(b, h->ja3_hash);
	if (rc)
		strbuf_free(b);	/* no half string: the caller reports the hello unread */
	return rc;
}

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* "xxxx,xxxx,...": the values as 4 lowercase hex digits */
static int hex4_list(struct strbuf *b, const uint16_t *v, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		char t[5] = { ',', hex[v[i] >> 12], hex[(v[i] >> 8) & 15],
			      hex[(v[i] >> 4) & 15], hex[v[i] & 15] };
		int rc = i ? strbuf_append(b, t, 5) : strbuf_append(b, t + 1, 4);
		if (rc)
			return rc;
	}
	return 0;
}

/* the first 12 hex digits of the SHA-256 of @b, after a '_' */
static int sha256_12(const struct strbuf *b, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	static const char hex[] = "0123456789abcdef";

	if (!EVP_Digest(b->s ? b->s : "", b->len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
		return -EIO;
	*out++ = '_';
	for (int i = 0; i < 6; i++) {
		*out++ = hex[md[i] >> 4];
		*out++ = hex[md[i] & 15];
	}
	*out = 0;
	return 0;
}

/* an ALPN character as Suricata 7 writes it: the byte as a code point */
static char *alpn_char(char *o, uint8_t c)
{
	if (c < 0x80) {
		*o++ = (char)c;
	} else {
		*o++ = (char)(0xc0 | c >> 6);
		*o++ = (char)(0x80 | (c & 0x3f));
	}
	return o;
}

static uint16_t ja4_version(uint16_t v)
{
	switch (v) {
	case 0x0304: return '1' << 8 | '3';
	case 0x0303: return '1' << 8 | '2';
	case 0x0302: return '1' << 8 | '1';
	case 0x0301: return '1' << 8 | '0';
	case 0x0300: return 's' << 8 | '3';
	}
	return '0' << 8 | '0';
}

/*
 * JA4 of a ClientHello as Suricata 7 computes it (FoxIO's JA4, rust/src/
 * ja4.rs): "t" + version + "d"/"i" + cipher count + extension count +
 * ALPN's first and last characters, "_", SHA-256 (12 hex) of the sorted
 * ciphers, "_", SHA-256 of the sorted extensions without SNI and ALPN,
 * "_" and the signature algorithms in order.  GREASE is left out
 * everywhere; the version is the higher of the legacy field and the first
 * known supported_versions entry; counts stop at 99.  Unlike FoxIO's
 * reference, empty lists are hashed as well (Suricata's "e3b0c44298fc").
 */
static int client_ja4(struct tls_hello *h, uint16_t legacy, const uint8_t *ciphers, size_t nc,
		      const uint8_t *exts, size_t elen)
{
	size_t ncs = 0, nex = 0, nsig = 0, next_total = 0;
	uint16_t *cs = malloc((nc / 2 + elen / 2 + 1) * 2 * sizeof(uint16_t));
	const uint8_t *alpn = NULL;
	uint16_t version = grease(legacy) ? 0 : legacy;
	bool sni = false;
	int rc = 0;

	if (!cs)
		return -ENOMEM;
	uint16_t *ex = cs + nc / 2, *sig = ex + elen / 4 + 1;
	size_t alpn_len = 0;
	for (size_t i = 0; i + 1 < nc; i += 2)
		if (!grease(rd16(ciphers + i)))
			cs[ncs++] = rd16(ciphers + i);
	for (size_t i = 0; i + 4 <= elen;) {
		uint16_t type = rd16(exts + i), len = rd16(exts + i + 2);
		const uint8_t *v = exts + i + 4;
		if (len > elen - i - 4)
			break;
		/* a malformed extension ends the walk, as in Suricata */
		if (type == 13 && len) {	/* signature_algorithms */
			size_t sl = len >= 2 ? rd16(v) : 1;
			if (sl % 2 || sl > len - 2u)
				break;
			for (size_t k = 0; k < sl; k += 2)
				if (!grease(rd16(v + 2 + k)))
					sig[nsig++] = rd16(v + 2 + k);
		} else if (type == 16 && len) {	/* ALPN: its first protocol */
			size_t ll = len >= 2 ? rd16(v) : SIZE_MAX, pl = len >= 3 ? v[2] : 0;
			if (ll > len - 2u || (ll && 3 + pl > len))
				break;
			if (ll && 1 + pl <= ll && !alpn) {
				alpn = v + 3;
				alpn_len = pl;
			}
		} else if (type == 43 && len >= 1) {	/* supported_versions */
			for (size_t k = 1; k + 1 < (size_t)len && k < (size_t)v[0] + 1; k += 2) {
				uint16_t sv = rd16(v + k);
				if ((sv >= 0x0300 && sv <= 0x0304) || (sv >> 8) == 0x7f) {
					if (sv > version)
						version = sv;
					break;
				}
			}
		}
		if (!grease(type)) {
			next_total++;
			if (type == 0)
				sni = true;
			else if (type != 16)
				ex[nex++] = type;
		}
		i += 4u + len;
	}
	qsort(cs, ncs, sizeof(*cs), cmp_u16);
	qsort(ex, nex, sizeof(*ex), cmp_u16);

	char *o = h->ja4;
	uint16_t vc = ja4_version(version);
	*o++ = 't';
	*o++ = (char)(vc >> 8);
	*o++ = (char)vc;
	*o++ = sni ? 'd' : 'i';
	size_t c99 = ncs < 99 ? ncs : 99, e99 = next_total < 99 ? next_total : 99;
	*o++ = (char)('0' + c99 / 10), *o++ = (char)('0' + c99 % 10);
	*o++ = (char)('0' + e99 / 10), *o++ = (char)('0' + e99 % 10);
	/* one character or a GREASE value: as none */
	if (alpn && alpn_len > 1 && !(alpn_len == 2 && grease(rd16(alpn)))) {
		o = alpn_char(o, alpn[0]);
		o = alpn_char(o, alpn[alpn_len - 1]);
	} else {
		*o++ = '0', *o++ = '0';
	}
	struct strbuf b = { 0 };
	rc = hex4_list(&b, cs, ncs);
	if (!rc)
		rc = sha256_12(&b, o);
	o += 13;
	b.len = 0;
	if (!rc)
		rc = hex4_list(&b, ex, nex);
	if (!rc)
		rc = strbuf_append(&b, "_", 1);
	if (!rc)
		rc = hex4_list(&b, sig, nsig);
	if (!rc)
		rc = sha256_12(&b, o);
	strbuf_free(&b);
	free(cs);
	h->has_ja4 = !rc;
	return rc;
}

void tls_hello_release(struct tls_hello *h)
{
	strbuf_free(&h->ja3);
}

/*
 * The first want bytes of the handshake layer that the records at d carry,
 * copied to out (NULL: counted only).  A handshake message may be split
 * over several records (RFC 8446 5.1), and clients split the ClientHello
 * so to get past SNI filters.  Returns how many there are (at most want),
 * or -1: a record that is not a handshake one, or too long.
 */
static long hs_bytes(const uint8_t *d, size_t n, uint8_t *out, size_t want)
{
	size_t off = 0, got = 0;

	while (got < want && n - off >= 5) {
		if (d[off] != 0x16 || d[off + 1] != 3)
			return -1;
		size_t rlen = rd16(d + off + 3);
		if (rlen > 16384 + 2048)
			return -1;
		size_t in = n - off - 5 < rlen ? n - off - 5 : rlen;
		size_t take = in < want - got ? in : want - got;
		if (out)
			memcpy(out + got, d + off + 5, take);
		got += take;
		if (in < rlen)
			break;	/* the rest of this record is still to come */
		off += 5 + rlen;
	}
	return (long)got;
}

static int parse_hello_body(const uint8_t *p, const uint8_t *end, struct tls_hello *h,
			    bool ja4);

int tls_parse_client_hello(const uint8_t *d, size_t n, struct tls_hello *h, bool ja4)
{
	uint8_t head[4];

	memset(h, 0, sizeof(*h));
	if (n < 5)
		return 0;
	if (!tls_probe(d, n))
		return -1;
	long got = hs_bytes(d, n, head, sizeof(head));
	if (got < 0)
		return -1;
	if (got < 4)
		return n >= TLS_HELLO_GATHER ? -1 : 0;
	if (head[0] != 1)
		return -1;	/* not a ClientHello */
	size_t hlen = (size_t)head[1] << 16 | (size_t)head[2] << 8 | head[3];
	if (hlen > TLS_HELLO_GATHER)
		return -1;	/* could never be gathered */
	/* the common case: the whole hello in the first record, read in place */
	if (rd16(d + 3) >= 4 + hlen) {
		if (n < 9 + hlen)
			return n >= TLS_HELLO_GATHER ? -1 : 0;
		return parse_hello_body(d + 9, d + 9 + hlen, h, ja4);
	}
	got = hs_bytes(d, n, NULL, 4 + hlen);
	if (got < 0)
		return -1;
	if ((size_t)got < 4 + hlen)
		return n >= TLS_HELLO_GATHER ? -1 : 0;
	uint8_t *m = malloc(4 + hlen);
	if (!m)
		return -ENOMEM;
	hs_bytes(d, n, m, 4 + hlen);
	int rc = parse_hello_body(m + 4, m + 4 + hlen, h, ja4);
	free(m);
	return rc;
}

/* the fields of a ClientHello's body [p, end); as tls_parse_client_hello */
static int parse_hello_body(const uint8_t *p, const uint8_t *end, struct tls_hello *h,
			    bool ja4)
{
	if (end - p < 34)
		return -1;
	h->version = rd16(p);
	uint16_t legacy = h->version;
	p += 34;
	if (end - p < 1 || end - p < 1 + p[0])
		return -1;
	p += 1 + p[0];		/* session id */
	if (end - p < 2 || end - p < 2 + rd16(p))
		return -1;
	const uint8_t *ciphers = p + 2;
	size_t nc = rd16(p);
	p += 2 + rd16(p);	/* cipher suites */
	if (end - p < 1 || end - p < 1 + p[0])
		return -1;
	p += 1 + p[0];		/* compression */
	if (end - p < 2) {	/* no extensions */
		if (client_ja3(h, legacy, ciphers, nc, NULL, 0))
			return -ENOMEM;
		if (ja4 && client_ja4(h, legacy, ciphers, nc, NULL, 0)) {
			tls_hello_release(h);
			return -ENOMEM;
		}
		return 1;
	}
	size_t elen = rd16(p);
	p += 2;
	if (elen > (size_t)(end - p))
		return -1;
	const uint8_t *exts = p, *ee = p + elen;
	while (ee - p >= 4) {
		uint16_t type = rd16(p), len = rd16(p + 2);
		p += 4;
		if (len > ee - p)
			return -1;
		if (type == 0 && len >= 5) {
			const uint8_t *s = p + 2;
			size_t listlen = rd16(p);
			if (listlen + 2 <= len && s[0] == 0) {
				size_t nl = rd16(s + 1);
				if (nl + 3 <= listlen && nl < sizeof(h->sni)) {
					memcpy(h->sni, s + 3, nl);
					h->sni[nl] = 0;
					h->sni_len = (uint16_t)nl;
					h->has_sni = true;
				}
			}
		} else if (type == 43 && len >= 3) {
			/* supported_versions: the first that is not GREASE */
			for (size_t i = 1; i + 1 < (size_t)len && i < (size_t)p[0] + 1; i += 2) {
				uint16_t v = rd16(p + i);
				if ((v & 0x0f0f) != 0x0a0a) {
					h->version = v;
					break;
				}
			}
		}
		p += len;
	}
	if (client_ja3(h, legacy, ciphers, nc, exts, elen) ||
	    (ja4 && client_ja4(h, legacy, ciphers, nc, exts, elen))) {
		tls_hello_release(h);
		return -ENOMEM;
	}
	return 1;
}

/* Suricata's form: "C=US, O=Example, CN=name", attributes in order */
static int name_string(const X509_NAME *name, char *out, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	unsigned long fl = XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN |
			   ASN1_STRFLGS_UTF8_CONVERT | ASN1_STRFLGS_ESC_CTRL;
	char *p;
	long n;

	if (!b)
		return -1;
	if (X509_NAME_print_ex(b, name, 0, fl) < 0) {
		BIO_free(b);
		return -1;
	}
	n = BIO_get_mem_data(b, &p);
	if (n < 0 || (size_t)n >= len) {
		BIO_free(b);
		return -1;
	}
	memcpy(out, p, (size_t)n);
	out[n] = 0;
	BIO_free(b);
	return 0;
}

/* the bytes of the DER INTEGER (a leading 00 included), as "0A:E1:..." */
static int serial_string(const ASN1_INTEGER *serial, char *out, size_t len)
{
	unsigned char der[64], *p = der;
	int n = i2d_ASN1_INTEGER(serial, NULL);

	if (n < 3 || n > (int)sizeof(der) || i2d_ASN1_INTEGER(serial, &p) != n)
		return -1;
	size_t hl = der[1] < 0x80 ? 2 : 2 + (der[1] & 0x7f);
	if ((size_t)n <= hl || 3 * ((size_t)n - hl) > len)
		return -1;
	for (size_t i = hl, o = 0; i < (size_t)n; i++, o += 3)
		snprintf(out + o, len - o, i + 1 < (size_t)n ? "%02X:" : "%02X", der[i]);
	return 0;
}

/* Suricata's tls.cert_fingerprint: the SHA-1 of the DER as it was sent,
 * lowercase hex pairs joined by ':' */
static int fingerprint_string(const uint8_t *der, size_t n, char *out, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (!EVP_Digest(der, n, md, &mdlen, EVP_sha1(), NULL) || 3 * (size_t)mdlen > len)
		return -1;
	for (unsigned int i = 0; i < mdlen; i++)
		snprintf(out + 3 * i, len - 3 * i, i + 1 < mdlen ? "%02x:" : "%02x", md[i]);
	return 0;
}

/* an OID in dotted numbers, as x509-parser writes it */
static int oid_append(struct strbuf *b, const ASN1_OBJECT *o)
{
	char t[128];
	int n = OBJ_obj2txt(t, sizeof(t), o, 1);
	return n < 0 || (size_t)n >= sizeof(t) ? -1 : strbuf_append(b, t, (size_t)n);
}

/*
 * One subjectAltName as Suricata 7 writes it (x509-parser's forms): DNS
 * names and URIs as they are, an IP address as Rust prints bytes
 * ("[192, 0, 2, 1]"), the others as "RFC822Name(a@b)", "DirectoryName(C=US,
 * CN=x)", "OtherName(1.3.6.1..., [...])", "RegisteredID(1.2.3)".
 */
static int san_append(struct strbuf *b, const GENERAL_NAME *g)
{
	const ASN1_STRING *str = NULL;
	char name[1024];
	int rc = 0;

	switch (g->type) {
	case GEN_DNS: str = g->d.dNSName; break;
	case GEN_URI: str = g->d.uniformResourceIdentifier; break;
	case GEN_EMAIL:
		rc = strbuf_printf(b, "RFC822Name(%.*s)", ASN1_STRING_length(g->d.rfc822Name),
				   (const char *)ASN1_STRING_get0_data(g->d.rfc822Name));
		return rc;
	case GEN_IPADD: {
		const unsigned char *a = ASN1_STRING_get0_data(g->d.iPAddress);
		int n = ASN1_STRING_length(g->d.iPAddress);
		rc = strbuf_append(b, "[", 1);
		for (int i = 0; !rc && i < n; i++)
			rc = strbuf_printf(b, i ? ", %u" : "%u", a[i]);
		return rc ? rc : strbuf_append(b, "]", 1);
	}
	case GEN_DIRNAME:
		if (name_string(g->d.directoryName, name, sizeof(name)))
			return -1;
		return strbuf_printf(b, "DirectoryName(%s)", name);
	case GEN_OTHERNAME:
		rc = strbuf_append(b, "OtherName(", 10);
		if (!rc)
			rc = oid_append(b, g->d.otherName->type_id);
		return rc ? rc : strbuf_append(b, ", [...])", 8);
	case GEN_RID:
		rc = strbuf_append(b, "RegisteredID(", 13);
		if (!rc)
			rc = oid_append(b, g->d.registeredID);
		return rc ? rc : strbuf_append(b, ")", 1);
	case GEN_X400: return strbuf_printf(b, "X400Address(<unparsed>)");
	case GEN_EDIPARTY: return strbuf_printf(b, "EDIPartyName(<unparsed>)");
	default: return -1;
	}
	return strbuf_append(b, ASN1_STRING_get0_data(str), (size_t)ASN1_STRING_length(str));
}

/* every subjectAltName, each a span of c->san_text; none is no error */
static int sans_read(X509 *x, struct tls_server *c)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	int n = gens ? sk_GENERAL_NAME_num(gens) : 0, rc = 0;

	if (n > 0 && !(c->san = calloc((size_t)n, sizeof(*c->san))))
		rc = -1;
	for (int i = 0; !rc && i < n; i++) {
		size_t at = c->san_text.len;
		if (san_append(&c->san_text, sk_GENERAL_NAME_value(gens, i))) {
			c->san_text.len = at;	/* one unreadable name: the others count */
			continue;
		}
		c->san[c->nsan].off = at;
		c->san[c->nsan++].len = c->san_text.len - at;
	}
	GENERAL_NAMES_free(gens);
	return rc;
}

/* a certificate's time as seconds since the epoch (0: unreadable, which
 * Suricata's tls_cert_* never match either) */
static int64_t cert_time(const ASN1_TIME *t)
{
	struct tm tm;
	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return 0;
	return (int64_t)timegm(&tm);
}

static int cert_strings(const uint8_t *der, size_t n, struct tls_server *c)
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)n);
	int rc = -1;

	if (!x)
		return -1;
	if (!name_string(X509_get_subject_name(x), c->subject, sizeof(c->subject)) &&
	    !name_string(X509_get_issuer_name(x), c->issuer, sizeof(c->issuer)) &&
	    !serial_string(X509_get0_serialNumber(x), c->serial, sizeof(c->serial)) &&
	    !fingerprint_string(der, n, c->fingerprint, sizeof(c->fingerprint)) &&
	    !sans_read(x, c))
		rc = 1;
	c->not_before = cert_time(X509_get0_notBefore(x));
	c->not_after = cert_time(X509_get0_notAfter(x));
	X509_free(x);
	return rc;
}

/*
 * ServerHello: its version (supported_versions' if any) and JA3S,
 * "SSLVersion,Cipher,Extensions" (the legacy version field, extension
 * types in order, GREASE left out, as Suricata).  0: read; -1: it selects
 * TLS 1.3 (no certificate in the clear follows) or is malformed.
 */
static int server_hello(const uint8_t *p, size_t n, struct tls_server *s)
{
	if (n < 38)
		return -1;
	uint16_t legacy = rd16(p);
	s->hello_version = legacy;
	size_t off = 34;	/* version, random */
	off += 1 + p[off];	/* session id */
	if (off + 3 > n)
		return -1;
	uint16_t cipher = rd16(p + off);
	off += 3;		/* cipher suite, compression */
	const uint8_t *exts = p + off;
	size_t elen = 0;
	if (off + 2 <= n) {
		elen = rd16(p + off);
		exts = p + off + 2;
		if (off + 2 + elen > n)
			return -1;
	}
	bool tls13 = false;
	for (size_t e = 0; e + 4 <= elen;) {
		uint16_t type = rd16(exts + e), len = rd16(exts + e + 2);
		if (e + 4 + len > elen)
			return -1;
		if (type == 43 && len == 2) {
			s->hello_version = rd16(exts + e + 4);
			tls13 = s->hello_version == 0x0304;
		}
		e += 4u + len;
	}
	strbuf_free(&s->ja3s);
	int rc = grease(cipher) ? strbuf_printf(&s->ja3s, "%u,,", legacy) :
				  strbuf_printf(&s->ja3s, "%u,%u,", legacy, cipher);
	for (size_t e = 0, k = 0; !rc && e + 4 <= elen; e += 4u + rd16(exts + e + 2)) {
		uint16_t type = rd16(exts + e);
		if (!grease(type))
			rc = ja3_value(&s->ja3s, type, !k++);
	}
	if (!rc)
		rc = ja3_md5(&s->ja3s, s->ja3s_hash);
	s->hello = !rc;
	return tls13 || rc ? -1 : 0;
}

void tls_server_release(struct tls_server *s)
{
	strbuf_free(&s->ja3s);
	strbuf_free(&s->san_text);
	free(s->san);
	free(s->chain);
	free(s->hs);
	s->san = NULL;
	s->chain = NULL;
	s->hs = NULL;
}

/*
 * The Certificate message: certificate_list<3>, each certificate<3>.  The
 * chain (tls.certs, tls.cert_chain_len) points into the message; the
 * first certificate is read.
 */
static int cert_chain(const uint8_t *b, size_t ml, struct tls_server *c)
{
	if (ml < 3 || rd24(b) + 3 > ml)
		return -1;
	const uint8_t *p = b + 3, *end = p + rd24(b);
	size_t n = 0;
	for (const uint8_t *q = p; end - q >= 3 && rd24(q) <= (size_t)(end - q - 3); q += 3 + rd24(q))
		n++;
	if (!n || !(c->chain = calloc(n, sizeof(*c->chain))))
		return -1;
	for (; c->nchain < n; p += 3 + rd24(p)) {
		c->chain[c->nchain].p = p + 3;
		c->chain[c->nchain++].n = rd24(p);
	}
	return cert_strings(c->chain[0].p, c->chain[0].n, c);
}

int tls_parse_server(const uint8_t *d, size_t n, struct tls_server *c)
{
	uint8_t *hs = NULL;	/* the handshake messages, records joined */
	size_t hn = 0, off = 0;
	bool ended = false;	/* a record that is not a handshake came */
	int rc = 0;

	memset(c, 0, sizeof(*c));
	if (n > TLS_SERVER_MAX)
		n = TLS_SERVER_MAX;
	hs = malloc(n ? n : 1);
	if (!hs)
		return -1;
	/* records: handshake ones are joined; anything else ends the clear part */
	while (off + 5 <= n && rc == 0) {
		const uint8_t *r = d + off;
		size_t rl = rd16(r + 3);
		if (r[1] != 0x03 || rl > 16384 + 2048) {
			rc = -1;
			break;
		}
		if (r[0] != 22) {
			ended = true;	/* change_cipher_spec, alert, data: the clear part ends */
			break;
		}
		size_t take = off + 5 + rl <= n ? rl : n - off - 5;
		memcpy(hs + hn, r + 5, take);
		hn += take;
		off += 5 + take;
		if (take < rl)
			break;
	}
	/* messages: ServerHello first, then the Certificate or nothing */
	for (size_t m = 0; rc == 0 && m + 4 <= hn;) {
		uint8_t type = hs[m];
		size_t ml = rd24(hs + m + 1);
		if (m + 4 + ml > hn)
			break;	/* incomplete: more data may come */
		const uint8_t *b = hs + m + 4;
		if (type == 2) {
			rc = server_hello(b, ml, c);
		} else if (type == 11) {
			rc = cert_chain(b, ml, c);
			break;
		} else if (type == 14 || type == 12 || type == 13 || type == 20) {
			rc = -1;	/* past where the certificate would be */
		}
		m += 4 + ml;
	}
	c->hs = hs;	/* the chain points into it: tls_server_release frees it */
	if (rc == 0 && (ended || n >= TLS_SERVER_MAX))
		rc = -1;
	return rc;
}

/* the handshake messages of a record's body: their types set the state */
static void track_handshake(struct tls_track *t, struct tls_dir *s, const uint8_t *d, size_t n)
{
	while (n) {
		if (s->hleft) {
			size_t k = n < s->hleft ? n : s->hleft;
			s->hleft -= (uint32_t)k;
			d += k;
			n -= k;
			continue;
		}
		s->hhdr[s->nhh++] = *d++;
		n--;
		if (s->nhh < 4)
			continue;
		s->nhh = 0;
		s->hleft = rd24(s->hhdr + 1);
		uint8_t st = 0;
		switch (s->hhdr[0]) {
		case 1: st = TLS_ST_CLIENT_HELLO; break;
		case 2: st = TLS_ST_SERVER_HELLO; break;
		case 12: st = TLS_ST_SERVER_KEYX; break;
		case 13: st = TLS_ST_CERT_REQUEST; break;
		case 16: st = TLS_ST_CLIENT_KEYX; break;
		}
		if (st) {
			t->cur = st;	/* assigned, not added: Suricata's current_flags */
			t->seen |= st;
		}
	}
}

/* after a change_cipher_spec, handshakes are encrypted; but TLS 1.3's
 * compatibility CCS may come from the client before the ServerHello */
static bool handshake_readable(const struct tls_track *t)
{
	return !t->ccs || ((t->seen & TLS_ST_CLIENT_HELLO) && !(t->seen & TLS_ST_SERVER_HELLO) &&
			   t->d[0].version > 0x0303);
}

void tls_track_data(struct tls_track *t, int di, const uint8_t *d, size_t n)
{
	struct tls_dir *s = &t->d[di];

	if (s->dead)
		return;
	if (!s->rleft)
		t->cur = 0;	/* data that begins a record */
	while (n) {
		if (!s->rleft) {
			size_t k = (size_t)(5 - s->nhdr) < n ? (size_t)(5 - s->nhdr) : n;
			memcpy(s->hdr + s->nhdr, d, k);
			s->nhdr += (uint8_t)k;
			d += k;
			n -= k;
			if (s->nhdr < 5)
				return;
			s->nhdr = 0;
			if (s->hdr[1] != 3 || s->hdr[0] < 20 || s->hdr[0] > 24 ||
			    rd16(s->hdr + 3) > 16384 + 2048) {
				s->dead = true;	/* SSLv2 or not TLS: not followed */
				return;
			}
			if (!s->hello)
				s->version = rd16(s->hdr + 1);
			if (s->rtype != 22 || s->hdr[0] != 22) {
				/* a handshake message spans only handshake records */
				s->nhh = 0;
				s->hleft = 0;
			}
			s->rtype = s->hdr[0];
			s->rleft = rd16(s->hdr + 3);
			if (s->rtype == 20)
				t->ccs = true;
			continue;
		}
		size_t k = n < s->rleft ? n : s->rleft;
		if (s->rtype == 22 && handshake_readable(t))
			track_handshake(t, s, d, k);
		s->rleft -= (uint16_t)k;
		d += k;
		n -= k;
	}
}

void tls_track_hello(struct tls_track *t, int di, uint16_t version)
{
	t->d[di].version = version;
	t->d[di].hello = true;
}
