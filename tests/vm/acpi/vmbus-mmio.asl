/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An SSDT that describes VMBus the way Hyper-V's firmware does, for QEMU
 * (scenario header "# acpi: vmbus-mmio.asl"): a module device (ACPI0004)
 * whose _CRS lists the MMIO windows for VMBus devices, with the VMBus
 * device (_HID "VMBus", no resources of its own here) below it.
 *
 * The windows, chosen where a 1 GiB QEMU guest has nothing:
 *   0xa0000-0xbffff          below 1 MiB: hv_vmbus must ignore it
 *   0x800000000-0x807ffffff  128 MiB at 32 GiB \ touching: hv_vmbus merges
 *   0x808000000-0x80bffffff   64 MiB           / them into one 192 MiB range
 *   0xa00000000-0xa000fffff    1 MiB at 40 GiB, a separate range
 */
DefinitionBlock ("", "SSDT", 2, "HVDKMS", "VMBUSMMI", 1)
{
	Scope (\_SB)
	{
		Device (VMOD)
		{
			Name (_HID, "ACPI0004")
			Name (_UID, 0x48)
			Name (_CRS, ResourceTemplate ()
			{
				DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed,
					Cacheable, ReadWrite, 0x0, 0xA0000, 0xBFFFF, 0x0, 0x20000)
				QWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed,
					Cacheable, ReadWrite, 0x0, 0x800000000, 0x807FFFFFF,
					0x0, 0x8000000)
				QWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed,
					Cacheable, ReadWrite, 0x0, 0x808000000, 0x80BFFFFFF,
					0x0, 0x4000000)
				QWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed,
					Cacheable, ReadWrite, 0x0, 0xA00000000, 0xA000FFFFF,
					0x0, 0x100000)
			})

			Device (VMBS)
			{
				Name (_HID, "VMBus")
				Name (_UID, 0)
				Name (_STA, 0x0F)
			}
		}
	}
}
