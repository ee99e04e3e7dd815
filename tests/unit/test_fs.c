// SPDX-License-Identifier: GPL-2.0-only
/*
 * itmd's file system without a mount: the translation of file operations
 * into grammar commands (src/daemon/fs_cmd.c), inode numbers, owners and
 * label slots (fs_tree.c), and the view of a live engine (fs_view.c):
 * which files a VIF and a module have, the text they read, and writes run
 * as commands, a bad one keeping the old value.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "daemon/ctl.h"
#include "daemon/fs_cmd.h"
#include "daemon/fs_tree.h"
#include "daemon/fs_view.h"
#include "itm/cmd.h"

static void expect_line(const struct fs_cmd *c, const char *want)
{
	char line[512];

	fs_cmd_line(c, line, sizeof(line));
	assert_string_equal(line, want);
}

static void test_names(void **state)
{
	uint32_t m;
	char buf[8];

	assert_int_equal(fs_name_minor("3", &m), 0);
	assert_int_equal(m, 3);
	assert_int_equal(fs_name_minor("ffff", &m), 0);
	assert_int_equal(m, 0xffff);
	assert_int_equal(fs_name_minor("1a", &m), 0);
	assert_int_equal(m, 0x1a);
	/* one spelling per VIF, so lookup and readdir agree */
	assert_int_equal(fs_name_minor("0", &m), -EINVAL);
	assert_int_equal(fs_name_minor("03", &m), -EINVAL);
	assert_int_equal(fs_name_minor("1A", &m), -EINVAL);
	assert_int_equal(fs_name_minor("10000", &m), -EINVAL);
	assert_int_equal(fs_name_minor("web", &m), -EINVAL);
	assert_int_equal(fs_name_minor("", &m), -EINVAL);
	fs_minor_name(0x1a, buf, sizeof(buf));
	assert_string_equal(buf, "1a");
}

static void test_root_name(void **state)
{
	char buf[16];

	fs_root_name("bridge c0 s0 rate 20mbit", buf, sizeof(buf));
	assert_string_equal(buf, "s0");
	fs_root_name("nfqueue port 5001 dev eth1", buf, sizeof(buf));
	assert_string_equal(buf, "eth1");
	fs_root_name("nfqueue dev any", buf, sizeof(buf));
	assert_string_equal(buf, "egress");
	fs_root_name("", buf, sizeof(buf));
	assert_string_equal(buf, "egress");
}

static void test_values(void **state)
{
	char out[32];

	assert_int_equal(fs_value_clean("4mbit\n", 6, true, out, sizeof(out)), 0);
	assert_string_equal(out, "4mbit");
	assert_int_equal(fs_value_clean("  7 \t\n", 6, true, out, sizeof(out)), 0);
	assert_string_equal(out, "7");
	assert_int_equal(fs_value_clean("fq_pie limit 100\n", 17, false, out,
					sizeof(out)), 0);
	assert_string_equal(out, "fq_pie limit 100");
	/* one value only: an option cannot ride along */
	assert_int_equal(fs_value_clean("4mbit weight 9\n", 15, true, out,
					sizeof(out)), -EINVAL);
	assert_int_equal(fs_value_clean("\n", 1, true, out, sizeof(out)), -EINVAL);
	assert_int_equal(fs_value_clean("", 0, true, out, sizeof(out)), -EINVAL);
	assert_int_equal(fs_value_clean("1\n2\n", 4, false, out, sizeof(out)),
			 -EINVAL);
	assert_int_equal(fs_value_clean("a\0b", 3, true, out, sizeof(out)), -EINVAL);
	assert_int_equal(fs_value_clean("0123456789012345678901234567890123",
					34, true, out, sizeof(out)), -EINVAL);
}

static void test_commands(void **state)
{
	struct fs_cmd c;

	assert_int_equal(fs_cmd_mkdir(&c, 0x10000, 0, 3), 0);
	expect_line(&c, "class add parent 1: classid 1:3 vif");
	assert_int_equal(fs_cmd_mkdir(&c, 0x20000, 0x3, 0x1a), 0);
	expect_line(&c, "class add parent 2:3 classid 2:1a vif");
	assert_int_equal(fs_cmd_rmdir(&c, 0x10000, 0x1a), 0);
	expect_line(&c, "class del classid 1:1a");
	assert_int_equal(fs_cmd_vif_set(&c, 0x10000, 3, "bandwidth", "4mbit"), 0);
	expect_line(&c, "class change classid 1:3 vif bandwidth 4mbit");
	assert_int_equal(fs_cmd_vif_set(&c, 0x10000, 0, "mode", "pq"), 0);
	expect_line(&c, "qdisc change root vif mode pq");
	assert_int_equal(fs_cmd_vif_qdisc(&c, 0x10000, 1, "fq_pie  limit 100"), 0);
	expect_line(&c, "qdisc replace parent 1:1 fq_pie limit 100");
	assert_int_equal(c.argc, 7);
	assert_int_equal(fs_cmd_vif_qdisc(&c, 0x10000, 0, "fq_pie"), -EINVAL);
	/* a leaf's qdisc file names a discipline, never another place: its
	 * owner may not replace the root or another user's leaf */
	assert_int_equal(fs_cmd_vif_qdisc(&c, 0x10000, 1, "root\tpfifo"), -EINVAL);
	assert_int_equal(fs_cmd_vif_qdisc(&c, 0x10000, 1, "parent 1:3 drr"), -EINVAL);
	assert_int_equal(fs_cmd_vif_qdisc(&c, 0x10000, 1, "handle 5: pfifo"), -EINVAL);
	assert_int_equal(fs_cmd_vif_qdisc(&c, 0x10000, 1, "pfifoo"), -EINVAL);
	assert_int_equal(fs_cmd_mod_set(&c, "pias", "prio_thresh_0", "51200"), 0);
	expect_line(&c, "set pias.prio_thresh_0 51200");
	assert_int_equal(fs_cmd_mod_ctl(&c, "pias", "print --json"), 0);
	expect_line(&c, "module ctl pias print --json");
	assert_int_equal(c.argc, 5);
}

