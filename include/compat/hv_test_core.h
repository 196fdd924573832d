/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The test-only VMBus core (hv_vmbus_test.ko), for kernels whose VMBus is
 * built into vmlinux. There a module cannot replace the kernel's VMBus and
 * cannot export the same names, yet the kernel's VMBus never registers its
 * bus without Hyper-V, so under QEMU nothing would run. For the tests,
 * tests/matrix/build-modules.sh builds our core anyway, as hv_vmbus_test,
 * with every exported name renamed here; the test modules and leaf drivers
 * of that build include this header too, so they call the renamed core,
 * not vmlinux's. dkms never builds it (HV_TEST_CORE is not set there).
 *
 * Force-included before everything else when HV_TEST_CORE=1 on such a
 * kernel (see Kbuild). tests/unit checks that it names every EXPORT_SYMBOL
 * of drivers/hv.
 */
#ifndef _HV_TEST_CORE_H
#define _HV_TEST_CORE_H

#define __hv_pkt_iter_next hvtest___hv_pkt_iter_next
#define __vmbus_driver_register hvtest___vmbus_driver_register
#define __vmbus_request_addr_match hvtest___vmbus_request_addr_match
#define hv_create_ring_sysfs hvtest_hv_create_ring_sysfs
#define hv_pkt_iter_close hvtest_hv_pkt_iter_close
#define hv_pkt_iter_first hvtest_hv_pkt_iter_first
#define hv_remove_ring_sysfs hvtest_hv_remove_ring_sysfs
#define hv_ringbuffer_get_debuginfo hvtest_hv_ringbuffer_get_debuginfo
#define hv_ringbuffer_spinlock_busy hvtest_hv_ringbuffer_spinlock_busy
#define vmbus_alloc_ring hvtest_vmbus_alloc_ring
#define vmbus_allocate_mmio hvtest_vmbus_allocate_mmio
#define vmbus_are_subchannels_present hvtest_vmbus_are_subchannels_present
#define vmbus_close hvtest_vmbus_close
#define vmbus_connect_ring hvtest_vmbus_connect_ring
#define vmbus_device_unregister hvtest_vmbus_device_unregister
#define vmbus_disconnect_ring hvtest_vmbus_disconnect_ring
#define vmbus_driver_unregister hvtest_vmbus_driver_unregister
#define vmbus_establish_gpadl hvtest_vmbus_establish_gpadl
#define vmbus_free_mmio hvtest_vmbus_free_mmio
#define vmbus_free_ring hvtest_vmbus_free_ring
#define vmbus_hvsock_device_unregister hvtest_vmbus_hvsock_device_unregister
#define vmbus_next_request_id hvtest_vmbus_next_request_id
#define vmbus_open hvtest_vmbus_open
#define vmbus_prep_negotiate_resp hvtest_vmbus_prep_negotiate_resp
#define vmbus_proto_version hvtest_vmbus_proto_version
#define vmbus_recvpacket hvtest_vmbus_recvpacket
#define vmbus_recvpacket_raw hvtest_vmbus_recvpacket_raw
#define vmbus_request_addr hvtest_vmbus_request_addr
#define vmbus_request_addr_match hvtest_vmbus_request_addr_match
#define vmbus_send_modifychannel hvtest_vmbus_send_modifychannel
#define vmbus_send_tl_connect_request hvtest_vmbus_send_tl_connect_request
#define vmbus_sendpacket hvtest_vmbus_sendpacket
#define vmbus_sendpacket_getid hvtest_vmbus_sendpacket_getid
#define vmbus_sendpacket_mpb_desc hvtest_vmbus_sendpacket_mpb_desc
#define vmbus_sendpacket_pagebuffer hvtest_vmbus_sendpacket_pagebuffer
#define vmbus_set_chn_rescind_callback hvtest_vmbus_set_chn_rescind_callback
#define vmbus_set_event hvtest_vmbus_set_event
#define vmbus_set_sc_create_callback hvtest_vmbus_set_sc_create_callback
#define vmbus_setevent hvtest_vmbus_setevent
#define vmbus_teardown_gpadl hvtest_vmbus_teardown_gpadl

#endif /* _HV_TEST_CORE_H */
