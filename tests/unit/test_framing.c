/* test_framing.c - where a request's body ends (RFC 9112 6): hh_framing_add and hh_framing_verdict. */
#include "check.h"

#include <stdarg.h>

#include "healthhub/http.h"

/* The verdict for the header fields given as "Name", "value" pairs, ending with NULL. */
static int verdict(int http10, ...)
{
	struct hh_framing f;
	memset(&f, 0, sizeof(f));
	va_list ap;
	va_start(ap, http10);
	for (;;) {
		const char *name = va_arg(ap, const char *);
		if (name == NULL)
			break;
		hh_framing_add(&f, name, va_arg(ap, const char *));
	}
	va_end(ap);
	const char *why = NULL;
	int v = hh_framing_verdict(&f, http10, &why);
	CHECK(v == 0 || (why != NULL && why[0] != '\0'));
	return v;
}

#define CL "Content-Length"
#define TE "Transfer-Encoding"

static void sound(void)
{
	CHECK(verdict(0, NULL) == 0);
	CHECK(verdict(0, "Host", "x", "Accept", "*/*", NULL) == 0);
	CHECK(verdict(0, CL, "15", NULL) == 0);
	CHECK(verdict(0, CL, "0", NULL) == 0);
	CHECK(verdict(0, "content-length", "007", NULL) == 0);
	CHECK(verdict(0, CL, "18446744073709551615", NULL) == 0); /* 2^64 - 1 */
	CHECK(verdict(0, TE, "chunked", NULL) == 0);
	CHECK(verdict(0, "transfer-encoding", "CHUNKED", NULL) == 0);
	CHECK(verdict(0, TE, " chunked\t", NULL) == 0);
	CHECK(verdict(1, CL, "2", NULL) == 0);
}

static void content_length(void)
{
	CHECK(verdict(0, CL, "15", CL, "2", NULL) == 400);
	CHECK(verdict(0, CL, "2", CL, "15", NULL) == 400);
	CHECK(verdict(0, CL, "15", CL, "15", NULL) == 400); /* even equal: nginx refuses it too */
	CHECK(verdict(0, CL, "+15", NULL) == 400);
	CHECK(verdict(0, CL, "-1", NULL) == 400);
	CHECK(verdict(0, CL, "15, 2", NULL) == 400);
	CHECK(verdict(0, CL, "15,15", NULL) == 400);
	CHECK(verdict(0, CL, "", NULL) == 400);
	CHECK(verdict(0, CL, "0x10", NULL) == 400);
	CHECK(verdict(0, CL, "1 5", NULL) == 400);
	CHECK(verdict(0, CL, "18446744073709551616", NULL) == 400); /* 2^64 */
	CHECK(verdict(0, CL, "99999999999999999999999", NULL) == 400);
}

static void transfer_encoding(void)
{
	CHECK(verdict(0, TE, "xchunked", NULL) == 501);
	CHECK(verdict(0, TE, "gzip, chunked", NULL) == 501);
	CHECK(verdict(0, TE, "chunked, gzip", NULL) == 501);
	CHECK(verdict(0, TE, "identity", NULL) == 501);
	CHECK(verdict(0, TE, "chunked", TE, "chunked", NULL) == 400);
	CHECK(verdict(0, TE, "chunked", TE, "gzip", NULL) == 400);
	CHECK(verdict(0, TE, "chunked, chunked", NULL) == 400);
	CHECK(verdict(0, TE, "", NULL) == 400);
	CHECK(verdict(0, TE, ",", NULL) == 400);
	CHECK(verdict(0, TE, "chunked;q=1", NULL) == 400);
	CHECK(verdict(0, TE, "chun ked", NULL) == 400);
	CHECK(verdict(0, CL, "15", TE, "chunked", NULL) == 400);
	CHECK(verdict(0, TE, "chunked", CL, "15", NULL) == 400);
	CHECK(verdict(0, TE, "xchunked", CL, "15", NULL) == 400);
	CHECK(verdict(1, TE, "chunked", NULL) == 400);
	CHECK(verdict(1, TE, "gzip", NULL) == 400);
}

int main(void)
{
	sound();
	content_length();
	transfer_encoding();
	return check_done();
}
