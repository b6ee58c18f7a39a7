/*
 * config.c - the settings table and its parser.
 */
#include "healthhub/config.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "healthhub/log.h"

enum type { T_STR, T_INT, T_REAL, T_BOOL, T_LEVEL };

struct setting {
	const char *flag; /* without the leading "--" */
	const char *env;  /* NULL: flag only */
	enum type type;
	size_t offset;
	double min, max; /* numbers only */
	const char *def; /* default, as text */
	unsigned cmds;   /* enum hh_command bits */
	int secret;      /* never logged in full */
	const char *help;
};

#define S HH_CMD_SERVE
#define M (HH_CMD_MIGRATE | HH_CMD_STATUS)
#define OFF(f) offsetof(struct hh_config, f)

/* Settings still accepted (any value), warned about and ignored: what they tuned is gone. */
static int deprecated(const char *flag)
{
	return strcmp(flag, "db-workers") == 0 || strcmp(flag, "queue-limit") == 0;
}

static void usage(enum hh_command cmd, FILE *out);

static const struct setting settings[] = {
	{"database-url", "DATABASE_URL", T_STR, OFF(database_url), 0, 0, "", S | M, 1,
	 "PostgreSQL connection string or URI (multi-host allowed)"},
	{"host", "HOST", T_STR, OFF(host), 0, 0, "127.0.0.1", S, 0, "address to listen on"},
	{"port", "PORT", T_INT, OFF(port), 0, 65535, "8080", S, 0, "TCP port (0: any free port)"},
	{"reuse-port", "HH_REUSE_PORT", T_BOOL, OFF(reuse_port), 0, 1, "0", S, 0,
	 "share the port with another server started with --reuse-port (zero-downtime restarts); 0: a port in use is "
	 "an error"},
	/* at least 2: libmicrohttpd ignores a pool of 1 and falls back to its single-thread
	 * epoll mode, which stalls at exactly 128, 256, 512 and 1024 connections */
	{"threads", "HH_THREADS", T_INT, OFF(threads), 2, 64, "2", S, 0, "HTTP worker threads (a pool; at least 2)"},
	{"db-workers", "HH_DB_WORKERS", T_INT, OFF(db_workers), 1, 32, "2", S, 0,
	 "deprecated, ignored (searches are answered from memory)"},
	{"log-level", "HH_LOG_LEVEL", T_LEVEL, OFF(log_level), 0, 0, "info", S | M, 0, "debug, info, warn or error"},
	{"access-log", "HH_ACCESS_LOG", T_BOOL, OFF(access_log), 0, 1, "1", S, 0,
	 "one JSON log line per request (1 or 0)"},
	{"echo-request-id", "HH_ECHO_REQUEST_ID", T_BOOL, OFF(echo_request_id), 0, 1, "1", S, 0,
	 "X-Request-Id on answers made for one request (errors, no-store answers: 1) or on none (0); never on a "
	 "cacheable answer, which a shared cache may store"},
	{"max-body-bytes", "HH_MAX_BODY_BYTES", T_INT, OFF(max_body_bytes), 64, 1048576, "16384", S, 0,
	 "largest request body accepted (413 beyond)"},
	{"connection-timeout", "HH_CONNECTION_TIMEOUT", T_INT, OFF(connection_timeout), 1, 3600, "15", S, 0,
	 "seconds an idle or slow connection may stay open"},
	{"connection-limit", "HH_CONNECTION_LIMIT", T_INT, OFF(connection_limit), 16, 100000, "1000", S, 0,
	 "concurrent connections in all"},
	{"per-ip-limit", "HH_PER_IP_LIMIT", T_INT, OFF(per_ip_limit), 0, 100000, "0", S, 0,
	 "concurrent connections per client address (0: no limit)"},
	{"connection-memory", "HH_CONNECTION_MEMORY", T_INT, OFF(connection_memory), 8192, 1048576, "32768", S, 0,
	 "bytes per connection for request line, headers and buffers (414/431 beyond)"},
	{"max-age", "HH_MAX_AGE", T_INT, OFF(max_age), 0, 31536000, "300", S, 0,
	 "Cache-Control max-age of content, seconds"},
	{"s-maxage", "HH_S_MAXAGE", T_INT, OFF(s_maxage), -1, 31536000, "-1", S, 0,
	 "Cache-Control s-maxage of content for shared caches, seconds (-1: not sent, shared caches use max-age; with "
	 "--purge-url a long one is safe)"},
	{"stale-while-revalidate", "HH_STALE_WHILE_REVALIDATE", T_INT, OFF(stale_while_revalidate), 0, 31536000, "60",
	 S, 0, "Cache-Control stale-while-revalidate, seconds"},
	{"stale-if-error", "HH_STALE_IF_ERROR", T_INT, OFF(stale_if_error), 0, 31536000, "86400", S, 0,
	 "Cache-Control stale-if-error, seconds"},
	{"search-cache", "HH_SEARCH_CACHE", T_INT, OFF(search_cache), 0, 1000000, "1024", S, 0,
	 "search results kept in memory (entries)"},
	{"triage-cache", "HH_TRIAGE_CACHE", T_INT, OFF(triage_cache), 0, 1000000, "4096", S, 0,
	 "triage GET answers kept in memory (entries)"},
	{"list-cache", "HH_LIST_CACHE", T_INT, OFF(list_cache), 0, 1000000, "256", S, 0,
	 "article list pages kept in memory (entries)"},
	{"reload-interval-ms", "HH_RELOAD_INTERVAL_MS", T_INT, OFF(reload_interval_ms), 50, 600000, "1000", S, 0,
	 "how often the content version is checked when no notification arrives"},
	{"statement-timeout-ms", "HH_STATEMENT_TIMEOUT_MS", T_INT, OFF(statement_timeout_ms), 10, 600000, "2000", S, 0,
	 "longest a database query may run"},
	{"queue-limit", "HH_QUEUE_LIMIT", T_INT, OFF(queue_limit), 1, 100000, "256", S, 0,
	 "deprecated, ignored (searches are answered from memory)"},
	{"shutdown-timeout", "HH_SHUTDOWN_TIMEOUT", T_INT, OFF(shutdown_timeout), 0, 600, "10", S, 0,
	 "seconds to finish in-flight requests after SIGTERM"},
	{"cors-origins", "HH_CORS_ORIGINS", T_STR, OFF(cors_origins), 0, 0, "*", S, 0,
	 "\"*\" (any origin, no credentials), a comma-separated allow-list, or \"\" for no CORS"},
	{"cors-max-age", "HH_CORS_MAX_AGE", T_INT, OFF(cors_max_age), 0, 86400, "600", S, 0,
	 "Access-Control-Max-Age of preflight answers, seconds"},
	{"rate-limit", "HH_RATE_LIMIT", T_REAL, OFF(rate_limit), 0, 1e6, "0", S, 0,
	 "requests per second per client (0: off)"},
	{"rate-burst", "HH_RATE_BURST", T_INT, OFF(rate_burst), 1, 1000000, "100", S, 0,
	 "requests a client may send at once before the rate applies"},
	{"trusted-proxies", "HH_TRUSTED_PROXIES", T_STR, OFF(trusted_proxies), 0, 0, "", S, 0,
	 "comma-separated proxy addresses whose X-Forwarded-For is believed"},
	{"country", "HH_COUNTRY", T_STR, OFF(country), 0, 0, "GB", S, 0,
	 "the deployment's default country (ISO 3166-1 alpha-2, a content/countries/CC.json); ?country= overrides per "
	 "request"},
	{"public-url", "HH_PUBLIC_URL", T_STR, OFF(public_url), 0, 0, "", S, 0,
	 "base URL of absolute links in schema.org answers, e.g. https://api.example.org (\"\": relative)"},
	{"purge-url", "HH_PURGE_URL", T_STR, OFF(purge_url), 0, 0, "", S, 0,
	 "comma-separated http:// URLs of shared caches sent PURGE with the changed surrogate keys (header xkey-purge) "
	 "after each new content version (\"\": none)"},
	{"purge-queue", "HH_PURGE_QUEUE", T_INT, OFF(purge_queue), 1, 100000, "1024", S, 0,
	 "purge requests waiting or being retried at most (dropped and counted beyond)"},
	{"admin-port", "HH_ADMIN_PORT", T_INT, OFF(admin_port), 0, 65535, "0", S, 0,
	 "serve /metrics, /healthz and /readyz on this port only, 404 on the public port (0: on the public port)"},
	{"admin-host", "HH_ADMIN_HOST", T_STR, OFF(admin_host), 0, 0, "127.0.0.1", S, 0,
	 "address the --admin-port listener binds"},
	{"require-approval", "HH_REQUIRE_APPROVAL", T_BOOL, OFF(require_approval), 0, 1, "0", S, 0,
	 "serve each entity's newest signed-off text only (healthhub approve); never signed off: 404, triage 503"},
	{"migrations", "HH_MIGRATIONS_DIR", T_STR, OFF(migrations_dir), 0, 0, "", M, 0,
	 "folder of numbered SQL migrations (\"\": the first of ../share/healthhub/migrations and ../migrations "
	 "beside the executable, then /usr/share/healthhub/migrations)"},
	{"content", "HH_CONTENT_DIR", T_STR, OFF(content_dir), 0, 0, "", M, 0,
	 "folder of content files (\"\": the first of ../share/healthhub/content and ../content beside the "
	 "executable, then /usr/share/healthhub/content)"},
	{"dry-run", NULL, T_BOOL, OFF(dry_run), 0, 1, "0", HH_CMD_MIGRATE, 0,
	 "validate and show what would change, field by field, write nothing"},
	{"author", "HH_AUTHOR", T_STR, OFF(author), 0, 0, "", HH_CMD_MIGRATE, 0,
	 "who made this content version, recorded in its history (\"\": the operating-system user@host)"},
	{"message", NULL, T_STR, OFF(message), 0, 0, "", HH_CMD_MIGRATE, 0,
	 "why, recorded in the content version's history"},
};

