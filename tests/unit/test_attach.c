// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pure side of attachment (src/daemon/attach_path.c, attach_tab.c):
 * procs/ names, link targets parsed and formatted, the table of
 * attachments that rmdir and listing consult, and what a write to a VIF's
 * uids or cgroups file means (attach_list.c) with its bookkeeping.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/attach_list.h"
#include "daemon/attach_path.h"
#include "daemon/attach_tab.h"

static void test_names(void **state)
{
	pid_t pid;
	int fd;

	assert_int_equal(attp_pid("1234", &pid), 0);
	assert_int_equal(pid, 1234);
	assert_int_equal(attp_pid("0", &pid), -EINVAL);
	assert_int_equal(attp_pid("01", &pid), -EINVAL);
	assert_int_equal(attp_pid("-3", &pid), -EINVAL);
	assert_int_equal(attp_pid("12a", &pid), -EINVAL);
	assert_int_equal(attp_pid("4194305", &pid), -EINVAL);
	assert_int_equal(attp_fd("0", &fd), 0);
	assert_int_equal(fd, 0);
	assert_int_equal(attp_fd("65535", &fd), 0);
	assert_int_equal(attp_fd("65536", &fd), -EINVAL);
	assert_int_equal(attp_fd("", &fd), -EINVAL);
}

/* Attached by the itmd of another interface: its cgroup is that one's. */
static void test_cg_other_if(void **state)
{
	assert_false(attp_cg_other_if("/", "eth0"));
	assert_false(attp_cg_other_if("/user.slice/session-3.scope", "eth0"));
	assert_false(attp_cg_other_if("/itm/eth0/3/42", "eth0"));
	assert_false(attp_cg_other_if("/itm/eth0", "eth0"));
	assert_false(attp_cg_other_if("/itmx/eth1/3/42", "eth0"));
	assert_true(attp_cg_other_if("/itm/eth1/3/42", "eth0"));
	assert_true(attp_cg_other_if("/itm/eth0.5/1/42", "eth0"));
	assert_true(attp_cg_other_if("/itm/eth/1/42", "eth0"));
}

static void test_targets(void **state)
{
	uint32_t m[ATTP_MINORS_MAX];

	assert_int_equal(attp_target("../../network/eth0/3/1", "/run/itm", 2,
				     "eth0", m, ATTP_MINORS_MAX), 3);
	assert_int_equal(m[0], 0);
	assert_int_equal(m[1], 3);
	assert_int_equal(m[2], 1);
	assert_int_equal(attp_target("../../../../network/eth0/1a/", "/m", 4,
				     "eth0", m, ATTP_MINORS_MAX), 2);
	assert_int_equal(m[1], 0x1a);
	assert_int_equal(attp_target("/run/itm/network/eth0/3", "/run/itm/", 2,
				     "eth0", m, ATTP_MINORS_MAX), 2);
	assert_int_equal(attp_target("../../network/eth0", "/m", 2, "eth0", m,
				     ATTP_MINORS_MAX), 1);
	/* wrong depth, other tree, bad components */
	assert_int_equal(attp_target("../network/eth0/3", "/m", 2, "eth0", m,
				     ATTP_MINORS_MAX), -EINVAL);
	assert_int_equal(attp_target("../../network/eth1/3", "/m", 2, "eth0", m,
				     ATTP_MINORS_MAX), -ENOENT);
	assert_int_equal(attp_target("/elsewhere/network/eth0/3", "/m", 2,
				     "eth0", m, ATTP_MINORS_MAX), -ENOENT);
	assert_int_equal(attp_target("../../modules/pias", "/m", 2, "eth0", m,
				     ATTP_MINORS_MAX), -ENOENT);
	assert_int_equal(attp_target("../../network/eth0/3//1", "/m", 2, "eth0",
				     m, ATTP_MINORS_MAX), -EINVAL);
	assert_int_equal(attp_target("../../network/eth0/../3", "/m", 2, "eth0",
				     m, ATTP_MINORS_MAX), -EINVAL);
	assert_int_equal(attp_target("../../network/eth0/03", "/m", 2, "eth0",
				     m, ATTP_MINORS_MAX), -EINVAL);
	assert_int_equal(attp_target("../../network/eth0/1/2/3/4/5/6/7/8/9",
				     "/m", 2, "eth0", m, ATTP_MINORS_MAX), -EINVAL);
}

static void test_format(void **state)
{
	const uint32_t m[] = { 0, 3, 0x1a };
	char buf[128];

	assert_int_equal(attp_format(buf, sizeof(buf), 2, "eth0", m, 3), 0);
	assert_string_equal(buf, "../../network/eth0/3/1a");
	assert_int_equal(attp_format(buf, sizeof(buf), 4, "s0", m, 1), 0);
	assert_string_equal(buf, "../../../../network/s0");
	assert_int_equal(attp_format(buf, 10, 2, "eth0", m, 3), -ENAMETOOLONG);
}

