package io.lifeline.agent.haproxy;

import io.lifeline.agent.AgentConfigException;
import io.lifeline.process.ScriptEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The arguments of one {@code HAProxy::CONFIG[::binary=PATH][::rundir=DIR][::autoreload=yes|no]}
 * word.
 *
 * @param config     haproxy's configuration file
 * @param binary     the haproxy executable (default: the first {@code haproxy} on the standard PATH)
 * @param runDir     where the pid file and the master CLI socket live (default
 *                   {@code /run/lifeline/haproxy/<id derived from the config path>})
 * @param autoReload whether a monitor that finds the file changed reports it, so that the manager reloads haproxy
 */
record HaproxySettings(Path config, Path binary, Path runDir, boolean autoReload) {

    static final Path DEFAULT_RUN_ROOT = Path.of("/run/lifeline/haproxy");
    /** Unix socket paths are limited to 107 bytes; keep the run directory's name short. */
    private static final int MAX_ID_LENGTH = 40;

    Path pidFile() {
        return runDir.resolve("haproxy.pid");
    }

    /** The master CLI socket the agent asks haproxy to open with {@code -S}. */
    Path masterSocket() {
        return runDir.resolve("master.sock");
    }

    static HaproxySettings parse(List<String> args) throws AgentConfigException {
        if (args.isEmpty() || args.get(0).isBlank()) {
            throw new AgentConfigException("HAProxy needs the configuration file as its first argument: "
                    + "HAProxy::/etc/haproxy/haproxy.cfg");
        }
        if (args.get(0).contains("=")) {
            throw new AgentConfigException("the first argument must be the configuration file, not '"
                    + args.get(0) + "'");
        }
        Path config = Path.of(args.get(0));
        if (!config.isAbsolute()) {
            throw new AgentConfigException("the configuration file must be an absolute path: " + config);
        }
        Path binary = null;
        Path runDir = null;
        boolean autoReload = true;
        for (String arg : args.subList(1, args.size())) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new AgentConfigException("argument '" + arg + "' must be name=value (binary, rundir, autoreload)");
            }
            String name = arg.substring(0, eq);
            String value = arg.substring(eq + 1);
            switch (name) {
                case "binary" -> binary = absolute(name, value);
                case "rundir" -> runDir = absolute(name, value);
                case "autoreload" -> autoReload = switch (value.toLowerCase(Locale.ROOT)) {
                    case "yes", "true", "on", "1" -> true;
                    case "no", "false", "off", "0" -> false;
                    default -> throw new AgentConfigException("autoreload must be yes or no, not '" + value + "'");
                };
                default -> throw new AgentConfigException("unknown argument '" + name
                        + "' (known: binary, rundir, autoreload)");
            }
        }
        if (binary == null) {
            binary = findOnPath();
        }
        if (runDir == null) {
            runDir = DEFAULT_RUN_ROOT.resolve(idFor(config));
        }
        if (runDir.resolve("master.sock").toString().getBytes(StandardCharsets.UTF_8).length > 107) {
            throw new AgentConfigException("rundir " + runDir + " is too long for a Unix socket path");
        }
        return new HaproxySettings(config, binary, runDir, autoReload);
    }

    private static Path absolute(String name, String value) throws AgentConfigException {
        if (value.isEmpty() || !value.startsWith("/")) {
            throw new AgentConfigException(name + " must be an absolute path, not '" + value + "'");
        }
        return Path.of(value);
    }

    /** The first executable {@code haproxy} on the standard PATH, else {@code /usr/sbin/haproxy}. */
    private static Path findOnPath() {
        for (String dir : ScriptEnvironment.PATH.split(":")) {
            Path candidate = Path.of(dir, "haproxy");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return Path.of("/usr/sbin/haproxy");
    }

    /** A file-name-safe id for a config path; long ones get a hash so the socket path stays short. */
    static String idFor(Path config) {
        String plain = config.toString().replaceAll("^/+", "").replaceAll("[^A-Za-z0-9_.-]", "_");
        if (plain.length() <= MAX_ID_LENGTH) {
            return plain;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(config.toString().getBytes(StandardCharsets.UTF_8));
            return plain.substring(plain.length() - (MAX_ID_LENGTH - 9)) + "-" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