#undef S
#undef M

static int set_value(struct hh_config *cfg, const struct setting *s, const char *text, const char *from, FILE *err)
{
	char *field = (char *)cfg + s->offset;
	if (deprecated(s->flag) && strcmp(from, "default") != 0) {
		/* a deployment that sets it keeps starting */
		fprintf(err,
			"healthhub: warning: %s: --%s is deprecated and ignored: searches are answered from memory, "
			"with no database workers or queue\n",
			from, s->flag);
		return 0;
	}
	long long iv;
	switch (s->type) {
	case T_STR:
	case T_LEVEL:
		if (s->type == T_LEVEL && hh_log_level_parse(text) < 0) {
			fprintf(err, "healthhub: %s: --%s must be one of debug, info, warn, error (got \"%s\")\n", from,
				s->flag, text);
			return -1;
		}
		free(*(char **)field);
		*(char **)field = xstrdup(text);
		return 0;
	case T_INT:
	case T_BOOL:
		if (hh_parse_int(text, (long long)s->min, (long long)s->max, &iv) < 0) {
			fprintf(err, "healthhub: %s: --%s must be a whole number from %.0f to %.0f (got \"%s\")\n",
				from, s->flag, s->min, s->max, text);
			return -1;
		}
		*(long *)field = (long)iv;
		return 0;
	case T_REAL: {
		char *end = NULL;
		errno = 0;
		double v = strtod(text, &end);
		if (errno != 0 || end == text || *end != '\0' || !isfinite(v) || v < s->min || v > s->max) {
			fprintf(err, "healthhub: %s: --%s must be a number from %g to %g (got \"%s\")\n", from, s->flag,
				s->min, s->max, text);
			return -1;
		}
		*(double *)field = v;
		return 0;
	}
	}
	return -1;
}

