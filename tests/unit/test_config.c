/*
 * test_config.c - the settings table (config.c): defaults, environment,
 * flags overriding the environment, bounds, and bad values refused with a
 * message that names the setting and where the value came from.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "healthhub/config.h"

/* Loads cfg for serve from argv (NULL-terminated); the return code, err's text in msg. */
static int load(struct hh_config *cfg, char *msg, size_t cap, const char **argv)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	char *text = NULL, *help = NULL;
	size_t len = 0, hlen = 0;
	FILE *err = open_memstream(&text, &len);
	FILE *out = open_memstream(&help, &hlen);
	int rc = hh_config_load(cfg, HH_CMD_SERVE, argc, (char **)argv, out, err);
	fclose(err);
	fclose(out);
	snprintf(msg, cap, "%s", text ? text : "");
	free(text);
	free(help);
	return rc;
}

static void defaults(void)
{
	struct hh_config cfg;
	char msg[512];
	const char *argv[] = {NULL};
	CHECK(load(&cfg, msg, sizeof(msg), argv) == 0);
	CHECK(cfg.port == 8080 && cfg.threads == 2 && cfg.db_workers == 2);
	CHECK(cfg.access_log == 1 && cfg.echo_request_id == 1);
	CHECK_STR(cfg.cors_origins, "*");
	CHECK_STR(cfg.public_url, "");
	CHECK(cfg.rate_limit == 0.0);
	hh_config_free(&cfg);
}

static void env_then_flags(void)
{
	struct hh_config cfg;
	char msg[512];
	setenv("PORT", "9000", 1);
	setenv("HH_THREADS", "4", 1);
	setenv("HH_CORS_ORIGINS", "https://a.example", 1);
	const char *none[] = {NULL};
	CHECK(load(&cfg, msg, sizeof(msg), none) == 0);
	CHECK(cfg.port == 9000 && cfg.threads == 4); /* the environment overrides the default */
	CHECK_STR(cfg.cors_origins, "https://a.example");
	hh_config_free(&cfg);
	/* a flag overrides the environment, in both spellings */
	const char *argv[] = {"--port", "9100", "--threads=8", "--cors-origins", "", "--access-log", "0", NULL};
	CHECK(load(&cfg, msg, sizeof(msg), argv) == 0);
	CHECK(cfg.port == 9100 && cfg.threads == 8 && cfg.access_log == 0);
	CHECK_STR(cfg.cors_origins, "");
	hh_config_free(&cfg);
	/* a bare boolean flag means 1 */
	const char *bare[] = {"--access-log", "--port", "1", NULL};
	setenv("HH_ACCESS_LOG", "0", 1);
	CHECK(load(&cfg, msg, sizeof(msg), bare) == 0);
	CHECK(cfg.access_log == 1 && cfg.port == 1);
	hh_config_free(&cfg);
	unsetenv("PORT");
	unsetenv("HH_THREADS");
	unsetenv("HH_CORS_ORIGINS");
	unsetenv("HH_ACCESS_LOG");
}

/* argv must be refused, with a message containing every needle. */
static void refused(const char **argv, const char *needle1, const char *needle2)
{
	struct hh_config cfg;
	char msg[512];
	CHECK(load(&cfg, msg, sizeof(msg), argv) == -1);
	CHECK(strstr(msg, needle1) != NULL);
	CHECK(needle2 == NULL || strstr(msg, needle2) != NULL);
	if (strstr(msg, needle1) == NULL)
		fprintf(stderr, "message was: %s", msg);
	hh_config_free(&cfg);
}

