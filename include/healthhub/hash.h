/*
 * hash.h - SHA-256 for checksums (migrations, content files, entities), ETags
 * and the ruleset version. Small, so every instance derives the same
 * identifiers from the same bytes.
 */
#ifndef HEALTHHUB_HASH_H
#define HEALTHHUB_HASH_H

#include <stddef.h>
#include <stdint.h>

/* A digest under way: every hh_sha256_init is ended by hh_sha256_final_hex, which frees it. */
struct hh_sha256 {
	void *ctx; /* OpenSSL's EVP_MD_CTX */
};

void hh_sha256_init(struct hh_sha256 *s);
void hh_sha256_update(struct hh_sha256 *s, const void *data, size_t n);
/* Feeds a string and its terminating NUL, so ("ab","c") != ("a","bc"); NULL feeds one 0xff byte. */
void hh_sha256_str(struct hh_sha256 *s, const char *str);
/* Lower-case hex of the digest of data: out must hold 65 bytes. */
void hh_sha256_hex(const void *data, size_t n, char out[65]);
void hh_sha256_final_hex(struct hh_sha256 *s, char out[65]);

struct json_t;

/*
 * The one checksum of a content entity (article, cause, remedy, symptom,
 * rule, the policy without its rules): the sha256 hex of its JSON dumped
 * compact with sorted keys, so white space and key order do not count and
 * a field added to the format is covered without code here. v is borrowed.
 * Returns 0, or -1 when jansson cannot dump v (out of memory).
 */
int hh_sha256_json(const struct json_t *v, char out[65]) __attribute__((warn_unused_result));

#endif
