// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pure side of attachment (src/daemon/attach_path.c, attach_tab.c):
 * procs/ names, link targets parsed and formatted, and the table of
 * attachments that rmdir and listing consult.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
