// SPDX-License-Identifier: GPL-2.0-only
/*
 * itmroute's topology file (src/apps/itmroute/topo.c): a good file read
 * whole, and every kind of bad line refused with FILE:LINE: "TOKEN".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "topo.h"

static const char good[] =
	"# three nodes\n"
	"node A 10.99.0.1\n"
	"node B 10.99.0.2   # the far end\n"
	"\n"
	"node C 10.99.0.3\n"
	"link A C\n"
	"link\tC B\n"
	"dest 10.99.0.2/32 B\n"
	"dest 192.168.0.0/16 B\n"
	"dest 192.168.7.0/24 C\n"
	"self A\n"
	"port 7100\n";

static int parse(struct topo *t, const char *text, char *err, size_t n)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int r;

	assert_non_null(f);
	r = topo_parse(t, f, "t.topo", err, n);
	fclose(f);
	return r;
}

static uint32_t ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static void test_good_file(void **state)
{
	struct topo t;
	char err[256] = "";

	assert_int_equal(parse(&t, good, err, sizeof(err)), 0);
	assert_int_equal(t.n_nodes, 3);
	assert_int_equal(t.n_dests, 3);
	assert_int_equal(t.self, 0);
	assert_int_equal(t.port, 7100);
	assert_string_equal(t.node[1].name, "B");
	assert_true(t.node[2].addr == ip("10.99.0.3"));
	assert_int_equal(topo_node_by_name(&t, "C"), 2);
	assert_int_equal(topo_node_by_addr(&t, ip("10.99.0.2")), 1);
	assert_int_equal(topo_node_by_name(&t, "D"), -1);
	assert_true(topo_linked(&t, 0, 2) && topo_linked(&t, 2, 0));
	assert_true(topo_linked(&t, 1, 2));
	assert_false(topo_linked(&t, 0, 1));
	/* the longest prefix wins */
	assert_int_equal(topo_dest_for(&t, ip("192.168.7.9"))->node, 2);
	assert_int_equal(topo_dest_for(&t, ip("192.168.8.9"))->node, 1);
	assert_int_equal(topo_dest_for(&t, ip("10.99.0.2"))->len, 32);
	assert_null(topo_dest_for(&t, ip("10.99.0.4")));
	assert_int_equal(topo_set_self(&t, "C"), 0);
	assert_int_equal(t.self, 2);
	assert_int_equal(topo_set_self(&t, "Z"), -ENOENT);
}

/* A prefix of B holding A's own address: A's packets to itself stay on
 * the host (through a relay, they came back with A's source address and
 * were dropped as martians); the other nodes' addresses go to B. */
static void test_route_own_address(void **state)
{
	static const char wide[] =
		"node A 10.99.0.1\n"
		"node B 10.99.0.2\n"
		"node C 10.99.0.3\n"
		"link A C\n"
		"dest 10.99.0.0/24 B\n"
		"self A\n";
	struct topo t;
	char err[256] = "";

	assert_int_equal(parse(&t, wide, err, sizeof(err)), 0);
	assert_int_equal(topo_route_node(&t, ip("10.99.0.1")), -1);
	assert_int_equal(topo_route_node(&t, ip("10.99.0.2")), 1);
	assert_int_equal(topo_route_node(&t, ip("10.99.0.3")), 1);
	assert_int_equal(topo_route_node(&t, ip("10.99.0.77")), 1);
	assert_int_equal(topo_route_node(&t, ip("10.98.0.1")), -1);
	assert_int_equal(topo_set_self(&t, "C"), 0);
	assert_int_equal(topo_route_node(&t, ip("10.99.0.3")), -1);
	assert_int_equal(topo_route_node(&t, ip("10.99.0.1")), 1);
}

