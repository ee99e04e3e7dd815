// SPDX-License-Identifier: GPL-2.0-only
/*
 * The module framework (engine.c, pipeline.c, mod.c): callback order,
 * process skipped on class 0, chain order by registration and priority,
 * interest filters, verdicts and their counters, enable/disable, parameters
 * by name, timers, checksum repair, drops by cause.
 */
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "itm/engine.h"
#include "pktbuild.h"

/* A recording module: its behaviour comes from its parameters. */
struct rec {
	uint32_t cls;		/* what classify returns */
	uint32_t verdict;	/* what process returns */
	uint32_t level;		/* a FIXED parameter, for the tests */
};

static char trace[256];

static void trace_add(struct itm_mod *m, const char *what)
{
	snprintf(trace + strlen(trace), sizeof(trace) - strlen(trace), "%s:%s ",
		 m->label, what);
}

static uint32_t rec_classify(struct itm_mod *m, struct itm_pkt *p)
{
	trace_add(m, p->hook == ITM_HOOK_FORWARD ? "c" : itm_hook_name(p->hook));
	return ((struct rec *)itm_mod_priv(m))->cls;
}

static void rec_log(struct itm_mod *m, struct itm_pkt *p, uint32_t cls)
{
	trace_add(m, "l");
}

static enum itm_verdict rec_process(struct itm_mod *m, struct itm_pkt *p,
				    uint32_t cls)
{
	uint32_t v = ((struct rec *)itm_mod_priv(m))->verdict;

	trace_add(m, "p");
	if (v == ITM_MODIFIED)
		itm_l3_set_tos(p, &p->v.outer, 0x20);
	return (enum itm_verdict)v;
}

static void rec_class_update(struct itm_mod *m, struct itm_pkt *p,
			     uint32_t cls)
{
	trace_add(m, "u");
}

static void rec_ctl_update(struct itm_mod *m, uint64_t now)
{
	trace_add(m, "k");
}

static void rec_timer(struct itm_mod *m, uint64_t now)
{
	trace_add(m, "t");
}

static const struct itm_attr rec_attrs[] = {
	{ .name = "cls", .type = ITM_ATTR_U32, .off = offsetof(struct rec, cls),
	  .max = 10, .flags = ITM_ATTR_WRITABLE },
	{ .name = "verdict", .type = ITM_ATTR_U32,
	  .off = offsetof(struct rec, verdict), .max = 2,
	  .flags = ITM_ATTR_WRITABLE },
	{ .name = "level", .type = ITM_ATTR_U32,
	  .off = offsetof(struct rec, level), .max = 5, .def = 1,
	  .flags = ITM_ATTR_FIXED },
	ITM_ATTR_END,
};

static const struct itm_mod_ops rec_ops = {
	.id = "rec",
	.priv_size = sizeof(struct rec),
	.attrs = rec_attrs,
	.classify = rec_classify,
	.log = rec_log,
	.process = rec_process,
	.class_update = rec_class_update,
	.ctl_update = rec_ctl_update,
	.timer_ns = 1000,
	.timer = rec_timer,
};

/* A timer whose period is a parameter: set by init, followed by the timer
 * itself when the parameter changes (itm_mod_set_timer). */
struct tick {
	uint64_t every;
};

static int tick_init(struct itm_mod *m, struct itm_err *err)
{
	itm_mod_set_timer(m, ((struct tick *)itm_mod_priv(m))->every);
	return 0;
}

static void tick_timer(struct itm_mod *m, uint64_t now)
{
	uint64_t every = ((struct tick *)itm_mod_priv(m))->every;

	trace_add(m, "t");
	if (every != m->timer_ns)
		itm_mod_set_timer(m, every);
}

static const struct itm_attr tick_attrs[] = {
	{ .name = "every", .type = ITM_ATTR_TIME, .off = offsetof(struct tick, every),
	  .max = UINT64_C(1) << 40, .flags = ITM_ATTR_WRITABLE },
	ITM_ATTR_END,
};

