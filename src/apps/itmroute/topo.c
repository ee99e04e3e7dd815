// SPDX-License-Identifier: GPL-2.0-only
/*
 * The topology file, line by line:
 *
 *   node NAME ADDRESS     an overlay node and its IPv4 overlay address
 *   link NAME NAME        two neighbours: each may relay for the other
 *   dest PREFIX NAME      PREFIX is reached through node NAME
 *   self NAME             which node reads the file (itmroute -n overrides)
 *   port N                the probes' UDP port (7079)
 *
 * '#' starts a comment. Names are defined before they are used. Errors
 * name the file, the line and the token.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "topo.h"

#define TOPO_TOKENS 4

struct topo_line {
	const char *fname;
	int lineno, n;
	char *tok[TOPO_TOKENS + 1];
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 3, 4)))
static int line_err(struct topo_line *l, const char *tok, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(l->err, l->errlen, "%s:%d: \"%s\": %s", l->fname, l->lineno,
		 tok, msg);
	return -EINVAL;
}

int topo_node_by_name(const struct topo *t, const char *name)
{
	int i;

	for (i = 0; i < t->n_nodes; i++) {
		if (!strcmp(t->node[i].name, name))
			return i;
	}
	return -1;
}

int topo_node_by_addr(const struct topo *t, uint32_t addr)
{
	int i;

	for (i = 0; i < t->n_nodes; i++) {
		if (t->node[i].addr == addr)
			return i;
	}
	return -1;
}

bool topo_linked(const struct topo *t, int a, int b)
{
	return a >= 0 && b >= 0 && (t->link[a] >> b & 1);
}

const struct topo_dest *topo_dest_for(const struct topo *t, uint32_t addr)
{
	const struct topo_dest *best = NULL;
	int i;

	for (i = 0; i < t->n_dests; i++) {
		const struct topo_dest *d = &t->dest[i];

		if ((addr & d->mask) == d->net && (!best || d->len > best->len))
			best = d;
	}
	return best;
}

int topo_route_node(const struct topo *t, uint32_t addr)
{
	const struct topo_dest *d;

	if (t->self >= 0 && addr == t->node[t->self].addr)
		return -1;	/* to itself: stays on the host */
	d = topo_dest_for(t, addr);
	return d ? d->node : -1;
}

int topo_set_self(struct topo *t, const char *name)
{
	int i = topo_node_by_name(t, name);

	if (i < 0)
		return -ENOENT;
	t->self = i;
	return 0;
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (!n || n >= TOPO_NAME_MAX)
		return false;
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return false;
	}
	return true;
}

static bool parse_addr(const char *s, uint32_t *addr)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return false;
	*addr = a.s_addr;
	return true;
}

static int known_node(struct topo_line *l, const struct topo *t, int i)
{
	int n = topo_node_by_name(t, l->tok[i]);

	if (n < 0)
		return line_err(l, l->tok[i], "no such node (node NAME ADDRESS first)");
	return n;
}

static int do_node(struct topo *t, struct topo_line *l)
{
	struct topo_node *n;
	uint32_t addr;

	if (!name_ok(l->tok[1]))
		return line_err(l, l->tok[1], "a name is 1..%d of [A-Za-z0-9_-]",
				TOPO_NAME_MAX - 1);
	if (topo_node_by_name(t, l->tok[1]) >= 0)
		return line_err(l, l->tok[1], "node defined twice");
	/* multicast (224/4), reserved and broadcast (240/4): no node's */
	if (!parse_addr(l->tok[2], &addr) || !addr || ntohl(addr) >= 0xe0000000u)
		return line_err(l, l->tok[2], "not an IPv4 unicast address");
	if (topo_node_by_addr(t, addr) >= 0)
		return line_err(l, l->tok[2], "address of another node");
	if (t->n_nodes == TOPO_NODES)
		return line_err(l, l->tok[1], "more than %d nodes", TOPO_NODES);
	n = &t->node[t->n_nodes++];
	snprintf(n->name, sizeof(n->name), "%s", l->tok[1]);
	n->addr = addr;
	return 0;
}

static int do_link(struct topo *t, struct topo_line *l)
{
	int a = known_node(l, t, 1), b;

	if (a < 0)
		return a;
	b = known_node(l, t, 2);
	if (b < 0)
		return b;
	if (a == b)
		return line_err(l, l->tok[2], "a node is not its own neighbour");
	t->link[a] |= 1u << b;
	t->link[b] |= 1u << a;
	return 0;
}