static void test_defaults(void **state)
{
	struct topo t;
	char err[256] = "";

	assert_int_equal(parse(&t, "node A 10.0.0.1\n", err, sizeof(err)), 0);
	assert_int_equal(t.self, -1);
	assert_int_equal(t.port, TOPO_PORT_DEFAULT);
	assert_int_equal(parse(&t, "# nothing\n\n", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.topo: no node line");
}

/* Each bad line comes third, after two good node lines. */
static const struct {
	const char *line, *err;
} bad[] = {
	{ "nod C 10.0.0.3", "t.topo:3: \"nod\": unknown keyword" },
	{ "node C", "t.topo:3: \"node\": expects node NAME ADDRESS" },
	{ "node C 10.0.0.3 x", "t.topo:3: \"node\": expects node NAME ADDRESS" },
	{ "node C 10.0.0", "t.topo:3: \"10.0.0\": not an IPv4 unicast address" },
	{ "node C 0.0.0.0", "t.topo:3: \"0.0.0.0\": not an IPv4 unicast address" },
	{ "node C fd00::1", "t.topo:3: \"fd00::1\": not an IPv4 unicast address" },
	{ "node C 224.0.0.1", "t.topo:3: \"224.0.0.1\": not an IPv4 unicast address" },
	{ "node C 239.1.2.3", "t.topo:3: \"239.1.2.3\": not an IPv4 unicast address" },
	{ "node C 240.0.0.1", "t.topo:3: \"240.0.0.1\": not an IPv4 unicast address" },
	{ "node C 255.255.255.255", "t.topo:3: \"255.255.255.255\": not an IPv4 unicast address" },
	{ "node A 10.0.0.9", "t.topo:3: \"A\": node defined twice" },
	{ "node C 10.0.0.1", "t.topo:3: \"10.0.0.1\": address of another node" },
	{ "node C! 10.0.0.3", "t.topo:3: \"C!\": a name is 1..31 of [A-Za-z0-9_-]" },
	{ "link A", "t.topo:3: \"link\": expects link NAME NAME" },
	{ "link A X", "t.topo:3: \"X\": no such node" },
	{ "link Y B", "t.topo:3: \"Y\": no such node" },
	{ "link A A", "t.topo:3: \"A\": a node is not its own neighbour" },
	{ "dest 10.1.0.0/33 A", "t.topo:3: \"10.1.0.0/33\": not an IPv4 prefix" },
	{ "dest 10.1.0.0/ A", "t.topo:3: \"10.1.0.0/\": not an IPv4 prefix" },
	{ "dest 10.1.0.1/16 A", "t.topo:3: \"10.1.0.1/16\": not an IPv4 prefix" },
	{ "dest 10.1.0.0/16 Z", "t.topo:3: \"Z\": no such node" },
	{ "self Z", "t.topo:3: \"Z\": no such node" },
	{ "self", "t.topo:3: \"self\": expects self NAME" },
	{ "port 0", "t.topo:3: \"0\": a port is 1..65535" },
	{ "port 65536", "t.topo:3: \"65536\": a port is 1..65535" },
	{ "port -1", "t.topo:3: \"-1\": a port is 1..65535" },
	{ "port 7x", "t.topo:3: \"7x\": a port is 1..65535" },
};

static void test_bad_lines(void **state)
{
	char text[256], err[256];
	struct topo t;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			 "node A 10.0.0.1\nnode B 10.0.0.2\n%s\nnode D 10.0.0.4\n",
			 bad[i].line);
		err[0] = '\0';
		assert_int_equal(parse(&t, text, err, sizeof(err)), -EINVAL);
		if (strncmp(err, bad[i].err, strlen(bad[i].err)))
			fail_msg("line \"%s\": got \"%s\", want \"%s...\"",
				 bad[i].line, err, bad[i].err);
	}
}

static void test_duplicate_prefix(void **state)
{
	char err[256];
	struct topo t;

	assert_int_equal(parse(&t, "node A 10.0.0.1\ndest 10.2.0.0/16 A\n"
			       "dest 10.2.0.0/16 A\n", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.topo:3: \"10.2.0.0/16\": prefix given twice");
}

static void test_too_many_nodes(void **state)
{
	char text[2048], err[256];
	struct topo t;
	size_t n = 0;
	int i;

	for (i = 0; i <= TOPO_NODES; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "node n%d 10.0.0.%d\n", i, i + 1);
	assert_int_equal(parse(&t, text, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.topo:17: \"n16\": more than 16 nodes");
}

/* topo_load: the file by path, self from the file or from -n. */
static void test_load_self(void **state)
{
	char path[] = "/tmp/itmroute-topo-XXXXXX", err[256];
	struct topo t;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, good, strlen(good)), (ssize_t)strlen(good));
	close(fd);
	assert_int_equal(topo_load(&t, path, NULL, err, sizeof(err)), 0);
	assert_int_equal(t.self, 0);
	assert_int_equal(topo_load(&t, path, "B", err, sizeof(err)), 0);
	assert_int_equal(t.self, 1);
	assert_int_equal(topo_load(&t, path, "Q", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, ": \"Q\": no such node (-n)"));
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "node A 10.0.0.1\n", 16), 16);
	close(fd);
	assert_int_equal(topo_load(&t, path, NULL, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "which node is this?"));
	unlink(path);
	assert_true(topo_load(&t, path, NULL, err, sizeof(err)) == -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_route_own_address),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_duplicate_prefix),
		cmocka_unit_test(test_too_many_nodes),
		cmocka_unit_test(test_load_self),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
