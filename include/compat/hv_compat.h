/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel-compat layer, force-included into every object of the tree.
 *
 * Source files are written against the newest kernel API of the matrix
 * (5.10 to 7.2); this header maps that API onto older kernels. The HV_HAVE_*
 * flags come from Kbuild-time probes of the target kernel's headers
 * (include/compat/Kbuild.probes); LINUX_VERSION_CODE is the build tree's own.
 * No distro is named here on purpose.
 */
#ifndef _HV_COMPAT_H
#define _HV_COMPAT_H

/*
 * Only macros below: this header comes before everything else in each file,
 * so it must not include kernel headers that would define pr_fmt or other
 * defaults the file sets itself.
 */
#include <linux/version.h>

/* Version of this tree; kept equal to PACKAGE_VERSION in dkms.conf. */
#define HV_DKMS_VERSION "0.1.0"

/*
 * struct bus_type callbacks. uevent takes a const device since 6.3; remove
 * returns void since 5.15 (before that it returned int, which the driver
 * core ignored: such a remove ends with "return 0" under
 * #ifndef HV_HAVE_BUS_REMOVE_VOID).
 */
#ifdef HV_HAVE_BUS_UEVENT_CONST
#define hv_bus_uevent_dev_t const struct device
#else
#define hv_bus_uevent_dev_t struct device
#endif

/* bus_type.match takes a const driver since 6.11. */
#ifdef HV_HAVE_BUS_MATCH_CONST_DRV
#define hv_bus_match_drv_t const struct device_driver
#else
#define hv_bus_match_drv_t struct device_driver
#endif

#ifdef HV_HAVE_BUS_REMOVE_VOID
#define hv_bus_remove_ret_t void
#else
#define hv_bus_remove_ret_t int
#endif

/* Timers: timer_delete_sync() since 6.2, timer_container_of() since 6.16. */
/* x86 MSR accessors: rdmsrq()/wrmsrq() from 6.16 on. */
#ifndef HV_HAVE_RDMSRQ
#define rdmsrq(msr, val) rdmsrl(msr, val)
#define wrmsrq(msr, val) wrmsrl(msr, val)
#endif

#ifndef HV_HAVE_TIMER_DELETE_SYNC
#define timer_delete_sync(t) del_timer_sync(t)
#define timer_delete(t) del_timer(t)
#endif

#ifndef HV_HAVE_TIMER_CONTAINER_OF
#define timer_container_of(var, callback_timer, timer_fieldname) \
	from_timer(var, callback_timer, timer_fieldname)
#endif

/* hrtimer_setup() replaced hrtimer_init() + assigning .function in 6.13. */
#ifndef HV_HAVE_HRTIMER_SETUP
#define hrtimer_setup(timer, fn, clock_id, mode)		\
	do {							\
		struct hrtimer *__hv_timer = (timer);		\
								\
		hrtimer_init(__hv_timer, clock_id, mode);	\
		__hv_timer->function = (fn);			\
	} while (0)
#endif

/*
 * struct hv_device carries the DMA parameters of its device since 5.12
 * (HV_HAVE_HV_DEVICE_DMA); before, VMBus devices had none of their own.
 */

/* MODULE_IMPORT_NS() takes a string literal since 6.13. */
#ifdef HV_HAVE_IMPORT_NS_STRING
#define HV_MODULE_IMPORT_NS(ns) MODULE_IMPORT_NS(#ns)
#else
#define HV_MODULE_IMPORT_NS(ns) MODULE_IMPORT_NS(ns)
#endif

/*
 * struct hv_driver callbacks: remove returns void since 6.3
 * (HV_HAVE_HV_DRIVER_REMOVE_VOID); before that it returned int, which the
 * bus ignored: such a remove ends with "return 0" under
 * #ifndef HV_HAVE_HV_DRIVER_REMOVE_VOID.
 */
#ifdef HV_HAVE_HV_DRIVER_REMOVE_VOID
#define hv_driver_remove_ret_t void
#else
#define hv_driver_remove_ret_t int
#endif

#endif /* _HV_COMPAT_H */
