/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The AUTO pool (pool 2): what the guest tells the host about itself,
 * generated on each ENUMERATE, index 0-9 (as the upstream daemon):
 * FullyQualifiedDomainName, IntegrationServicesVersion,
 * NetworkAddressIPv4, NetworkAddressIPv6, OSBuildNumber, OSName,
 * OSMajorVersion, OSMinorVersion, OSVersion, ProcessorArchitecture.
 */
#ifndef HV_TOOLS_KVP_AUTO_H
#define HV_TOOLS_KVP_AUTO_H

#define KVP_AUTO_KEYS 10

struct kvp_auto_info {
	char fqdn[256];
	char os_build[256];	/* uname -r */
	char os_version[256];	/* uname -r up to the first '-' */
	char arch[64];		/* uname -m */
	char os_name[256];	/* os-release NAME */
	char os_major[256];	/* os-release VERSION_ID, whole (as upstream) */
	char os_minor[256];	/* empty (as upstream) */
};

/*
 * Gather the static facts once (the host name is resolved here, at start,
 * so that no ENUMERATE waits for DNS). OS_RELEASE NULL: /etc/os-release,
 * then /usr/lib/os-release.
 */
void kvp_auto_init(struct kvp_auto_info *info, const char *os_release);

/*
 * Key and value of AUTO record INDEX into key[512]/value[2048]; LIC_VERSION
 * is the kernel's registration answer. -ENOENT past the last key.
 */
int kvp_auto_enumerate(const struct kvp_auto_info *info, unsigned int index,
		       const char *lic_version, char *key, char *value);

#endif
