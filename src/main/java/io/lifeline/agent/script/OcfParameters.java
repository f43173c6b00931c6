package io.lifeline.agent.script;

import io.lifeline.agent.AgentConfigException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The {@code name=value} fields of an {@code ocf:PROVIDER:TYPE::name=value::...} word. Each
 * becomes {@code OCF_RESKEY_name}. Two upper-case names are Lifeline settings rather than agent
 * parameters: {@code OCF_CHECK_LEVEL=10} sets the monitor depth, and
 * {@code OCF_RESOURCE_INSTANCE=web} names the instance (agents use it in state-file names).
 *
 * @param values     agent parameters in the order written
 * @param checkLevel the monitor depth, if set
 * @param instanceId the instance id, if set
 */
public record OcfParameters(Map<String, String> values, OptionalInt checkLevel, Optional<String> instanceId) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final int MAX_ID_LENGTH = 60;
    static final String CHECK_LEVEL = "OCF_CHECK_LEVEL";
    static final String INSTANCE = "OCF_RESOURCE_INSTANCE";

    public OcfParameters {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static OcfParameters parse(List<String> args) throws AgentConfigException {
        Map<String, String> values = new LinkedHashMap<>();
        OptionalInt checkLevel = OptionalInt.empty();
        Optional<String> instance = Optional.empty();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 0) {
                throw new AgentConfigException("OCF parameter '" + arg + "' must be name=value");
            }
            String name = arg.substring(0, eq);
            String value = arg.substring(eq + 1);
            if (!NAME.matcher(name).matches()) {
                throw new AgentConfigException("bad OCF parameter name '" + name
                        + "': use letters, digits and _ (it becomes the variable OCF_RESKEY_" + name + ")");
            }
            if (name.equals(CHECK_LEVEL)) {
                try {
                    checkLevel = OptionalInt.of(Integer.parseInt(value));
                } catch (NumberFormatException e) {
                    throw new AgentConfigException(CHECK_LEVEL + " must be a number (0, 10, 20...): '" + value + "'");
                }
            } else if (name.equals(INSTANCE)) {
                if (!SAFE_ID.matcher(value).matches()) {
                    throw new AgentConfigException(INSTANCE + " must be letters, digits, '.', '_' or '-': '"
                            + value + "'");
                }
                instance = Optional.of(value);
            } else if (values.putIfAbsent(name, value) != null) {
                throw new AgentConfigException("OCF parameter '" + name + "' given twice");
            }
        }
        return new OcfParameters(values, checkLevel, instance);
    }

    /**
     * The instance id: the explicit one, or one derived from the type and the parameter values,
     * like Heartbeat's wrappers ({@code IPaddr_10.0.0.1}): only file-name-safe characters, and a
     * hash suffix when long, so two differently configured instances never share state files.
     */
    public String instanceId(String type) {
        if (instanceId.isPresent()) {
            return instanceId.get();
        }
        StringBuilder raw = new StringBuilder(type);
        values.values().forEach(v -> raw.append('_').append(v));
        String safe = raw.toString().replaceAll("[^A-Za-z0-9.-]+", "_").replaceAll("_+$", "");
        if (safe.length() <= MAX_ID_LENGTH) {
            return safe;
        }
        return safe.substring(0, MAX_ID_LENGTH - 9) + "_" + shortHash(raw.toString());
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