static bool parse_prefix(const char *s, uint32_t *net, uint8_t *len)
{
	char buf[32], *slash, *end;
	unsigned long n = 32;
	uint32_t mask;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		n = strtoul(slash + 1, &end, 10);
		if (!slash[1] || *end || n > 32)
			return false;
	}
	if (!parse_addr(buf, net))
		return false;
	mask = n ? htonl(0xffffffffu << (32 - n)) : 0;
	if (*net & ~mask)
		return false;		/* host bits set: say what you mean */
	*len = (uint8_t)n;
	return true;
}

static int do_dest(struct topo *t, struct topo_line *l)
{
	struct topo_dest d;
	int i;

	if (!parse_prefix(l->tok[1], &d.net, &d.len))
		return line_err(l, l->tok[1], "not an IPv4 prefix (A.B.C.D[/LEN], no host bits)");
	d.mask = d.len ? htonl(0xffffffffu << (32 - d.len)) : 0;
	d.node = known_node(l, t, 2);
	if (d.node < 0)
		return d.node;
	for (i = 0; i < t->n_dests; i++) {
		if (t->dest[i].net == d.net && t->dest[i].len == d.len)
			return line_err(l, l->tok[1], "prefix given twice");
	}
	if (t->n_dests == TOPO_DESTS)
		return line_err(l, l->tok[1], "more than %d prefixes", TOPO_DESTS);
	t->dest[t->n_dests++] = d;
	return 0;
}

static int do_self(struct topo *t, struct topo_line *l)
{
	int n = known_node(l, t, 1);

	if (n < 0)
		return n;
	t->self = n;
	return 0;
}

static int do_port(struct topo *t, struct topo_line *l)
{
	char *end;
	unsigned long n = strtoul(l->tok[1], &end, 10);

	if (!isdigit((unsigned char)l->tok[1][0]) || *end || !n || n > 65535)
		return line_err(l, l->tok[1], "a port is 1..65535");
	t->port = (uint16_t)n;
	return 0;
}

static const struct {
	const char *word;
	int args;
	int (*fn)(struct topo *t, struct topo_line *l);
	const char *usage;
} topo_words[] = {
	{ "node", 2, do_node, "node NAME ADDRESS" },
	{ "link", 2, do_link, "link NAME NAME" },
	{ "dest", 2, do_dest, "dest PREFIX NAME" },
	{ "self", 1, do_self, "self NAME" },
	{ "port", 1, do_port, "port N" },
};

/* Split at blanks, up to the comment; n is the number of tokens. */
static void line_split(struct topo_line *l, char *s)
{
	char *hash = strchr(s, '#'), *save = NULL, *tok;

	if (hash)
		*hash = '\0';
	l->n = 0;
	for (tok = strtok_r(s, " \t\r\n", &save); tok;
	     tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (l->n <= TOPO_TOKENS)
			l->tok[l->n] = tok;
		l->n++;
	}
}

static int line_run(struct topo *t, struct topo_line *l)
{
	size_t i;

	for (i = 0; i < sizeof(topo_words) / sizeof(topo_words[0]); i++) {
		if (strcmp(l->tok[0], topo_words[i].word))
			continue;
		if (l->n != topo_words[i].args + 1)
			return line_err(l, l->tok[0], "expects %s",
					topo_words[i].usage);
		return topo_words[i].fn(t, l);
	}
	return line_err(l, l->tok[0], "unknown keyword (node, link, dest, self, port)");
}

int topo_parse(struct topo *t, FILE *f, const char *fname, char *err,
	       size_t errlen)
{
	struct topo_line l = { .fname = fname, .err = err, .errlen = errlen };
	char buf[512];
	int r;

	memset(t, 0, sizeof(*t));
	t->self = -1;
	t->port = TOPO_PORT_DEFAULT;
	while (fgets(buf, sizeof(buf), f)) {
		l.lineno++;
		if (!strchr(buf, '\n') && !feof(f))
			return line_err(&l, "", "line longer than %zu bytes",
					sizeof(buf) - 2);
		line_split(&l, buf);
		if (!l.n)
			continue;
		r = line_run(t, &l);
		if (r < 0)
			return r;
	}
	if (!t->n_nodes) {
		snprintf(err, errlen, "%s: no node line", fname);
		return -EINVAL;
	}
	return 0;
}

int topo_load(struct topo *t, const char *path, const char *self, char *err,
	      size_t errlen)
{
	FILE *f = fopen(path, "r");
	int r;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	r = topo_parse(t, f, path, err, errlen);
	fclose(f);
	if (r < 0)
		return r;
	if (self && topo_set_self(t, self) < 0) {
		snprintf(err, errlen, "%s: \"%s\": no such node (-n)", path, self);
		return -EINVAL;
	}
	if (t->self < 0) {
		snprintf(err, errlen, "%s: which node is this? (self NAME or -n NAME)", path);
		return -EINVAL;
	}
	return 0;
}
