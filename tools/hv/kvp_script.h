/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Running the distro scripts of /usr/libexec/hypervkvpd: fork and exec
 * directly (no shell), stdin from /dev/null, stdout captured, stderr
 * inherited, killed after a timeout so a stuck script cannot hold the
 * host's request past the kernel's own 30 s.
 */
#ifndef HV_TOOLS_KVP_SCRIPT_H
#define HV_TOOLS_KVP_SCRIPT_H

#include <stddef.h>

#define KVP_SCRIPTS_DIR		"/usr/libexec/hypervkvpd"
#define KVP_SCRIPT_TIMEOUT_MS	20000

/*
 * Run DIR/NAME with the arguments ARGV (NULL-terminated, without argv[0]).
 * Up to out_len - 1 bytes of its stdout go to OUT (NUL-terminated; OUT may
 * be NULL). Returns the exit status (0-255), -ENOENT when the script does
 * not exist or is not executable, -ETIMEDOUT when it was killed, or
 * another -errno.
 */
int kvp_run_script(const char *dir, const char *name, const char *const *argv,
		   char *out, size_t out_len);

#endif