static const struct itm_mod_ops tick_ops = {
	.id = "tick",
	.priv_size = sizeof(struct tick),
	.attrs = tick_attrs,
	.init = tick_init,
	.timer = tick_timer,	/* no timer_ns: the parameter gives it */
};

static struct itm_mod *add_rec(struct itm_engine *e, const char *label,
			       enum itm_hook hook, int prio, uint32_t cls,
			       uint32_t verdict)
{
	struct itm_err err;
	struct itm_mod *m;
	struct rec *r;

	assert_int_equal(itm_engine_mod_register(e, &rec_ops, label, hook, prio,
						 0, NULL, &err), 0);
	m = itm_engine_mod_find(e, label);
	r = itm_mod_priv(m);
	r->cls = cls;
	r->verdict = verdict;
	return m;
}

static struct itm_pkt *freed;

static void note_free(void *ctx, struct itm_pkt *p)
{
	freed = p;
}

static struct itm_engine *new_engine(void)
{
	struct itm_engine *e;
	struct itm_err err;

	assert_int_equal(itm_engine_create(&e, &err), 0);
	itm_engine_set_free(e, note_free, NULL);
	trace[0] = '\0';
	freed = NULL;
	return e;
}

static void tcp_packet(struct pb *b, struct itm_pkt *p)
{
	pb_init(b);
	pb_eth(b, 0x0800);
	pb_ipv4(b, 0, 6, "192.0.2.1", "198.51.100.1", 0);
	pb_tcp(b, 1000, 80, ITM_TCP_ACK, 100);
	pb_finish(b, p);
}

static void test_callback_order(void **state)
{
	struct itm_engine *e = new_engine();
	struct itm_pkt p;
	struct pb b;

	tcp_packet(&b, &p);
	add_rec(e, "a", ITM_HOOK_FORWARD, 0, 1, ITM_ACCEPT);
	assert_int_equal(itm_engine_run_hook(e, ITM_HOOK_FORWARD, &p, 0),
			 ITM_ACCEPT);
	assert_string_equal(trace, "a:c a:l a:p a:u a:k ");
	itm_engine_destroy(e);
}

static void test_process_skipped_on_class_zero(void **state)
{
	struct itm_engine *e = new_engine();
	struct itm_pkt p;
	struct pb b;

	tcp_packet(&b, &p);
	add_rec(e, "a", ITM_HOOK_FORWARD, 0, 0, ITM_DROP);
	assert_int_equal(itm_engine_run_hook(e, ITM_HOOK_FORWARD, &p, 0),
			 ITM_ACCEPT);
	assert_string_equal(trace, "a:c a:l a:u a:k ");
	itm_engine_destroy(e);
}

static void test_chain_order(void **state)
{
	struct itm_engine *e = new_engine();
	struct itm_pkt p;
	struct pb b;

	tcp_packet(&b, &p);
	add_rec(e, "a", ITM_HOOK_FORWARD, 0, 0, 0);
	add_rec(e, "b", ITM_HOOK_FORWARD, 0, 0, 0);
	add_rec(e, "c", ITM_HOOK_FORWARD, -5, 0, 0);
	add_rec(e, "d", ITM_HOOK_PRE_ROUTING, 0, 0, 0);
	itm_engine_run_hook(e, ITM_HOOK_FORWARD, &p, 0);
	assert_string_equal(trace,
			    "c:c c:l c:u c:k a:c a:l a:u a:k b:c b:l b:u b:k ");
	itm_engine_destroy(e);
}

static void test_drop_stops_chain(void **state)
{
	struct itm_engine *e = new_engine();
	struct itm_mod *a;
	struct itm_pkt *p = calloc(1, sizeof(*p));
	struct pb b;

	tcp_packet(&b, p);
	a = add_rec(e, "a", ITM_HOOK_FORWARD, 0, 1, ITM_DROP);
	add_rec(e, "b", ITM_HOOK_FORWARD, 0, 1, ITM_ACCEPT);
	itm_engine_forward(e, p, 0);
	assert_ptr_equal(freed, p);
	assert_int_equal(e->drops[ITM_DROP_MODULE], 1);
	assert_int_equal(a->stats.dropped, 1);
	assert_null(strstr(trace, "b:"));
	assert_int_equal(e->root->stats.qlen, 0);
	itm_engine_destroy(e);
	free(p);
}