static void test_table(void **state)
{
	struct att_tab t;
	struct att *a;
	unsigned i;

	att_tab_init(&t);
	assert_non_null(att_add(&t, ATT_PROC, 30, -1, 1));
	assert_non_null(att_add(&t, ATT_PROC, 10, -1, 1));
	assert_non_null(att_add(&t, ATT_SOCK, 10, 7, 2));
	assert_non_null(att_add(&t, ATT_SOCK, 10, 4, 1));
	assert_int_equal(att_count_minor(&t, 1, 0), 3);
	assert_int_equal(att_count_minor(&t, 1, ATT_PROC), 2);
	assert_int_equal(att_count_minor(&t, 2, ATT_SOCK), 1);
	assert_int_equal(att_pid_next(&t, 0), 10);
	assert_int_equal(att_pid_next(&t, 10), 30);
	assert_int_equal(att_pid_next(&t, 30), 0);
	assert_int_equal(att_fd_next(&t, 10, -1), 4);
	assert_int_equal(att_fd_next(&t, 10, 4), 7);
	assert_int_equal(att_fd_next(&t, 10, 7), -1);
	assert_true(att_pid_known(&t, 30));
	assert_false(att_pid_known(&t, 20));
	a = att_find(&t, ATT_SOCK, 10, 7);
	assert_non_null(a);
	assert_int_equal(a->minor, 2);
	assert_int_equal(a->pidfd, -1);
	assert_null(att_find(&t, ATT_SOCK, 30, 7));
	att_del(&t, att_find(&t, ATT_PROC, 30, -1));
	assert_null(att_find(&t, ATT_PROC, 30, -1));
	assert_non_null(att_find(&t, ATT_SOCK, 10, 4));
	assert_int_equal(att_count_minor(&t, 1, 0), 2);
	for (i = 3; i < ATT_MAX; i++)
		assert_non_null(att_add(&t, ATT_PROC, (pid_t)(100 + i), -1, 5));
	assert_null(att_add(&t, ATT_PROC, 99, -1, 5));	/* full */
	att_tab_fini(&t);
}

static void test_list_uid(void **state)
{
	struct atl_req r;
	uid_t u;

	assert_int_equal(atl_parse_uid("1000", &u), 0);
	assert_int_equal(u, 1000);
	assert_int_equal(atl_parse_uid("0", &u), 0);
	assert_int_equal(u, 0);
	assert_int_equal(atl_parse_uid("4294967294", &u), 0);
	assert_int_equal(u, 4294967294u);
	assert_int_equal(atl_parse_uid("root", &u), 0);	/* a name */
	assert_int_equal(u, 0);
	/* (uid_t)-1, out of range, leading zero, signs, junk, no such user */
	assert_int_equal(atl_parse_uid("4294967295", &u), -EINVAL);
	assert_int_equal(atl_parse_uid("99999999999999999999", &u), -EINVAL);
	assert_int_equal(atl_parse_uid("01000", &u), -EINVAL);
	assert_int_equal(atl_parse_uid("10a", &u), -EINVAL);
	assert_int_equal(atl_parse_uid("", &u), -EINVAL);
	assert_int_equal(atl_parse_uid("no-such-user-itm", &u), -EINVAL);
	assert_int_equal(atl_parse(ATL_UID, "+1000", &r), 0);
	assert_true(r.add);
	assert_int_equal(r.e.kind, ATL_UID);
	assert_int_equal(r.e.uid, 1000);
	assert_int_equal(atl_parse(ATL_UID, "1000", &r), 0);
	assert_true(r.add);
	assert_int_equal(atl_parse(ATL_UID, "-1000", &r), 0);
	assert_false(r.add);
	assert_int_equal(atl_parse(ATL_UID, "+-1000", &r), -EINVAL);
	assert_int_equal(atl_parse(ATL_UID, "--1000", &r), -EINVAL);
	assert_int_equal(atl_parse(ATL_UID, "+", &r), -EINVAL);
}

static void test_list_cg(void **state)
{
	struct atl_req r;
	char p[ATT_CG_LEN], longp[ATT_CG_LEN + 8];

	assert_int_equal(atl_parse_cg("/user.slice/u-1000", p, sizeof(p)), 0);
	assert_string_equal(p, "user.slice/u-1000");
	assert_int_equal(atl_parse_cg("a/b/", p, sizeof(p)), 0);
	assert_string_equal(p, "a/b");
	assert_int_equal(atl_parse_cg("itmx", p, sizeof(p)), 0);
	/* the root, empty and dot components, itmd's own, too long */
	assert_int_equal(atl_parse_cg("/", p, sizeof(p)), -EINVAL);
	assert_int_equal(atl_parse_cg("", p, sizeof(p)), -EINVAL);
	assert_int_equal(atl_parse_cg("a//b", p, sizeof(p)), -EINVAL);
	assert_int_equal(atl_parse_cg("a//", p, sizeof(p)), -EINVAL);
	assert_int_equal(atl_parse_cg("//a", p, sizeof(p)), -EINVAL);
	assert_int_equal(atl_parse_cg("a/../b", p, sizeof(p)), -EINVAL);
	assert_int_equal(atl_parse_cg("..", p, sizeof(p)), -EINVAL);
	assert_int_equal(atl_parse_cg("a/.", p, sizeof(p)), -EINVAL);
	assert_int_equal(atl_parse_cg("/itm", p, sizeof(p)), -EINVAL);
	assert_int_equal(atl_parse_cg("itm/eth0/1", p, sizeof(p)), -EINVAL);
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	assert_int_equal(atl_parse_cg(longp, p, sizeof(p)), -EINVAL);
	assert_int_equal(atl_parse(ATL_CG, "+/x/y", &r), 0);
	assert_true(r.add);
	assert_string_equal(r.e.path, "x/y");
	assert_int_equal(atl_parse(ATL_CG, "-/x/y", &r), 0);
	assert_false(r.add);
	assert_int_equal(atl_parse(ATL_CG, "-../x", &r), -EINVAL);
}