static const struct setting *find_flag(const char *arg, enum hh_command cmd)
{
	for (size_t i = 0; i < HH_ARRAY_LEN(settings); i++)
		if ((settings[i].cmds & cmd) && strcmp(arg, settings[i].flag) == 0)
			return &settings[i];
	return NULL;
}

static int apply_defaults_and_env(struct hh_config *cfg, enum hh_command cmd, FILE *err)
{
	for (size_t i = 0; i < HH_ARRAY_LEN(settings); i++) {
		const struct setting *s = &settings[i];
		if (set_value(cfg, s, s->def, "default", err) < 0)
			return -1;
		const char *env = s->env ? getenv(s->env) : NULL;
		if ((s->cmds & cmd) && env != NULL && set_value(cfg, s, env, s->env, err) < 0)
			return -1;
	}
	return 0;
}

/* Accepts "--flag value", "--flag=value", and bare "--flag" for booleans. */
static int apply_args(struct hh_config *cfg, enum hh_command cmd, int argc, char **argv, FILE *out, FILE *err)
{
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			usage(cmd, out);
			return 1;
		}
		if (strncmp(arg, "--", 2) != 0) {
			fprintf(err, "healthhub: unexpected argument \"%s\" (see --help)\n", arg);
			return -1;
		}
		char name[64];
		const char *eq = strchr(arg + 2, '=');
		size_t n = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
		snprintf(name, sizeof(name), "%.*s", (int)n, arg + 2);
		const struct setting *s = find_flag(name, cmd);
		if (s == NULL) {
			fprintf(err, "healthhub: unknown option \"--%s\" (see --help)\n", name);
			return -1;
		}
		const char *value = eq ? eq + 1 : NULL;
		/* a boolean takes an explicit 0/1 after it, or stands alone for 1 */
		if (value == NULL && s->type == T_BOOL)
			value = (i + 1 < argc && (!strcmp(argv[i + 1], "0") || !strcmp(argv[i + 1], "1"))) ? argv[++i]
													   : "1";
		if (value == NULL && i + 1 < argc)
			value = argv[++i];
		if (value == NULL) {
			fprintf(err, "healthhub: option \"--%s\" needs a value\n", name);
			return -1;
		}
		if (set_value(cfg, s, value, "command line", err) < 0)
			return -1;
	}
	return 0;
}

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int hh_config_find_dir(const char *exe, const char *what, char *buf, size_t cap)
{
	char self[PATH_MAX];
	if (exe == NULL) {
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		self[n > 0 ? n : 0] = '\0';
		exe = self;
	}
	const char *slash = strrchr(exe, '/');
	int dir_len = slash != NULL ? (int)(slash - exe) : 1;
	const char *dir = slash != NULL ? exe : ".";
	char places[3][PATH_MAX + 64];
	snprintf(places[0], sizeof(places[0]), "%.*s/../share/healthhub/%s", dir_len, dir, what);
	snprintf(places[1], sizeof(places[1]), "%.*s/../%s", dir_len, dir, what);
	snprintf(places[2], sizeof(places[2]), "/usr/share/healthhub/%s", what);
	for (size_t i = 0; i < HH_ARRAY_LEN(places); i++) {
		char real[PATH_MAX];
		if (is_dir(places[i]) && realpath(places[i], real) != NULL) {
			snprintf(buf, cap, "%s", real);
			return 0;
		}
	}
	snprintf(buf, cap, "%s, %s, %s", places[0], places[1], places[2]);
	return -1;
}