static void test_errnos(void **state)
{
	assert_int_equal(fs_errno_write(0), 0);
	assert_int_equal(fs_errno_write(-ERANGE), EINVAL);
	assert_int_equal(fs_errno_write(-EPERM), EINVAL);
	assert_int_equal(fs_errno_write(-EBUSY), EBUSY);
	assert_int_equal(fs_errno_write(-ENOENT), ENOENT);
	/* the engine's "holds packets" is busy: the directory is empty */
	assert_int_equal(fs_errno_rmdir(-ENOTEMPTY), EBUSY);
	assert_int_equal(fs_errno_rmdir(-EBUSY), EBUSY);
	assert_int_equal(fs_errno_rmdir(0), 0);
}

static void test_inodes(void **state)
{
	struct fs_node n;

	assert_int_equal(fs_ino(FS_ROOT, 0, 0), 1);
	assert_true(fs_node_of(1, &n));
	assert_int_equal(n.kind, FS_ROOT);
	assert_true(fs_node_of(fs_ino(FS_VIF_FILE, FS_VF_STAT, 0xffff), &n));
	assert_int_equal(n.kind, FS_VIF_FILE);
	assert_int_equal(n.a, FS_VF_STAT);
	assert_int_equal(n.b, 0xffff);
	assert_true(fs_node_of(fs_ino(FS_MOD_FILE, FS_MOD_CTL, 7), &n));
	assert_int_equal(n.kind, FS_MOD_FILE);
	assert_int_equal(n.a, FS_MOD_CTL);
	assert_int_equal(n.b, 7);
	assert_false(fs_node_of(0, &n));
	assert_false(fs_node_of(UINT64_C(99) << 48, &n));
}

static void test_owners_labels(void **state)
{
	struct fs_tree *t = malloc(sizeof(*t));
	uid_t u;
	gid_t g;

	assert_non_null(t);
	fs_tree_init(t, 0, 0);
	assert_false(fs_tree_owner(t, 3, &u, &g));
	assert_int_equal(fs_tree_chown(t, 3, 1000, 100), 0);
	assert_true(fs_tree_owner(t, 3, &u, &g));
	assert_int_equal(u, 1000);
	assert_int_equal(g, 100);
	assert_int_equal(fs_tree_chown(t, 3, 1001, 100), 0);
	assert_true(fs_tree_owner(t, 3, &u, &g));
	assert_int_equal(u, 1001);
	fs_tree_forget(t, 3);
	assert_false(fs_tree_owner(t, 3, &u, &g));
	assert_int_equal(fs_tree_label_slot(t, "pias"), 0);
	assert_int_equal(fs_tree_label_slot(t, "flow"), 1);
	assert_int_equal(fs_tree_label_slot(t, "pias"), 0);
	assert_string_equal(fs_tree_label(t, 1), "flow");
	assert_null(fs_tree_label(t, 2));
	free(t);
}

static const char conf[] =
	"qdisc add root handle 1: vif mode pq\n"
	"class add parent 1: classid 1:3 vif bandwidth 4mbit mode shaping\n"
	"class add parent 1:3 classid 1:1 vif\n"
	"module add pias\n";

static struct itm_engine *engine(void)
{
	struct itm_engine *e = NULL;
	struct itm_err err;
	char msg[256];

	assert_int_equal(itm_config_load_buf("t", conf, strlen(conf), &e, msg,
					     sizeof(msg)), 0);
	assert_int_equal(itm_engine_start(e, 1, &err), 0);
	return e;
}

static char *read_file(struct itm_qdisc *q, uint32_t minor, const char *name)
{
	static char text[512];
	uint32_t file;
	FILE *f = fmemopen(text, sizeof(text), "w");

	assert_int_equal(fs_vif_file_find(q, minor, name, &file), 0);
	assert_int_equal(fs_vif_read(q, minor, file, f), 0);
	fclose(f);
	return text;
}

