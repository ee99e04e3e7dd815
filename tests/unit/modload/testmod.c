// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loadable modules for test_modload, one source built several ways:
 *
 *   (no flag)           testhold: holds forward packets (ITM_HELD), gives
 *                       them back on settle with wait and when unloaded
 *   TESTMOD_ABI=N       exports ABI version N
 *   TESTMOD_SIZES       exports the right version with a wrong ops size
 *   TESTMOD_ID="x"      its kind is named x (a built-in's name, say)
 *   TESTMOD_NOSYM       exports no itm_module
 *   TESTMOD_UNDEF       needs a function no binary has
 *   TESTMOD_INITFAIL    its init refuses
 *   TESTMOD_NOSETTLE    no settle: gives held packets back only in fini
 *   TESTMOD_HOOK=N      its default hook is N
 *   TESTMOD_TIMER_NS=N  its timer_ns is N, with no timer function
 */
#include "itm/engine.h"

#ifndef TESTMOD_ID
#define TESTMOD_ID "testhold"
#endif
#define TESTMOD_HELD_MAX 8

struct testmod {
	struct itm_pkt *held[TESTMOD_HELD_MAX];
	unsigned n_held;
};

#ifdef TESTMOD_UNDEF
void itm_no_such_function(void);
#endif

/* Held packets go on (as the engine goes away, the engine hands them
 * back to the backend itself). */
static void testmod_give_back(struct itm_mod *m, uint64_t now)
{
	struct testmod *t = itm_mod_priv(m);
	unsigned i, n = t->n_held;

	t->n_held = 0;
	for (i = 0; i < n; i++)
		itm_engine_resume(m->eng, t->held[i], ITM_ACCEPT, now);
}

static int testmod_init(struct itm_mod *m, struct itm_err *err)
{
#ifdef TESTMOD_INITFAIL
	return itm_err_set(err, EINVAL, "testmod: init refused");
#else
	return 0;
#endif
}

static uint32_t testmod_classify(struct itm_mod *m, struct itm_pkt *p)
{
#ifdef TESTMOD_UNDEF
	itm_no_such_function();
#endif
	return 1;
}

static enum itm_verdict testmod_process(struct itm_mod *m, struct itm_pkt *p,
					uint32_t cls)
{
	struct testmod *t = itm_mod_priv(m);

	if (!itm_mod_may_hold(m) || t->n_held == TESTMOD_HELD_MAX)
		return ITM_ACCEPT;
	t->held[t->n_held++] = p;
	return ITM_HELD;
}

#ifndef TESTMOD_NOSETTLE
static void testmod_settle(struct itm_mod *m, uint64_t now, bool wait)
{
	if (wait)
		testmod_give_back(m, now);
}
#endif

static void testmod_fini(struct itm_mod *m)
{
	testmod_give_back(m, m->eng->now);
}

#ifndef TESTMOD_HOOK
#define TESTMOD_HOOK ITM_HOOK_FORWARD
#endif

static const struct itm_mod_ops testmod_ops = {
	.id = TESTMOD_ID,
	.help = "test_modload's module",
	.priv_size = sizeof(struct testmod),
	.default_hook = TESTMOD_HOOK,
#ifdef TESTMOD_TIMER_NS
	.timer_ns = TESTMOD_TIMER_NS,
#endif
	.init = testmod_init,
	.fini = testmod_fini,
	.classify = testmod_classify,
	.process = testmod_process,
#ifndef TESTMOD_NOSETTLE
	.settle = testmod_settle,
#endif
};

#if defined(TESTMOD_NOSYM)
const struct itm_mod_ops *testmod_not_exported = &testmod_ops;
#elif defined(TESTMOD_ABI) || defined(TESTMOD_SIZES)
#ifndef TESTMOD_ABI
#define TESTMOD_ABI ITM_MOD_ABI
#endif
const struct itm_mod_export itm_module = {
	.abi = TESTMOD_ABI,
	.ops_size = sizeof(struct itm_mod_ops)
#ifdef TESTMOD_SIZES
		    - sizeof(void *),
#else
		    ,
#endif
	.mod_size = sizeof(struct itm_mod),
	.pkt_size = sizeof(struct itm_pkt),
	.ops = &testmod_ops,
};
#else
ITM_MOD_EXPORT(testmod_ops);
#endif
