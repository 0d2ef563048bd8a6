package dev.vectraguard.policy;

/** Stable identifiers of risk findings; they appear in notices, JSON and tests, so never rename one. */
public enum FindingCode {
    /** The command line is not well-formed shell (unclosed quote, stray token, ...). */
    PARSE_ERROR,
    /** Commands hidden under more levels of {@code sh -c}/{@code eval} than are analysed. */
    NESTING_TOO_DEEP,
    /** The command name itself is computed at run time ({@code $X -rf /}). */
    DYNAMIC_COMMAND,
    DESTRUCTIVE_DELETE_ROOT,
    DESTRUCTIVE_DELETE_HOME,
    DESTRUCTIVE_DELETE_SYSTEM,
    /** Recursive delete of the current or parent directory ({@code rm -rf .}, {@code rm -rf *}). */
    RECURSIVE_DELETE_WORKDIR,
    /** Recursive delete of a path only known at run time ({@code rm -rf "$DIR"}, {@code xargs rm -rf}). */
    RECURSIVE_DELETE_DYNAMIC,
    /** {@code find} over /, home or a system dir that deletes what it finds. */
    FIND_DELETE_SYSTEM,
    /** Overwrites, formats, partitions or erases a block device or volume. */
    DISK_WIPE,
    /** Rewrites a partition table interactively or from input. */
    DISK_PARTITION,
    /** chmod/chown/chgrp of /, a system dir, or (recursively) a home dir. */
    SYSTEM_PERMISSION_CHANGE,
    FORK_BOMB,
    REVERSE_SHELL,
    /** A raw network connection through bash's {@code /dev/tcp} or {@code /dev/udp}. */
    DEV_TCP_CONNECTION,
    /** Downloaded code is executed ({@code curl | sh}, {@code bash <(curl)}, {@code sh -c "$(curl)"}). */
    PIPE_TO_SHELL,
    /** Decoded data is executed ({@code base64 -d | sh}). */
    OBFUSCATED_EXECUTION,
    /** A script file is downloaded ({@code curl -o x.sh}, {@code wget http://.../install.sh}). */
    REMOTE_SCRIPT_DOWNLOAD,
    /** Writes to system configuration (/etc/passwd, /etc/sudoers, /etc/hosts, /boot, /usr, ...). */
    SYSTEM_FILE_WRITE,
    /** Writes that make code run later: shell rc files, authorized_keys, crontabs. */
    PERSISTENCE_WRITE,
    /** Removes all scheduled jobs ({@code crontab -r}). */
    SCHEDULED_TASKS_REMOVED,
    /** Runs as another user, usually root ({@code sudo}, {@code doas}, {@code su}, {@code pkexec}). */
    PRIVILEGED_COMMAND,
    /** Reads private keys, credentials files or .env files. */
    SECRET_FILE_READ,
    /** Prints secret-looking environment variables. */
    SECRET_ENV_READ,
    /** Sends secrets over the network. */
    SECRET_EXFILTRATION,
    GIT_FORCE_PUSH,
    /** Rewrites or prunes history (filter-branch, filter-repo, reflog expire, gc --prune=now). */
    GIT_HISTORY_REWRITE,
    /** Throws away uncommitted work (reset --hard, clean -fdx, checkout -- ., stash clear). */
    GIT_DISCARD_CHANGES,
    /** Deletes branches without a merge check, locally or on the remote. */
    GIT_BRANCH_DELETE,
    /** DROP / TRUNCATE / DELETE without WHERE / ALTER TABLE ... DROP / FLUSHALL through a database client. */
    DESTRUCTIVE_SQL,
    CONTAINER_DESTRUCTIVE,
    /** A container that can reach the host ({@code --privileged}, mounting / or docker.sock). */
    CONTAINER_HOST_ACCESS,
    KUBERNETES_DESTRUCTIVE,
    CLOUD_DESTRUCTIVE,
    /** Tears down managed infrastructure (terraform/pulumi destroy, helm uninstall). */
    INFRASTRUCTURE_DESTROY,
    PACKAGE_REMOVAL,
    /** Installs packages from the network (npm install, pip install, apt install, go install, ...). */
    NETWORKED_INSTALL,
    /** A build that downloads dependencies (mvn, gradle); treated like an install for sandboxing. */
    NETWORKED_BUILD,
    /** Shuts down or reboots the machine. */
    SYSTEM_POWER,
    /** Kills every process the user can signal ({@code kill -9 -1}). */
    KILL_ALL_PROCESSES,
    /** Flushes firewall rules. */
    FIREWALL_FLUSH,
    /** Approves something for vg itself ({@code vg config trust}, {@code vg trust add}). */
    GUARD_APPROVAL,
    /** Prints a credential through its tool ({@code gh auth token}, {@code gcloud auth print-access-token}, {@code kubectl get secret}). */
    SECRET_TOKEN_READ,
    /** Dumps a whole database ({@code pg_dump}, {@code mysqldump}, ...): medium alone, exfiltration when sent out. */
    DATABASE_DUMP,
    /** A file fetched earlier in the same command line (curl -o, wget, git clone) is run, sourced or loaded. */
    DOWNLOAD_THEN_EXECUTE,
    /** Stores credentials in plain text ({@code git config credential.helper store}). */
    CREDENTIAL_STORE,
    /** Turns off a security control: SELinux, AppArmor, auditd, a firewall, cloud audit logging or threat detection. */
    SECURITY_CONTROL_DISABLED,
    /** Erases or stops recording shell history or system logs. */
    HISTORY_TAMPERING,
    /** Binds cluster-admin (or another admin role) in Kubernetes, worst to anonymous users or every service account. */
    KUBERNETES_PRIVILEGE_GRANT,
    /** Makes cloud data or services public: public ACLs and buckets, admin ports open to 0.0.0.0/0. */
    CLOUD_PUBLIC_EXPOSURE,
    /** Grants admin or owner roles in a cloud account, or creates long-lived access keys. */
    CLOUD_PRIVILEGE_GRANT,
    /** Applies infrastructure changes without a reviewed plan ({@code terraform apply -auto-approve}). */
    UNREVIEWED_INFRASTRUCTURE_APPLY,
    /** A command spelled to hide what it runs ({@code ${IFS}} for spaces, escaped bytes fed to a shell). */
    OBFUSCATED_COMMAND,
    /** Gives an account root or admin rights, or removes its password ({@code useradd -o -u 0}, {@code usermod -aG sudo}). */
    ACCOUNT_PRIVILEGE_CHANGE,
    /** Writes, deletes, moves or changes permissions inside a directory listed in {@code policies.protected_directories}. */
    PROTECTED_DIRECTORY_CHANGE
}
