/*
 * negotiate.h - pure parsers of request fields that choose a representation
 * or a validator: Accept (RFC 9110 12.5.1) and HTTP-date (RFC 9110 5.6.7).
 * No sockets, no allocation; unit-tested in tests/unit/test_negotiate.c.
 */
#ifndef HEALTHHUB_NEGOTIATE_H
#define HEALTHHUB_NEGOTIATE_H

#include <stddef.h>
#include <time.h>

#include "healthhub/common.h"

/*
 * The q-value (0..1000, thousandths) that an Accept field value gives the
 * media type type/subtype (lower case), by the most specific matching range
 * (type/subtype over type/any over any/any; among equals, the one with more
 * parameters, then the first). Media types compare case-insensitively.
 * A missing or empty field accepts everything (1000). A malformed element
 * (no slash, bad q) is skipped, as if not sent: RFC 9110 lets a recipient
 * ignore what it cannot parse, and answering is better than a 400 here.
 * Returns 0 when no range matches (not acceptable).
 */
int hh_accept_quality(const char *accept, const char *type);

/*
 * Chooses among offered media types (lower-case "type/subtype", first =
 * preferred on ties): the index of the offer with the highest q-value
 * above 0, or -1 when none is acceptable.
 */
int hh_accept_choose(const char *accept, const char *const *offers, size_t n_offers);

/*
 * Accept-Language (RFC 9110 12.5.4): the index of the offered language tag
 * ("en", "es") the header prefers, or -1 when the header is absent or
 * accepts none of them (the caller then answers in its default language).
 * q-values as Accept's; a range names an offer when it is the same tag,
 * a sub-tag of it ("es-MX" names "es"), a prefix of it, or "*"; the most
 * specific range naming an offer gives its q; on equal q the range listed
 * first wins. A malformed element is skipped.
 */
int hh_accept_language_choose(const char *header, const char *const *offers, size_t n_offers);

/*
 * Parses an HTTP-date in any of the three forms a recipient must accept
 * (IMF-fixdate, RFC 850, asctime) into *out (UTC). 0, or -1 when malformed.
 */
int hh_http_date_parse(const char *s, time_t *out) HH_MUSTCHECK;
/*
 * Parses an RFC 3339 UTC timestamp ("2026-11-26T06:00:00Z", fractions and
 * "+00:00" allowed; other offsets are applied) into *out. 0, or -1.
 */
int hh_rfc3339_parse(const char *s, time_t *out) HH_MUSTCHECK;
/* Writes t as an IMF-fixdate ("Thu, 26 Nov 2026 06:00:00 GMT") into buf (>= 30 bytes). 0, or -1. */
int hh_http_date_format(time_t t, char *buf, size_t cap) HH_MUSTCHECK;

#endif
