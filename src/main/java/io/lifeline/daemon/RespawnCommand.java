package io.lifeline.daemon;

import io.lifeline.process.ScriptEnvironment;
import io.lifeline.config.Diagnostics;
import io.lifeline.config.HaCf;
import io.lifeline.os.UserAccounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How one ha.cf {@code respawn} line is run: the command line and environment, decided once at
 * start-up so that every problem is a configuration error naming ha.cf:line.
 *
 * <p>The command is {@code setsid --wait setpriv [--reuid ...] --pdeathsig=TERM -- /bin/sh -c
 * "exec COMMAND"}; every step execs the next, so the program keeps the PID the daemon started:
 * <ul>
 *   <li>{@code setsid} gives it a session and process group of its own, so that stopping it
 *       reaches whatever it forked (Heartbeat calls setpgid(0,0) in the child);</li>
 *   <li>Java cannot change user, so when the daemon runs as root and the line names another
 *       account, util-linux {@code setpriv --reuid --regid --init-groups} switches to that
 *       account's uid, primary gid and supplementary groups, as Heartbeat's
 *       initgroups/setgid/setuid did (runuser would fork and open a PAM session instead).
 *       A daemon that is not root can only run programs as itself;</li>
 *   <li>{@code --pdeathsig=TERM}: if the daemon dies without stopping its children (kill -9,
 *       a JVM crash), the program gets SIGTERM instead of living on next to the copy the
 *       restarted daemon starts. Under systemd, KillMode=mixed also cleans up the whole cgroup;
 *       Heartbeat's children simply survived;</li>
 *   <li>{@code /bin/sh -c} as in Heartbeat, so quoting, redirections and {@code $VARIABLES} in
 *       existing ha.cf lines keep their meaning.</li>
 * </ul>
 *
 * <p>The environment is clean (nothing of the daemon's own leaks, as for resource scripts):
 * PATH, LANG/LC_ALL=C and TZ from {@link ScriptEnvironment}, HOME, USER, LOGNAME and SHELL of
 * the account, then every {@code env NAME=value} line both as {@code HA_NAME} (what Heartbeat
 * set: its config.c prefixes the name with {@code HA_}) and as written, which wins.
 */
record RespawnCommand(String name, HaCf.Respawn respawn, UserAccounts.Account account, List<String> argv,
                      Map<String, String> environment) {

    static final List<Path> SETSID = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));
    static final List<Path> SETPRIV = List.of(Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv"));

    RespawnCommand {
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
    }

    Path program() {
        return Path.of(respawn.program());
    }

    /**
     * Plans {@code respawn}; problems go to {@code diag} with the ha.cf line.
     *
     * @param euid the daemon's effective uid
     */
    static Optional<RespawnCommand> plan(String name, HaCf.Respawn respawn, Map<String, String> envLines, Path haCf,
                                         int euid, Diagnostics diag) {
        Optional<UserAccounts.Account> account = UserAccounts.byName(respawn.user());
        if (account.isEmpty()) {
            diag.error(haCf, respawn.line(), "respawn: no such user '" + respawn.user() + "'");
            return Optional.empty();
        }
        Optional<Path> setsid = find(SETSID);
        if (setsid.isEmpty()) {
            diag.error(haCf, respawn.line(), "respawn: setsid (util-linux) not found in " + SETSID
                    + "; it is needed to stop " + respawn.program() + " with everything it starts");
            return Optional.empty();
        }
        Optional<Path> setpriv = find(SETPRIV);
        if (setpriv.isEmpty()) {
            diag.error(haCf, respawn.line(), "respawn: setpriv (util-linux) not found in " + SETPRIV
                    + "; it is needed to run " + respawn.program());
            return Optional.empty();
        }
        UserAccounts.Account a = account.get();
        List<String> argv = new ArrayList<>(List.of(setsid.get().toString(), "--wait", setpriv.get().toString()));
        if (euid == 0 && a.uid() != 0) {
            argv.addAll(List.of("--reuid=" + a.uid(), "--regid=" + a.gid(), "--init-groups"));
        } else if (euid != 0 && a.uid() != euid) {
            diag.error(haCf, respawn.line(), "respawn: the daemon runs as uid " + euid + ", not root, so it"
                    + " cannot run " + respawn.program() + " as " + respawn.user() + " (uid " + a.uid()
                    + "); run the daemon as root");
            return Optional.empty();
        }
        // set after the uid change (which clears it); fires when the daemon's supervising thread dies
        argv.addAll(List.of("--pdeathsig=TERM", "--"));
        argv.addAll(List.of("/bin/sh", "-c", "exec " + respawn.commandLine()));
        return Optional.of(new RespawnCommand(name, respawn, a, argv, environment(a, envLines)));
    }

    static Map<String, String> environment(UserAccounts.Account a, Map<String, String> envLines) {
        Map<String, String> env = ScriptEnvironment.base();
        env.put("HOME", a.home().toString());
        env.put("USER", a.name());
        env.put("LOGNAME", a.name());
        env.put("SHELL", a.shell().isEmpty() ? "/bin/sh" : a.shell());
        envLines.forEach((k, v) -> env.put("HA_" + k, v));
        env.putAll(envLines); // as written wins over a Heartbeat-style copy (env HA_X=1 X=2)
        return new LinkedHashMap<>(env);
    }

    private static Optional<Path> find(List<Path> candidates) {
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }
}