static void test_list_exists(void **state)
{
	char dir[] = "/tmp/itm-atl.XXXXXX", sub[64], file[64];
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/g", dir);
	snprintf(file, sizeof(file), "%s/f", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	assert_true(atl_cg_exists(dir, "g"));
	assert_false(atl_cg_exists(dir, "f"));	/* not a directory */
	assert_false(atl_cg_exists(dir, "h"));
	unlink(file);
	rmdir(sub);
	rmdir(dir);
}

static struct atl atl_of(enum atl_kind kind, uint32_t minor, uid_t uid,
			 const char *path)
{
	struct atl e = { .kind = kind, .minor = minor, .uid = uid };

	snprintf(e.path, sizeof(e.path), "%s", path);
	return e;
}

static void test_list_table(void **state)
{
	struct atl_tab t;
	struct atl u1 = atl_of(ATL_UID, 1, 1000, ""), u2 = atl_of(ATL_UID, 1, 7, "");
	struct atl g1 = atl_of(ATL_CG, 2, 0, "a/b"), g2 = atl_of(ATL_CG, 1, 0, "a");
	struct atl key = atl_of(ATL_UID, 9, 1000, ""), g3 = atl_of(ATL_CG, 3, 0, "a/b/c");
	char text[ATT_CG_LEN + 2];
	unsigned i;

	atl_tab_init(&t);
	/* rule positions: uids right after the sockets' RETURN, cgroups
	 * after the uids, deeper paths after shallower ones */
	assert_int_equal(atl_rule_pos(&t, &u1), 2);
	assert_non_null(atl_add(&t, &u1));
	assert_int_equal(atl_rule_pos(&t, &g1), 3);
	assert_non_null(atl_add(&t, &g1));
	assert_int_equal(atl_rule_pos(&t, &g2), 3);	/* before a/b */
	assert_non_null(atl_add(&t, &g2));
	assert_int_equal(atl_rule_pos(&t, &u2), 2);
	assert_non_null(atl_add(&t, &u2));
	assert_int_equal(atl_rule_pos(&t, &g3), 6);	/* after a, a/b */
	assert_int_equal(atl_cg_depth("a/b/c"), 3);
	/* unique across VIFs: the key matches whatever its minor */
	assert_ptr_equal(atl_find(&t, &key), &t.a[0]);
	key = atl_of(ATL_CG, 5, 0, "a");
	assert_int_equal(atl_find(&t, &key)->minor, 1);
	key = atl_of(ATL_CG, 5, 0, "a/c");
	assert_null(atl_find(&t, &key));
	assert_int_equal(atl_count_minor(&t, 1, 0), 3);
	assert_int_equal(atl_count_minor(&t, 1, ATL_UID), 2);
	assert_int_equal(atl_count_minor(&t, 2, ATL_CG), 1);
	/* listing order: uids ascending, per VIF and kind */
	assert_int_equal(atl_at(&t, 1, ATL_UID, 0)->uid, 7);
	assert_int_equal(atl_at(&t, 1, ATL_UID, 1)->uid, 1000);
	assert_null(atl_at(&t, 1, ATL_UID, 2));
	assert_string_equal(atl_at(&t, 1, ATL_CG, 0)->path, "a");
	assert_null(atl_at(&t, 3, ATL_CG, 0));
	atl_format(atl_at(&t, 2, ATL_CG, 0), text, sizeof(text));
	assert_string_equal(text, "/a/b");
	atl_format(&u1, text, sizeof(text));
	assert_string_equal(text, "1000");
	atl_del(&t, atl_find(&t, &u1));
	assert_null(atl_find(&t, &u1));
	assert_non_null(atl_find(&t, &u2));
	assert_int_equal(atl_count_minor(&t, 1, 0), 2);
	for (i = t.n; i < ATL_MAX; i++) {
		key = atl_of(ATL_UID, 4, (uid_t)(20000 + i), "");
		assert_non_null(atl_add(&t, &key));
	}
	key = atl_of(ATL_UID, 4, 1, "");
	assert_null(atl_add(&t, &key));	/* full */
	atl_tab_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_cg_other_if),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_list_uid),
		cmocka_unit_test(test_list_cg),
		cmocka_unit_test(test_list_exists),
		cmocka_unit_test(test_list_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