static void test_modified_fixes_checksums(void **state)
{
	struct itm_engine *e = new_engine();
	struct itm_pkt *p = calloc(1, sizeof(*p));
	struct itm_mod *a;
	struct pb b;

	tcp_packet(&b, p);
	a = add_rec(e, "a", ITM_HOOK_POST_ROUTING, 0, 1, ITM_MODIFIED);
	itm_engine_forward(e, p, 5);
	assert_int_equal(a->stats.modified, 1);
	assert_int_equal(e->root->stats.qlen, 1);
	assert_ptr_equal(itm_qdisc_dequeue(e->root, 6), p);
	assert_int_equal(p->v.outer.tos, 0x20);	/* re-parsed */
	assert_int_equal(itm_csum_verify(p), 0);
	assert_true(e->csum_fixed >= 2);	/* IPv4 header and TCP */
	itm_engine_destroy(e);
	free(p);
}

static void test_interest_and_disable(void **state)
{
	struct itm_engine *e = new_engine();
	struct itm_pkt p;
	struct itm_mod *a;
	struct itm_err err;
	char *udp[] = { "proto", "udp" };
	struct pb b;

	tcp_packet(&b, &p);
	a = add_rec(e, "a", ITM_HOOK_FORWARD, 0, 1, ITM_ACCEPT);
	assert_int_equal(itm_interest_parse(&a->interest, 2, udp, &err), 2);
	itm_engine_run_hook(e, ITM_HOOK_FORWARD, &p, 0);
	assert_string_equal(trace, "");
	assert_int_equal(a->stats.seen, 1);
	assert_int_equal(a->stats.interested, 0);
	memset(&a->interest, 0, sizeof(a->interest));
	assert_int_equal(itm_engine_mod_enable(e, "a", false, &err), 0);
	itm_engine_run_hook(e, ITM_HOOK_FORWARD, &p, 0);
	assert_string_equal(trace, "");
	assert_int_equal(itm_engine_mod_enable(e, "zz", true, &err), -ENOENT);
	itm_engine_destroy(e);
}

/* Device clauses match the names of the indexes packets carry; a packet
 * whose device is unknown (0, as in a trace) matches none. */
static void test_device_clauses(void **state)
{
	struct itm_engine *e = new_engine();
	char *oif_lo[] = { "oif", "lo" }, *iif_lo[] = { "iif", "lo" };
	struct itm_err err;
	struct itm_mod *a, *b;
	struct itm_pkt p;
	struct pb pk;

	a = add_rec(e, "a", ITM_HOOK_FORWARD, 0, 1, ITM_ACCEPT);
	b = add_rec(e, "b", ITM_HOOK_FORWARD, 0, 1, ITM_ACCEPT);
	assert_int_equal(itm_interest_parse(&a->interest, 2, oif_lo, &err), 2);
	assert_int_equal(itm_interest_parse(&b->interest, 2, iif_lo, &err), 2);
	tcp_packet(&pk, &p);
	itm_engine_run_hook(e, ITM_HOOK_FORWARD, &p, 0);	/* no devices */
	p.oif = if_nametoindex("lo");
	itm_engine_run_hook(e, ITM_HOOK_FORWARD, &p, 0);	/* out by lo */
	p.iif = 0x7ffffff0;					/* no such device */
	itm_engine_run_hook(e, ITM_HOOK_FORWARD, &p, 0);
	assert_int_equal(a->stats.seen, 3);
	assert_int_equal(a->stats.interested, 2);
	assert_int_equal(b->stats.interested, 0);
	p.iif = p.oif;
	itm_engine_run_hook(e, ITM_HOOK_FORWARD, &p, 0);
	assert_int_equal(b->stats.interested, 1);
	itm_engine_destroy(e);
}

