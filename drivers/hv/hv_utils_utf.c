// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_utils: UTF-16LE (the host's strings) to and from UTF-8 (the daemons'),
 * with the bounds of both sides explicit. Strict in both directions: an
 * unpaired surrogate, an overlong or truncated UTF-8 sequence, a code point
 * above U+10FFFF is an error, never silently replaced, and nothing is ever
 * written past the given sizes.
 */
#include <linux/errno.h>
#include <linux/types.h>

#include "hv_utils.h"

static u16 hv_utf16_unit(const u8 *in, u32 i)
{
	return in[2 * i] | (in[2 * i + 1] << 8);
}

/**
 * hv_utf16le_units() - length of a UTF-16LE string within a field
 * @in: the field
 * @units: its size in 16-bit units
 *
 * Return: units before the first NUL unit, or -EINVAL if there is none.
 */
int hv_utf16le_units(const u8 *in, u32 units)
{
	u32 i;

	for (i = 0; i < units; i++)
		if (!hv_utf16_unit(in, i))
			return i;
	return -EINVAL;
}

/**
 * hv_utf16le_to_utf8() - convert a UTF-16LE string to NUL-terminated UTF-8
 * @in: the string
 * @units: its length in units (no NUL among them)
 * @out: where to write
 * @out_size: bytes @out holds, terminator included
 *
 * Return: bytes written before the terminator; -EINVAL for an unpaired
 * surrogate; -E2BIG if the result and its NUL do not fit (@out then holds
 * an empty string).
 */
int hv_utf16le_to_utf8(const u8 *in, u32 units, char *out, u32 out_size)
{
	u32 i, n = 0, cp, need;
	u16 u, lo;

	if (!out_size)
		return -E2BIG;
	for (i = 0; i < units; i++) {
		u = hv_utf16_unit(in, i);
		if (u >= 0xd800 && u <= 0xdbff) {
			if (i + 1 >= units)
				goto bad;
			lo = hv_utf16_unit(in, i + 1);
			if (lo < 0xdc00 || lo > 0xdfff)
				goto bad;
			cp = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
			i++;
		} else if (u >= 0xdc00 && u <= 0xdfff) {
			goto bad;
		} else {
			cp = u;
		}
		need = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		if (n + need + 1 > out_size) {
			out[0] = 0;
			return -E2BIG;
		}
		switch (need) {
		case 1:
			out[n++] = cp;
			break;
		case 2:
			out[n++] = 0xc0 | (cp >> 6);
			out[n++] = 0x80 | (cp & 0x3f);
			break;
		case 3:
			out[n++] = 0xe0 | (cp >> 12);
			out[n++] = 0x80 | ((cp >> 6) & 0x3f);
			out[n++] = 0x80 | (cp & 0x3f);
			break;
		default:
			out[n++] = 0xf0 | (cp >> 18);
			out[n++] = 0x80 | ((cp >> 12) & 0x3f);
			out[n++] = 0x80 | ((cp >> 6) & 0x3f);
			out[n++] = 0x80 | (cp & 0x3f);
			break;
		}
	}
	out[n] = 0;
	return n;
bad:
	out[0] = 0;
	return -EINVAL;
}

/* Decode one UTF-8 sequence of @in (@left bytes, no NUL among the first). */
static int hv_utf8_decode(const u8 *in, u32 left, u32 *cp)
{
	u32 len, min, c, i;

	if (in[0] < 0x80) {
		*cp = in[0];
		return 1;
	}
	if ((in[0] & 0xe0) == 0xc0) {
		len = 2;
		min = 0x80;
		c = in[0] & 0x1f;
	} else if ((in[0] & 0xf0) == 0xe0) {
		len = 3;
		min = 0x800;
		c = in[0] & 0x0f;
	} else if ((in[0] & 0xf8) == 0xf0) {
		len = 4;
		min = 0x10000;
		c = in[0] & 0x07;
	} else {
		return -EINVAL;
	}
	if (len > left)
		return -EINVAL;
	for (i = 1; i < len; i++) {
		if ((in[i] & 0xc0) != 0x80)
			return -EINVAL;
		c = (c << 6) | (in[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -EINVAL;
	*cp = c;
	return len;
}

static void hv_utf16_put(u8 *out, u32 i, u16 u)
{
	out[2 * i] = u & 0xff;
	out[2 * i + 1] = u >> 8;
}

/**
 * hv_utf8_to_utf16le() - convert a NUL-terminated UTF-8 string to UTF-16LE
 * @in: the string
 * @in_size: bytes of @in that may be read; the NUL must be among them
 * @out: where to write, NUL unit included
 * @out_units: units @out holds
 *
 * Return: units written before the NUL unit; -EINVAL if @in is not
 * terminated within @in_size or not valid UTF-8; -E2BIG if the result and
 * its NUL do not fit (@out then holds an empty string).
 */
int hv_utf8_to_utf16le(const char *in, u32 in_size, u8 *out, u32 out_units)
{
	const u8 *s = (const u8 *)in;
	u32 len, i = 0, n = 0, cp;
	int step;

	if (!out_units)
		return -E2BIG;
	for (len = 0; len < in_size && s[len]; len++)
		;
	if (len == in_size)
		goto bad;
	while (i < len) {
		step = hv_utf8_decode(s + i, len - i, &cp);
		if (step < 0)
			goto bad;
		i += step;
		if (n + (cp >= 0x10000 ? 2 : 1) + 1 > out_units) {
			hv_utf16_put(out, 0, 0);
			return -E2BIG;
		}
		if (cp >= 0x10000) {
			cp -= 0x10000;
			hv_utf16_put(out, n++, 0xd800 | (cp >> 10));
			hv_utf16_put(out, n++, 0xdc00 | (cp & 0x3ff));
		} else {
			hv_utf16_put(out, n++, cp);
		}
	}
	hv_utf16_put(out, n, 0);
	return n;
bad:
	hv_utf16_put(out, 0, 0);
	return -EINVAL;
}
