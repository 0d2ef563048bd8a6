/* layout.c - prints the layout of every struct and the value of every constant in
 * vg_core.h, for the Java test that checks the hand-written FFM bindings.
 * Keep in sync with vg_core.h (one line per field / #define). */
#include <stddef.h>
#include <stdio.h>

#include "vg_core.h"

#define STRUCT(s) printf("%s size %zu\n", #s, sizeof(s))
#define FIELD(s, f) printf("%s.%s offset %zu size %zu\n", #s, #f, offsetof(s, f), sizeof(((s *)0)->f))
#define CONST(c) printf("CONST %s %lld\n", #c, (long long)(c))

int main(void)
{
    STRUCT(vg_error);
    FIELD(vg_error, step);
    FIELD(vg_error, errnum);
    FIELD(vg_error, detail);
    STRUCT(vg_features);
    FIELD(vg_features, kernel_major);
    FIELD(vg_features, kernel_minor);
    FIELD(vg_features, landlock_abi);
    FIELD(vg_features, seccomp_filter);
    FIELD(vg_features, seccomp_kill_process);
    FIELD(vg_features, user_namespaces);
    FIELD(vg_features, pidfd);
    FIELD(vg_features, close_range);
    FIELD(vg_features, overlay_in_userns);
    FIELD(vg_features, mount_setattr);
    STRUCT(vg_mount_op);
    FIELD(vg_mount_op, kind);
    FIELD(vg_mount_op, flags);
    FIELD(vg_mount_op, source);
    FIELD(vg_mount_op, target);
    FIELD(vg_mount_op, data);
    STRUCT(vg_landlock_path_rule);
    FIELD(vg_landlock_path_rule, path);
    FIELD(vg_landlock_path_rule, access);
    STRUCT(vg_landlock_port_rule);
    FIELD(vg_landlock_port_rule, port);
    FIELD(vg_landlock_port_rule, access);
    STRUCT(vg_rlimit);
    FIELD(vg_rlimit, resource);
    FIELD(vg_rlimit, reserved);
    FIELD(vg_rlimit, soft);
    FIELD(vg_rlimit, hard);
    STRUCT(vg_seccomp_arg);
    FIELD(vg_seccomp_arg, index);
    FIELD(vg_seccomp_arg, op);
    FIELD(vg_seccomp_arg, value);
    FIELD(vg_seccomp_arg, value_two);
    STRUCT(vg_seccomp_rule);
    FIELD(vg_seccomp_rule, syscall);
    FIELD(vg_seccomp_rule, action);
    FIELD(vg_seccomp_rule, arg_count);
    FIELD(vg_seccomp_rule, args);
    STRUCT(vg_spawn_spec);
    FIELD(vg_spawn_spec, argv);
    FIELD(vg_spawn_spec, envp);
    FIELD(vg_spawn_spec, search_path);
    FIELD(vg_spawn_spec, cwd);
    FIELD(vg_spawn_spec, hostname);
    FIELD(vg_spawn_spec, namespaces);
    FIELD(vg_spawn_spec, flags);
    FIELD(vg_spawn_spec, uid);
    FIELD(vg_spawn_spec, gid);
    FIELD(vg_spawn_spec, mounts);
    FIELD(vg_spawn_spec, mount_count);
    FIELD(vg_spawn_spec, landlock_path_rule_count);
    FIELD(vg_spawn_spec, landlock_path_rules);
    FIELD(vg_spawn_spec, landlock_handled_fs);
    FIELD(vg_spawn_spec, landlock_handled_net);
    FIELD(vg_spawn_spec, landlock_port_rules);
    FIELD(vg_spawn_spec, landlock_port_rule_count);
    FIELD(vg_spawn_spec, rlimit_count);
    FIELD(vg_spawn_spec, landlock_scoped);
    FIELD(vg_spawn_spec, rlimits);
    FIELD(vg_spawn_spec, cgroup_procs_fds);
    FIELD(vg_spawn_spec, cgroup_procs_fd_count);
    FIELD(vg_spawn_spec, seccomp_filter_len);
    FIELD(vg_spawn_spec, seccomp_filter);
    FIELD(vg_spawn_spec, capabilities_keep);
    FIELD(vg_spawn_spec, stdin_fd);
    FIELD(vg_spawn_spec, stdout_fd);
    FIELD(vg_spawn_spec, stderr_fd);
    FIELD(vg_spawn_spec, userns_fd);
    FIELD(vg_spawn_spec, netns_fd);
    FIELD(vg_spawn_spec, nice);
    FIELD(vg_spawn_spec, scratch_size);
    FIELD(vg_spawn_spec, scratch_inodes);
    FIELD(vg_spawn_spec, egress_fd);
    FIELD(vg_spawn_spec, reserved_egress);
    STRUCT(vg_connect_request);
    FIELD(vg_connect_request, id);
    FIELD(vg_connect_request, pid);
    FIELD(vg_connect_request, family);
    FIELD(vg_connect_request, socket_fd);
    FIELD(vg_connect_request, socket_type);
    FIELD(vg_connect_request, port);
    FIELD(vg_connect_request, reserved);
    FIELD(vg_connect_request, address);
    STRUCT(vg_process);
    FIELD(vg_process, pid);
    FIELD(vg_process, pidfd);
    FIELD(vg_process, status_fd);
    CONST(VG_CORE_ABI_VERSION);
    CONST(VG_STEP_NONE);
    CONST(VG_STEP_ARGS);
    CONST(VG_STEP_CLONE);
    CONST(VG_STEP_USERNS);
    CONST(VG_STEP_CGROUP);
    CONST(VG_STEP_MOUNT);
    CONST(VG_STEP_PIVOT);
    CONST(VG_STEP_HOSTNAME);
    CONST(VG_STEP_RLIMIT);
    CONST(VG_STEP_CAPS);
    CONST(VG_STEP_NO_NEW_PRIVS);
    CONST(VG_STEP_LANDLOCK);
    CONST(VG_STEP_FDS);
    CONST(VG_STEP_SESSION);
    CONST(VG_STEP_SECCOMP);
    CONST(VG_STEP_CHDIR);
    CONST(VG_STEP_EXEC);
    CONST(VG_STEP_SECCOMP_COMPILE);
    CONST(VG_STEP_WAIT);
    CONST(VG_STEP_KILL);
    CONST(VG_STEP_PIPE);
    CONST(VG_STEP_REAPER);
    CONST(VG_STEP_EGRESS);
    CONST(VG_NS_USER);
    CONST(VG_NS_MOUNT);
    CONST(VG_NS_PID);
    CONST(VG_NS_IPC);
    CONST(VG_NS_UTS);
    CONST(VG_NS_NET);
    CONST(VG_NS_CGROUP);
    CONST(VG_SPAWN_NEW_SESSION);
    CONST(VG_SPAWN_NO_NEW_PRIVS);
    CONST(VG_SPAWN_DIE_WITH_PARENT);
    CONST(VG_SPAWN_DIE_WITH_CALLER);
    CONST(VG_SPAWN_EGRESS);
    CONST(VG_EGRESS_RELAY_PORT);
    CONST(VG_MOUNT_BIND);
    CONST(VG_MOUNT_TMPFS);
    CONST(VG_MOUNT_PROC);
    CONST(VG_MOUNT_DEV);
    CONST(VG_MOUNT_OVERLAY);
    CONST(VG_MOUNT_DIR);
    CONST(VG_MOUNT_SYMLINK);
    CONST(VG_MOUNT_REMOUNT_RO);
    CONST(VG_MOUNT_MASK);
    CONST(VG_MF_READONLY);
    CONST(VG_MF_OPTIONAL);
    CONST(VG_MF_NOEXEC);
    CONST(VG_MF_NO_SYMLINKS);
    return 0;
}