/* A write as the file system runs it: text -> command -> live engine. */
static int write_file(struct itm_live *lv, uint32_t minor, const char *name,
		      const char *text)
{
	struct itm_qdisc *q = fs_vif_root(lv->e);
	struct itm_err err;
	struct fs_cmd c;
	uint32_t file;
	int r;

	assert_int_equal(fs_vif_file_find(q, minor, name, &file), 0);
	r = fs_vif_write_cmd(q, minor, file, text, strlen(text), &c);
	return r < 0 ? r : itm_ctl_exec(lv, c.argc, c.argv, NULL, &err);
}

static void test_vif_view(void **state)
{
	struct itm_live lv = { .e = engine() };
	struct itm_qdisc *q = fs_vif_root(lv.e);
	uint32_t file;

	assert_non_null(q);
	assert_true(fs_vif_exists(q, 0));
	assert_true(fs_vif_exists(q, 3));
	assert_false(fs_vif_exists(q, 2));
	assert_int_equal(fs_vif_parent(q, 1), 3);
	assert_int_equal(fs_vif_child_next(q, 0, 0), 3);
	assert_int_equal(fs_vif_child_next(q, 0, 3), 0);
	assert_int_equal(fs_vif_child_next(q, 3, 0), 1);
	/* an inner VIF has no queue, a leaf has one */
	assert_int_equal(fs_vif_file_find(q, 3, "qdisc", &file), -ENOENT);
	assert_int_equal(fs_vif_file_find(q, 1, "qdisc", &file), 0);
	assert_int_equal(fs_vif_file_find(q, 0, "default", &file), 0);
	assert_string_equal(read_file(q, 3, "bandwidth"), "4Mbit\n");
	assert_string_equal(read_file(q, 3, "mode"), "shaping\n");
	assert_string_equal(read_file(q, 0, "mode"), "pq\n");
	assert_string_equal(read_file(q, 1, "qdisc"), "pfifo limit 1000p\n");
	assert_non_null(strstr(read_file(q, 3, "stat"), "bytes 0\npackets 0\n"));
	assert_int_equal(write_file(&lv, 3, "bandwidth", "6mbit\n"), 0);
	assert_string_equal(read_file(q, 3, "bandwidth"), "6Mbit\n");
	assert_int_equal(write_file(&lv, 3, "bandwidth", "fast\n"), -EINVAL);
	assert_int_equal(write_file(&lv, 3, "weight", "0\n"), -ERANGE);
	assert_string_equal(read_file(q, 3, "bandwidth"), "6Mbit\n");
	assert_string_equal(read_file(q, 3, "weight"), "1\n");
	assert_int_equal(write_file(&lv, 0, "bandwidth", "10mbit\n"), 0);
	assert_string_equal(read_file(q, 0, "bandwidth"), "10Mbit\n");
	/* what `qdisc` reads can be written back */
	assert_int_equal(write_file(&lv, 1, "qdisc", "bfifo limit 30kb\n"), 0);
	assert_string_equal(read_file(q, 1, "qdisc"), "bfifo limit 30Kb\n");
	assert_int_equal(write_file(&lv, 1, "qdisc", read_file(q, 1, "qdisc")), 0);
	assert_int_equal(fs_vif_file_find(q, 1, "stat", &file), 0);
	assert_false(fs_vif_file_writable(file));
	itm_engine_destroy(lv.e);
}

static void test_mod_view(void **state)
{
	struct itm_live lv = { .e = engine() };
	struct itm_mod *m = fs_mod_at(lv.e, 0);
	char text[128], value[64];
	struct itm_err err;
	struct fs_cmd c;
	uint32_t file;
	FILE *f;

	assert_non_null(m);
	assert_null(fs_mod_at(lv.e, 1));
	assert_int_equal(fs_mod_file_find(m, "table", &file), 0);
	assert_int_equal(file, FS_MOD_CTL);
	assert_int_equal(fs_mod_file_find(m, "prio_thresh_0", &file), 0);
	assert_int_equal(fs_mod_write_cmd(m, file, "51200\n", 6, &c), 0);
	assert_int_equal(itm_ctl_exec(&lv, c.argc, c.argv, NULL, &err), 0);
	assert_int_equal(itm_engine_param_get(lv.e, "pias.prio_thresh_0", value,
					      sizeof(value), &err), 0);
	f = fmemopen(text, sizeof(text), "w");
	assert_int_equal(fs_mod_read(m, file, f), 0);
	fclose(f);
	assert_string_equal(text, "51200\n");
	assert_string_equal(value, "51200");
	assert_int_equal(fs_mod_write_cmd(m, FS_MOD_CTL, "print\n", 6, &c), 0);
	expect_line(&c, "module ctl pias print");
	itm_engine_destroy(lv.e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_root_name),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_errnos),
		cmocka_unit_test(test_inodes),
		cmocka_unit_test(test_owners_labels),
		cmocka_unit_test(test_vif_view),
		cmocka_unit_test(test_mod_view),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