static void bounds_and_bad_values(void)
{
	const char *low[] = {"--threads", "1", NULL}; /* a pool of 1 is MHD's stalling single-thread mode */
	refused(low, "--threads must be a whole number from 2 to 64", "got \"1\"");
	const char *high[] = {"--port", "65536", NULL};
	refused(high, "--port", "65536");
	const char *word[] = {"--max-body-bytes", "16k", NULL};
	refused(word, "--max-body-bytes", "16k");
	const char *real[] = {"--rate-limit", "-1", NULL};
	refused(real, "--rate-limit must be a number", NULL);
	const char *nan[] = {"--rate-limit", "nan", NULL};
	refused(nan, "--rate-limit", NULL);
	const char *level[] = {"--log-level", "loud", NULL};
	refused(level, "--log-level must be one of debug, info, warn, error", NULL);
	const char *unknown[] = {"--colour", "1", NULL};
	refused(unknown, "unknown option \"--colour\"", NULL);
	const char *missing[] = {"--port", NULL};
	refused(missing, "\"--port\" needs a value", NULL);
	const char *stray[] = {"8080", NULL};
	refused(stray, "unexpected argument \"8080\"", NULL);
	const char *other_cmd[] = {"--dry-run", NULL}; /* a migrate flag is unknown to serve */
	refused(other_cmd, "unknown option \"--dry-run\"", NULL);
	/* a bad environment value names the variable */
	setenv("HH_THREADS", "1", 1);
	const char *none[] = {NULL};
	refused(none, "HH_THREADS", "--threads must be a whole number from 2 to 64");
	unsetenv("HH_THREADS");
	/* in bounds at both ends */
	struct hh_config cfg;
	char msg[512];
	const char *edges[] = {"--threads", "64", "--rate-limit", "0.5", NULL};
	CHECK(load(&cfg, msg, sizeof(msg), edges) == 0);
	CHECK(cfg.threads == 64 && cfg.rate_limit == 0.5);
	hh_config_free(&cfg);
	/* settings of the search workers that went: still accepted (any value), with a warning, ignored */
	setenv("HH_DB_WORKERS", "0", 1);
	const char *gone[] = {"--queue-limit", "5", NULL};
	CHECK(load(&cfg, msg, sizeof(msg), gone) == 0);
	CHECK(strstr(msg, "HH_DB_WORKERS: --db-workers is deprecated and ignored") != NULL);
	CHECK(strstr(msg, "command line: --queue-limit is deprecated and ignored") != NULL);
	CHECK(cfg.queue_limit == 256 && cfg.db_workers == 2);
	unsetenv("HH_DB_WORKERS");
	hh_config_free(&cfg);
}

static void help_and_redaction(void)
{
	struct hh_config cfg;
	char msg[512];
	const char *help[] = {"--help", NULL};
	CHECK(load(&cfg, msg, sizeof(msg), help) == 1);
	hh_config_free(&cfg);
	char *r = hh_config_redact_url("postgresql://app:s3cret@db:5432/healthhub");
	CHECK(r != NULL && strstr(r, "s3cret") == NULL && strstr(r, "app") != NULL);
	free(r);
}

/* The default folders are found beside the executable, never at the build machine's path. */
static void default_folders(void)
{
	char root[] = "/tmp/hh-test-config-XXXXXX", exe[256], path[512], found[4096];
	CHECK(mkdtemp(root) != NULL);
	snprintf(exe, sizeof(exe), "%s/bin/healthhub", root); /* need not exist: only its folder counts */
	snprintf(path, sizeof(path), "%s/bin", root);
	CHECK(mkdir(path, 0700) == 0);
	CHECK(hh_config_find_dir(exe, "hh-test-nothing", found, sizeof(found)) == -1);
	CHECK(strstr(found, "/bin/../share/healthhub/hh-test-nothing") != NULL &&
	      strstr(found, "/usr/share/healthhub/hh-test-nothing") != NULL); /* says where it looked */
	snprintf(path, sizeof(path), "%s/content", root);                     /* a build folder in a clone */
	CHECK(mkdir(path, 0700) == 0);
	CHECK(hh_config_find_dir(exe, "content", found, sizeof(found)) == 0);
	CHECK_STR(found, path);
	snprintf(path, sizeof(path), "%s/share", root); /* an install under a prefix comes first */
	CHECK(mkdir(path, 0700) == 0);
	snprintf(path, sizeof(path), "%s/share/healthhub", root);
	CHECK(mkdir(path, 0700) == 0);
	snprintf(path, sizeof(path), "%s/share/healthhub/content", root);
	CHECK(mkdir(path, 0700) == 0);
	CHECK(hh_config_find_dir(exe, "content", found, sizeof(found)) == 0);
	CHECK_STR(found, path);
	static const char *const made[] = {"share/healthhub/content", "share/healthhub", "share", "content", "bin", ""};
	for (size_t i = 0; i < HH_ARRAY_LEN(made); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, made[i]);
		CHECK(rmdir(path) == 0);
	}
}

int main(void)
{
	/* the tests set the environment themselves: start from none of ours */
	const char *vars[] = {
		"PORT",          "HOST",          "HH_THREADS",    "HH_DB_WORKERS",      "HH_CORS_ORIGINS",
		"HH_ACCESS_LOG", "HH_PUBLIC_URL", "HH_RATE_LIMIT", "HH_ECHO_REQUEST_ID", "DATABASE_URL"};
	for (size_t i = 0; i < HH_ARRAY_LEN(vars); i++)
		unsetenv(vars[i]);
	defaults();
	env_then_flags();
	bounds_and_bad_values();
	help_and_redaction();
	default_folders();
	return check_done();
}
