// SPDX-License-Identifier: GPL-2.0-only
/*
 * The AUTO pool (see kvp_auto.h).
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kvp_auto.h"
#include "kvp_ipinfo.h"
#include "kvp_pool.h"

static const char *const auto_keys[KVP_AUTO_KEYS] = {
	"FullyQualifiedDomainName",
	"IntegrationServicesVersion",
	"NetworkAddressIPv4",
	"NetworkAddressIPv6",
	"OSBuildNumber",
	"OSName",
	"OSMajorVersion",
	"OSMinorVersion",
	"OSVersion",
	"ProcessorArchitecture",
};

/* Copy, cut to fit (the kernel's names are shorter than our fields). */
static void set(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n > size - 1)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* An os-release value: "double" (with \ escapes), 'single' or bare. */
static void unquote(char *dst, size_t size, const char *src)
{
	size_t n = 0;
	char q = 0;

	if (*src == '"' || *src == '\'')
		q = *src++;
	for (; *src && *src != '\n' && n + 1 < size; src++) {
		if (q && *src == q)
			break;
		if (q == '"' && *src == '\\' && src[1])
			src++;
		dst[n++] = *src;
	}
	dst[n] = '\0';
}

static int read_os_release(struct kvp_auto_info *info, const char *path)
{
	char line[1024];
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "NAME=", 5))
			unquote(info->os_name, sizeof(info->os_name), line + 5);
		else if (!strncmp(line, "VERSION_ID=", 11))
			unquote(info->os_major, sizeof(info->os_major),
				line + 11);
	}
	fclose(f);
	return 0;
}

static void get_fqdn(char *dst, size_t size)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
				  .ai_flags = AI_CANONNAME };
	struct addrinfo *res;
	char host[256];

	if (gethostname(host, sizeof(host)) < 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	set(dst, size, host);
	if (host[0] && getaddrinfo(host, NULL, &hints, &res) == 0) {
		if (res->ai_canonname)
			set(dst, size, res->ai_canonname);
		freeaddrinfo(res);
	}
}

void kvp_auto_init(struct kvp_auto_info *info, const char *os_release)
{
	struct utsname u;
	char *dash;

	memset(info, 0, sizeof(*info));
	if (uname(&u) == 0) {
		set(info->os_build, sizeof(info->os_build), u.release);
		set(info->os_version, sizeof(info->os_version), u.release);
		dash = strchr(info->os_version, '-');
		if (dash)
			*dash = '\0';
		set(info->arch, sizeof(info->arch), u.machine);
	}
	if (os_release)
		read_os_release(info, os_release);
	else if (read_os_release(info, "/etc/os-release"))
		read_os_release(info, "/usr/lib/os-release");
	get_fqdn(info->fqdn, sizeof(info->fqdn));
}

int kvp_auto_enumerate(const struct kvp_auto_info *info, unsigned int index,
		       const char *lic_version, char *key, char *value)
{
	const char *v = "";

	if (index >= KVP_AUTO_KEYS)
		return -ENOENT;
	set(key, KVP_KEY_SIZE, auto_keys[index]);
	value[0] = '\0';
	switch (index) {
	case 0:
		v = info->fqdn;
		break;
	case 1:
		v = lic_version;
		break;
	case 2:
		kvp_ipinfo_all_addresses(AF_INET, value, KVP_VALUE_SIZE);
		return 0;
	case 3:
		kvp_ipinfo_all_addresses(AF_INET6, value, KVP_VALUE_SIZE);
		return 0;
	case 4:
		v = info->os_build;
		break;
	case 5:
		v = info->os_name;
		break;
	case 6:
		v = info->os_major;
		break;
	case 7:
		v = info->os_minor;
		break;
	case 8:
		v = info->os_version;
		break;
	case 9:
		v = info->arch;
		break;
	}
	set(value, KVP_VALUE_SIZE, v);
	return 0;
}