/* A folder setting left empty ("") by flags and environment: its default, found at run time. */
static int find_default_dir(char **field, const char *what, const char *flag, const char *env, FILE *err)
{
	char found[3 * (PATH_MAX + 64)];
	if (**field != '\0')
		return 0;
	if (hh_config_find_dir(NULL, what, found, sizeof(found)) < 0) {
		fprintf(err, "healthhub: no %s folder found (looked in %s): pass --%s DIR or set %s\n", what, found,
			flag, env);
		return -1;
	}
	free(*field);
	*field = xstrdup(found);
	return 0;
}

int hh_config_load(struct hh_config *cfg, enum hh_command cmd, int argc, char **argv, FILE *out, FILE *err)
{
	memset(cfg, 0, sizeof(*cfg));
	if (apply_defaults_and_env(cfg, cmd, err) < 0)
		return -1;
	int rc = apply_args(cfg, cmd, argc, argv, out, err);
	if (rc != 0 || !(cmd & (HH_CMD_MIGRATE | HH_CMD_STATUS)))
		return rc;
	if (find_default_dir(&cfg->migrations_dir, "migrations", "migrations", "HH_MIGRATIONS_DIR", err) < 0 ||
	    find_default_dir(&cfg->content_dir, "content", "content", "HH_CONTENT_DIR", err) < 0)
		return -1;
	return 0;
}

