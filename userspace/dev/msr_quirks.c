// SPDX-License-Identifier: GPL-2.0
/*
 * MSRs that a stock Linux guest touches with a plain RDMSR/WRMSR (no
 * _safe variant), so that the #GP an unknown MSR gets costs it an
 * "unchecked MSR access error" and a call trace, and that mean nothing
 * in a VM.  thinrun turns on TV_CAP_MSR_EXIT_USER for a Linux guest and
 * answers these here; every other MSR still gets #GP.
 *
 * - MSR_AMD64_NB_CFG (0xc001001f): on AMD family 10h and later, Linux's
 *   PCI code sets EnableCf8ExtCfg in it on every CPU that comes online
 *   (arch/x86/pci/amd_bus.c).  There is no northbridge or PCI here: it
 *   reads 0 and writes are dropped.
 */
#include "msr_quirks.h"

#define MSR_AMD64_NB_CFG	0xc001001f

bool msr_quirk(uint32_t index, bool write, uint64_t *data)
{
	switch (index) {
	case MSR_AMD64_NB_CFG:
		if (!write)
			*data = 0;
		return true;
	default:
		return false;
	}
}
