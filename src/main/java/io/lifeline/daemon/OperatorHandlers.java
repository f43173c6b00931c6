package io.lifeline.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeline.control.ControlException;
import io.lifeline.control.ControlProtocol;
import io.lifeline.control.ControlServer;
import io.lifeline.control.ManagerStatusJson;
import io.lifeline.manager.GroupScope;
import io.lifeline.manager.ManagerAction;
import io.lifeline.manager.ManagerEvent;
import io.lifeline.manager.OperatorCommand;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * The control-socket commands that reach the resource manager: {@code takeover}, {@code standby},
 * {@code online}, {@code failover}, {@code unpin}, {@code cleanup}, {@code maintenance} and
 * {@code events}.
 * Arguments are checked here (a bad one is a {@code bad_args} error naming it); whether the
 * command makes sense now is the manager's call (a refusal is a {@code rejected} error with the
 * manager's reason).
 */
final class OperatorHandlers {

    private static final Set<String> SCOPES = Set.of("all", "local", "foreign", "failback");

    private final ManagerRuntime runtime;
    /** The groups' short names (ha.cf group_name, or derived), as of the last start or reload. */
    private final java.util.function.Supplier<io.lifeline.config.GroupNames> names;

    /** @param names the groups' short names now: every command takes a group's short name as well as its full one */
    OperatorHandlers(ManagerRuntime runtime, java.util.function.Supplier<io.lifeline.config.GroupNames> names) {
        this.runtime = runtime;
        this.names = names;
        build();
    }

    /** The full group name {@code name} stands for (a short name resolved), else {@code name} as given. */
    private String group(String name) {
        return names.get().resolve(name).orElse(name);
    }

    /** The handlers, by command, as the control socket and the status page (http_auth) call them. */
    private final java.util.Map<String, io.lifeline.control.CommandHandler> handlers = new java.util.LinkedHashMap<>(); // filled once, by the constructor

    void registerOn(ControlServer server) {
        handlers.forEach(server::register);
    }

    /**
     * Runs one command as the control socket would (the status page's actions come here).
     *
     * @return its result: an object with the manager's {@code message}
     */
    JsonNode call(String command, JsonNode args) throws ControlException {
        io.lifeline.control.CommandHandler h = handlers.get(command);
        if (h == null) {
            throw new ControlException("unknown_command", "no such command: " + command);
        }
        return ControlProtocol.json().valueToTree(h.handle(args));
    }

    private void build() {
        java.util.Map<String, io.lifeline.control.CommandHandler> server = handlers;
        server.put("takeover", args -> {
            String what = text(args, "what").orElse("all");
            return run(SCOPES.contains(what.toLowerCase(Locale.ROOT)) ? new OperatorCommand.Takeover(GroupScope.parse(what))
                    : new OperatorCommand.TakeoverGroup(group(what)));
        });
        server.put("standby", args -> {
            String scope = text(args, "scope").orElse("all");
            if (!SCOPES.contains(scope.toLowerCase(Locale.ROOT))) {
                throw new ControlException("bad_args", "standby: unknown scope '" + scope
                        + "': expected all, local or foreign");
            }
            return run(new OperatorCommand.Standby(GroupScope.parse(scope)));
        });
        server.put("online", args -> run(new OperatorCommand.Online()));
        server.put("failover", args -> {
            String group = text(args, "group").orElseThrow(
                    () -> new ControlException("bad_args", "failover: which group? (args.group)"));
            return run(new OperatorCommand.Failover(group(group), text(args, "to")));
        });
        server.put("unpin", args -> {
            // args.group: a group name, or "all" / absent for every pinned group
            Optional<String> group = text(args, "group").filter(g -> !g.equalsIgnoreCase("all"));
            return run(new OperatorCommand.Unpin(group.map(this::group)));
        });
        // a resource word or a group: a group's short name means that group
        server.put("cleanup", args -> run(new OperatorCommand.Cleanup(text(args, "resource").map(this::group))));
        server.put("maintenance", args -> {
            JsonNode on = args.get("on");
            if (on == null || !on.isBoolean()) {
                throw new ControlException("bad_args", "maintenance: args.on must be true or false");
            }
            return run(new OperatorCommand.Maintenance(on.booleanValue()));
        });
        server.put("events", args -> {
            int limit = args.path("limit").asInt(0);
            try {
                List<ManagerEvent> events = runtime.events();
                if (limit > 0 && events.size() > limit) {
                    events = events.subList(events.size() - limit, events.size());
                }
                return ManagerStatusJson.events(events);
            } catch (TimeoutException e) {
                throw new ControlException("busy", "the resource manager did not answer in time");
            }
        });
    }

    private Object run(OperatorCommand command) throws ControlException {
        ManagerAction.AnswerCommand answer;
        try {
            answer = runtime.command(command);
        } catch (TimeoutException e) {
            throw new ControlException("busy", "the resource manager did not answer in time");
        }
        if (!answer.accepted()) {
            throw new ControlException("rejected", answer.message());
        }
        ObjectNode result = ControlProtocol.json().createObjectNode();
        result.put("message", answer.message());
        return result;
    }

    private static Optional<String> text(JsonNode args, String field) throws ControlException {
        JsonNode v = args.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new ControlException("bad_args", "args." + field + " must be a non-empty string");
        }
        return Optional.of(v.asText().trim());
    }
}