void hh_config_free(struct hh_config *cfg)
{
	for (size_t i = 0; i < HH_ARRAY_LEN(settings); i++) {
		if (settings[i].type != T_STR && settings[i].type != T_LEVEL)
			continue;
		char **p = (char **)((char *)cfg + settings[i].offset);
		free(*p);
		*p = NULL;
	}
}

static const char *type_hint(const struct setting *s)
{
	switch (s->type) {
	case T_INT: return "N";
	case T_REAL: return "X";
	case T_BOOL: return "0|1";
	case T_LEVEL: return "LEVEL";
	default: return "TEXT";
	}
}

/* Usage of one command: its flags, environment variables and defaults. */
static void usage(enum hh_command cmd, FILE *out)
{
	if (cmd == HH_CMD_SERVE)
		fputs("usage: healthhub serve [options]\n\nRuns the HTTP server in the foreground until SIGINT or "
		      "SIGTERM,\nthen finishes in-flight requests and exits 0.\n\n",
		      out);
	else if (cmd == HH_CMD_MIGRATE)
		fputs("usage: healthhub migrate [options]\n\nValidates the content files, then applies pending "
		      "schema migrations and\nloads the content in one transaction. Exit 0 on success; on any "
		      "problem,\nnon-zero with every problem named, and the database as it was.\n\n",
		      out);
	else
		fputs("usage: healthhub migrate status [options]\n\nLists applied and pending migrations and "
		      "content files, with checksums,\nand the current content version.\n\n",
		      out);
	fputs("options (flag / environment variable / default):\n", out);
	for (size_t i = 0; i < HH_ARRAY_LEN(settings); i++) {
		const struct setting *s = &settings[i];
		if (!(s->cmds & cmd))
			continue;
		fprintf(out, "  --%s %s\n      %s\n      env %s, default \"%s\"\n", s->flag, type_hint(s), s->help,
			s->env ? s->env : "-", s->secret ? "" : s->def);
	}
	fputs("  --help\n      this text\n", out);
}

void hh_config_markdown(FILE *out)
{
	fputs("| flag | environment | default | commands | meaning |\n| --- | --- | --- | --- | --- |\n", out);
	for (size_t i = 0; i < HH_ARRAY_LEN(settings); i++) {
		const struct setting *s = &settings[i];
		fprintf(out, "| `--%s` | %s%s%s | `%s` | %s | %s |\n", s->flag, s->env ? "`" : "",
			s->env ? s->env : "-", s->env ? "`" : "", s->def,
			(s->cmds & HH_CMD_SERVE) ? ((s->cmds & HH_CMD_MIGRATE) ? "serve, migrate" : "serve")
						 : "migrate",
			s->help);
	}
}

char *hh_config_redact_url(const char *url)
{
	/* URI form: scheme://user:password@host  ->  scheme://user:***@host */
	const char *scheme = strstr(url, "://");
	const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
	const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
	if (scheme && at && colon && colon < at)
		return xasprintf("%.*s***%s", (int)(colon + 1 - url), url, at);
	/* keyword form: password=secret */
	const char *pw = strstr(url, "password=");
	if (pw != NULL) {
		const char *end = strchr(pw, ' ');
		return xasprintf("%.*spassword=***%s", (int)(pw - url), url, end ? end : "");
	}
	return xstrdup(url);
}

void hh_config_log(const struct hh_config *cfg, enum hh_command cmd)
{
	json_t *o = json_object();
	if (o == NULL)
		return;
	for (size_t i = 0; i < HH_ARRAY_LEN(settings); i++) {
		const struct setting *s = &settings[i];
		if (!(s->cmds & cmd))
			continue;
		const char *field = (const char *)cfg + s->offset;
		json_t *v = NULL;
		if (s->type == T_STR || s->type == T_LEVEL) {
			char *text = s->secret ? hh_config_redact_url(*(char *const *)field) : NULL;
			v = json_string(text ? text : *(char *const *)field);
			free(text);
		} else if (s->type == T_REAL) {
			v = json_real(*(const double *)field);
		} else {
			v = json_integer(*(const long *)field);
		}
		json_object_set_new(o, s->flag, v);
	}
	hh_log_json(HH_LOG_INFO, "config", o);
	json_decref(o);
}