static void test_params_by_name(void **state)
{
	struct itm_engine *e = new_engine();
	struct itm_err err;
	char buf[32];

	add_rec(e, "a", ITM_HOOK_FORWARD, 0, 1, ITM_ACCEPT);
	assert_int_equal(itm_engine_param_set(e, "a.cls", "7", &err), 0);
	assert_int_equal(itm_engine_param_get(e, "a.cls", buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "7");
	assert_int_equal(itm_engine_param_set(e, "a.cls", "11", &err), -ERANGE);
	assert_non_null(strstr(err.msg, "[0..10]"));
	assert_int_equal(itm_engine_param_get(e, "a.cls", buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "7");
	assert_int_equal(itm_engine_param_set(e, "a.nope", "1", &err), -ENOENT);
	assert_int_equal(itm_engine_param_set(e, "b.cls", "1", &err), -ENOENT);
	assert_int_equal(itm_engine_param_set(e, "acls", "1", &err), -EINVAL);
	/* fixed parameters may be set until the engine starts */
	assert_int_equal(itm_engine_param_set(e, "a.level", "3", &err), 0);
	assert_int_equal(itm_engine_start(e, 0, &err), 0);
	assert_int_equal(itm_engine_param_set(e, "a.level", "2", &err), -EPERM);
	itm_engine_destroy(e);
}

static void test_timers(void **state)
{
	struct itm_engine *e = new_engine();
	struct itm_err err;
	struct itm_mod *a;

	a = add_rec(e, "a", ITM_HOOK_FORWARD, 0, 0, 0);
	assert_int_equal(itm_engine_start(e, 100, &err), 0);
	assert_int_equal(itm_engine_timers(e, 500), 1100);
	assert_string_equal(trace, "");
	assert_int_equal(itm_engine_timers(e, 3100), 4100);
	assert_string_equal(trace, "a:t a:t a:t ");
	assert_int_equal(a->stats.timer_runs, 3);
	itm_engine_destroy(e);
}

static void test_timer_period_set(void **state)
{
	struct itm_engine *e = new_engine();
	char *every[] = { "every", "2us" };
	struct itm_err err;
	struct itm_mod *t;

	assert_int_equal(itm_engine_mod_register(e, &tick_ops, "t",
						 ITM_HOOK_FORWARD, 0, 2, every,
						 &err), 0);
	t = itm_engine_mod_find(e, "t");
	assert_int_equal(itm_engine_start(e, 0, &err), 0);
	assert_int_equal(itm_engine_timers(e, 1000), 2000);
	assert_int_equal(itm_engine_timers(e, 4000), 6000);
	assert_string_equal(trace, "t:t t:t ");
	/* a new period is taken at the next run, counted from it */
	assert_int_equal(itm_engine_param_set(e, "t.every", "500ns", &err), 0);
	assert_int_equal(itm_engine_timers(e, 6000), 6500);
	assert_int_equal(itm_engine_timers(e, 7000), 7500);
	assert_string_equal(trace, "t:t t:t t:t t:t t:t ");
	/* 0 stops it */
	assert_int_equal(itm_engine_param_set(e, "t.every", "0", &err), 0);
	assert_int_equal(itm_engine_timers(e, 7500), UINT64_MAX);
	assert_int_equal(itm_engine_timers(e, 99000), UINT64_MAX);
	assert_int_equal(t->stats.timer_runs, 6);
	/* a module kind without a timer has none, whatever it asks */
	itm_mod_set_timer(add_rec(e, "r", ITM_HOOK_FORWARD, 0, 0, 0), 0);
	itm_engine_destroy(e);
}

static void test_timer_skips_long_gap(void **state)
{
	struct itm_engine *e = new_engine();
	struct itm_err err;
	struct itm_mod *a;

	a = add_rec(e, "a", ITM_HOOK_FORWARD, 0, 0, 0);
	assert_int_equal(itm_engine_start(e, 0, &err), 0);
	/* a trace starting at 2023: not 1.7e15 timer runs, one */
	assert_int_equal(itm_engine_timers(e, UINT64_C(1700000000000000000)),
			 UINT64_C(1700000000000001000));
	assert_string_equal(trace, "a:t ");
	assert_int_equal(a->stats.timer_runs, 1);
	assert_true(a->stats.timer_skips > 1000000);
	itm_engine_destroy(e);
}

static void test_timer_at_end_of_clock(void **state)
{
	struct itm_engine *e = new_engine();
	struct itm_err err;

	add_rec(e, "a", ITM_HOOK_FORWARD, 0, 0, 0);
	assert_int_equal(itm_engine_start(e, 0, &err), 0);
	/* a found-by-fuzzing hang: next + step wrapped around */
	assert_int_equal(itm_engine_timers(e, UINT64_MAX - 10), UINT64_MAX);
	assert_string_equal(trace, "a:t ");
	assert_int_equal(itm_engine_timers(e, UINT64_MAX), UINT64_MAX);
	itm_engine_destroy(e);
}

static void test_builtin_registration(void **state)
{
	struct itm_engine *e = new_engine();
	struct itm_err err;
	char *args[] = { "proto", "tcp", "threshold", "5" };
	char *bad[] = { "threshold", "x" };
	char buf[16];

	assert_int_equal(itm_engine_mod_add(e, "sizeaware", NULL,
					    ITM_HOOK_FORWARD, 0, 4, args, &err), 0);
	assert_int_equal(itm_engine_param_get(e, "sizeaware.threshold", buf,
					      sizeof(buf), &err), 0);
	assert_string_equal(buf, "5");
	assert_int_equal(itm_engine_mod_add(e, "sizeaware", NULL,
					    ITM_HOOK_FORWARD, 0, 0, NULL, &err),
			 -EEXIST);
	assert_int_equal(itm_engine_mod_add(e, "sizeaware", "s2",
					    ITM_HOOK_FORWARD, 0, 2, bad, &err),
			 -EINVAL);
	assert_string_equal(err.tok, "x");
	assert_null(itm_engine_mod_find(e, "s2"));
	assert_int_equal(itm_engine_mod_add(e, "nosuch", NULL, ITM_HOOK_FORWARD,
					    0, 0, NULL, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "sizeaware"));
	assert_int_equal(itm_engine_mod_del(e, "sizeaware", &err), 0);
	assert_int_equal(e->n_mods, 0);
	itm_engine_destroy(e);
}

static void test_hook_names(void **state)
{
	enum itm_hook h;
	int i;

	for (i = 0; i < ITM_HOOK_MAX; i++) {
		assert_int_equal(itm_hook_parse(itm_hook_name((enum itm_hook)i), &h), 0);
		assert_int_equal(h, i);
	}
	assert_int_equal(itm_hook_parse("output", &h), -EINVAL);
}

/* Sets of hooks: parsed in any order, the first named is first; printed
 * in hook order; an unknown, repeated or empty name is refused. */
static void test_hook_sets(void **state)
{
	char buf[ITM_HOOKS_TEXT];
	enum itm_hook first;
	unsigned set;

	assert_int_equal(itm_hooks_parse("post-routing,local-in", &first, &set), 0);
	assert_int_equal(first, ITM_HOOK_POST_ROUTING);
	assert_int_equal(set, 1u << ITM_HOOK_POST_ROUTING | 1u << ITM_HOOK_LOCAL_IN);
	assert_string_equal(itm_hooks_text(set, buf, sizeof(buf)), "local-in,post-routing");
	assert_string_equal(itm_hooks_text((1u << ITM_HOOK_MAX) - 1, buf, sizeof(buf)),
			    "pre-routing,local-in,forward,local-out,post-routing");
	assert_string_equal(itm_hooks_text(0, buf, sizeof(buf)), "");
	assert_int_equal(itm_hooks_parse("forward", &first, &set), 0);
	assert_int_equal(set, 1u << ITM_HOOK_FORWARD);
	assert_int_equal(itm_hooks_parse("forward,forward", &first, &set), -EINVAL);
	assert_int_equal(itm_hooks_parse("forward,", &first, &set), -EINVAL);
	assert_int_equal(itm_hooks_parse(",forward", &first, &set), -EINVAL);
	assert_int_equal(itm_hooks_parse("forward,output", &first, &set), -EINVAL);
	assert_int_equal(itm_hooks_parse("", &first, &set), -EINVAL);
}

/* A module at two hooks runs in both chains, in each by its prio, and
 * its callbacks see which hook the packet is at. */
static void test_several_hooks(void **state)
{
	struct itm_engine *e = new_engine();
	struct itm_pkt p;
	struct pb b;
	struct itm_mod *a;

	tcp_packet(&b, &p);
	a = add_rec(e, "a", ITM_HOOK_FORWARD, 5, 0, ITM_ACCEPT);
	add_rec(e, "z", ITM_HOOK_POST_ROUTING, 0, 0, ITM_ACCEPT);
	itm_engine_mod_set_hooks(e, a, 1u << ITM_HOOK_POST_ROUTING);
	assert_int_equal(a->hooks, 1u << ITM_HOOK_FORWARD | 1u << ITM_HOOK_POST_ROUTING);
	itm_engine_run_hook(e, ITM_HOOK_FORWARD, &p, 0);
	itm_engine_run_hook(e, ITM_HOOK_POST_ROUTING, &p, 0);
	itm_engine_run_hook(e, ITM_HOOK_LOCAL_IN, &p, 0);
	assert_string_equal(trace, "a:c a:l a:u a:k z:post-routing z:l z:u z:k "
			    "a:post-routing a:l a:u a:k ");
	assert_int_equal(a->stats.seen, 2);
	itm_engine_destroy(e);
}

/* The hooks a live backend must queue are those where an enabled module
 * runs: a disabled one (or a module process that is gone) costs nothing. */
static void test_running_hooks(void **state)
{
	struct itm_engine *e = new_engine();
	struct itm_err err;

	add_rec(e, "a", ITM_HOOK_FORWARD, 0, 0, ITM_ACCEPT);
	add_rec(e, "z", ITM_HOOK_LOCAL_IN, 0, 0, ITM_ACCEPT);
	assert_int_equal(itm_engine_running_hooks(e),
			 1u << ITM_HOOK_FORWARD | 1u << ITM_HOOK_LOCAL_IN);
	assert_int_equal(itm_engine_mod_enable(e, "a", false, &err), 0);
	assert_int_equal(itm_engine_running_hooks(e), 1u << ITM_HOOK_LOCAL_IN);
	assert_int_equal(itm_engine_mod_enable(e, "z", false, &err), 0);
	assert_int_equal(itm_engine_running_hooks(e), 0);
	assert_int_equal(itm_engine_mod_enable(e, "a", true, &err), 0);
	assert_int_equal(itm_engine_running_hooks(e), 1u << ITM_HOOK_FORWARD);
	itm_engine_destroy(e);
}

static void test_flow_key(void **state)
{
	struct itm_flow_key k, r;
	struct itm_pkt p;
	struct pb b;

	tcp_packet(&b, &p);
	assert_true(itm_flow_key_from_l3(&k, &p.v.outer));
	assert_int_equal(k.sport, 1000);
	assert_int_equal(k.proto, 6);
	r = k;
	itm_flow_key_reverse(&r);
	assert_int_equal(r.sport, 80);
	assert_memory_equal(r.src, k.dst, 16);
	itm_flow_key_reverse(&r);
	assert_memory_equal(&r, &k, sizeof(k));
	assert_false(itm_flow_key_from_l3(&k, &p.v.inner));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_callback_order),
		cmocka_unit_test(test_process_skipped_on_class_zero),
		cmocka_unit_test(test_chain_order),
		cmocka_unit_test(test_drop_stops_chain),
		cmocka_unit_test(test_modified_fixes_checksums),
		cmocka_unit_test(test_interest_and_disable),
		cmocka_unit_test(test_device_clauses),
		cmocka_unit_test(test_params_by_name),
		cmocka_unit_test(test_timers),
		cmocka_unit_test(test_timer_period_set),
		cmocka_unit_test(test_timer_skips_long_gap),
		cmocka_unit_test(test_timer_at_end_of_clock),
		cmocka_unit_test(test_builtin_registration),
		cmocka_unit_test(test_hook_names),
		cmocka_unit_test(test_hook_sets),
		cmocka_unit_test(test_several_hooks),
		cmocka_unit_test(test_running_hooks),
		cmocka_unit_test(test_flow_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
