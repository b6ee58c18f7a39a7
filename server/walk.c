/*
 * walk.c - finding and reading content files, with the refusals (symbolic
 * links, special files, oversized files) in one place.
 */
#include "healthhub/walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reads all of fd (a regular file of size bytes) into a new buffer. */
static int read_all(int fd, size_t size, char **out, size_t *len) HH_MUSTCHECK;

static int read_all(int fd, size_t size, char **out, size_t *len)
{
	char *buf = xmalloc(size + 1);
	size_t got = 0;
	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got != size) {
		free(buf);
		return -1;
	}
	buf[size] = '\0';
	*out = buf;
	*len = size;
	return 0;
}

/* Why fd (opened from a path) cannot be content, or NULL; reads it into *out. */
static char *read_fd(int fd, char **out, size_t *len)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return xstrdup("is not a regular file");
	if (st.st_size > HH_WALK_MAX_FILE)
		return xasprintf("is %lld bytes; the limit is %d", (long long)st.st_size, HH_WALK_MAX_FILE);
	if (read_all(fd, (size_t)st.st_size, out, len) < 0)
		return xasprintf("cannot read: %s", errno ? strerror(errno) : "short read");
	return NULL;
}

int hh_walk_read(const char *dir, const char *rel, char **out, size_t *len, char **why)
{
	char *path = xasprintf("%s/%s", dir, rel);
	*why = NULL;
	/* O_NONBLOCK: opening a FIFO must not hang migrate. */
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	int err = errno;
	free(path);
	if (fd < 0 && err == ELOOP)
		*why = xstrdup("is a symbolic link; only regular files are read");
	else if (fd < 0 && err == ENOENT)
		*why = xstrdup("is missing (every content folder needs one)");
	else if (fd < 0)
		*why = xasprintf("cannot open: %s", strerror(err));
	else
		*why = read_fd(fd, out, len);
	if (fd >= 0)
		close(fd);
	return *why == NULL ? 0 : -1;
}

char *hh_walk_stem(const char *name)
{
	size_t n = strlen(name);
	if (name[0] == '.' || n <= 5 || strcmp(name + n - 5, ".json") != 0)
		return NULL;
	return xstrndup(name, n - 5);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int hh_walk_list(const char *dir, const char *sub, struct hh_walk_names *out, char **why)
{
	char *path = xasprintf("%s/%s", dir, sub);
	DIR *d = opendir(path);
	int err = errno;
	free(path);
	*why = NULL;
	if (d == NULL) {
		*why = xasprintf("cannot open folder: %s", strerror(err));
		return -1;
	}
	for (;;) {
		struct dirent *e = readdir(d);
		if (e == NULL)
			break;
		char *stem = hh_walk_stem(e->d_name);
		if (stem == NULL)
			continue;
		out->v = hh_grow(out->v, out->n, sizeof(*out->v));
		out->v[out->n++] = stem;
	}
	closedir(d);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_str);
	return 0;
}

int hh_walk_names_has(const struct hh_walk_names *names, const char *stem)
{
	if (names->n == 0)
		return 0;
	return bsearch(&stem, names->v, names->n, sizeof(*names->v), cmp_str) != NULL;
}

void hh_walk_names_free(struct hh_walk_names *names)
{
	for (size_t i = 0; i < names->n; i++)
		free(names->v[i]);
	free(names->v);
	names->v = NULL;
	names->n = 0;
}
