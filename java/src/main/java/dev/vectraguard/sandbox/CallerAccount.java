package dev.vectraguard.sandbox;

import dev.vectraguard.caller.Caller;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/** Who the caller is on the host, as every runtime needs it: uid and gid, the home shown, the account's home. */
public final class CallerAccount {
    private static final Path PASSWD = Path.of("/etc/passwd");

    private CallerAccount() {}

    /** The home directory the sandbox shows (as an empty tmpfs): HOME of the environment, else of the caller. */
    public static Path homeDirectory(Map<String, String> environment) {
        String home = environment.get("HOME");
        if (home == null || !home.startsWith("/")) {
            home = Caller.current().environment().get("HOME");
        }
        if (home == null || !home.startsWith("/")) {
            home = System.getProperty("user.home");
        }
        return Path.of(home).normalize();
    }

    /**
     * The home directory of {@code uid} in /etc/passwd, whatever {@code $HOME} says (a command may
     * point HOME elsewhere; the files to protect stay where the account has them). Accounts that
     * /etc/passwd does not list (NSS, LDAP) get the JVM's user.home, which it took from getpwuid.
     */
    public static Path accountHome(int uid) throws SandboxException {
        String passwd;
        try {
            passwd = new String(Files.readAllBytes(PASSWD), StandardCharsets.UTF_8);
        } catch (NoSuchFileException missing) {
            passwd = "";
        } catch (IOException e) {
            throw new SandboxException("cannot read " + PASSWD + " for the home of uid " + uid + ": " + e.getMessage());
        }
        String id = Integer.toString(uid);
        for (String line : passwd.split("\n")) {
            String[] fields = line.split(":", -1);
            if (fields.length >= 7 && fields[2].equals(id) && fields[5].startsWith("/")) {
                return Path.of(fields[5]).normalize();
            }
        }
        return Path.of(System.getProperty("user.home")).toAbsolutePath().normalize();
    }

    /** The caller's real uid and gid (owner of /proc/self). */
    public static int[] ids() throws SandboxException {
        try {
            Path self = Path.of("/proc/self");
            return new int[] {(Integer) Files.getAttribute(self, "unix:uid"), (Integer) Files.getAttribute(self, "unix:gid")};
        } catch (IOException | UnsupportedOperationException e) {
            throw new SandboxException("cannot read the caller's uid/gid: " + e.getMessage());
        }
    }
}
