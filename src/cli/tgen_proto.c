// SPDX-License-Identifier: GPL-2.0-only
/* The tgen request header (layout in tgen.h), byte by byte, so that the
 * wire format never depends on the host's endianness or struct padding. */
#include <errno.h>

#include "tgen.h"
#include "itm/bytes.h"

void tgen_req_encode(const struct tgen_req *r, uint8_t out[TGEN_HDR_LEN])
{
	itm_put_be(out, TGEN_MAGIC, 4);
	itm_put_be(out + 4, TGEN_VERSION, 2);
	itm_put_be(out + 6, r->flags, 2);
	itm_put_be(out + 8, r->flow_id, 8);
	itm_put_be(out + 16, r->size_bytes, 8);
	out[24] = r->dscp;
	out[25] = r->low_dscp;
	itm_put_be(out + 26, 0, 2);
	itm_put_be(out + 28, r->pias_thresh_bytes, 4);
}

static const char *req_check(const struct tgen_req *r)
{
	if (r->flags & ~TGEN_FLAGS_KNOWN)
		return "unknown flags";
	if (r->size_bytes == 0 || r->size_bytes > TGEN_MAX_SIZE)
		return "size out of range (1 B .. 1 TiB)";
	if (r->dscp > 63 || r->low_dscp > 63)
		return "dscp above 63";
	if ((r->flags & TGEN_F_PIAS) && !(r->flags & TGEN_F_DSCP))
		return "pias flag without dscp flag";
	return NULL;
}

int tgen_req_decode(const uint8_t *buf, size_t len, struct tgen_req *r,
		    const char **why)
{
	*why = NULL;
	if (len < TGEN_HDR_LEN)
		*why = "short header";
	else if (itm_get_be(buf, 4) != TGEN_MAGIC)
		*why = "bad magic";
	else if (itm_get_be(buf + 4, 2) != TGEN_VERSION)
		*why = "unknown version";
	else if (itm_get_be(buf + 26, 2) != 0)
		*why = "reserved field not zero";
	if (*why)
		return -EINVAL;
	r->flags = (uint16_t)itm_get_be(buf + 6, 2);
	r->flow_id = itm_get_be(buf + 8, 8);
	r->size_bytes = itm_get_be(buf + 16, 8);
	r->dscp = buf[24];
	r->low_dscp = buf[25];
	r->pias_thresh_bytes = (uint32_t)itm_get_be(buf + 28, 4);
	*why = req_check(r);
	return *why ? -EINVAL : 0;
}
