import io.lifeline.agent.AgentResult;
import io.lifeline.agent.ip.IpAddrAgent;
import io.lifeline.agent.ip.IpAddrAgentFactory;
import io.lifeline.config.ResourceSpec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Drives Lifeline's built-in VIP agent in one long-lived JVM, as the daemon does, for
 * bench/vip. Started by vipbench.py inside a node's network namespace with the daemon's JVM
 * flags; reads one command per line on stdin and answers one line per command on stdout:
 *
 * <pre>
 *   agent NAME WORD            create an agent from a haresources word (IPaddr2::198.51.100.10/24/eth0)
 *   start NAME                 ResourceAgent.start (with the duplicate-address probe, a takeover)
 *   start-handover NAME        HandoverAware.startAfterHandover (no probe, a planned move)
 *   stop NAME | monitor NAME
 *   settle NAME                wait for the background rounds of the last announcement burst
 *   quit
 * </pre>
 *
 * An action's answer is {@code done ACTION NAME BEFORE_US AFTER_US ELAPSED_NS CODE MESSAGE}:
 * the wall clock (CLOCK_REALTIME, microseconds since the epoch, comparable with the client's
 * packet timestamps) just before the call and just after it returned, the monotonic duration
 * of the call, and the OCF code. Nothing but these lines goes to stdout; the agent's own log
 * goes where the logback configuration given with -Dlogback.configurationFile puts it.
 */
public final class VipDriver {
    private static final Duration ACTION_TIMEOUT = Duration.ofSeconds(20);

    private VipDriver() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        IpAddrAgentFactory factory = new IpAddrAgentFactory();
        Map<String, IpAddrAgent> agents = new HashMap<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        out.println("ready");
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.trim().split("\\s+");
            if (w.length == 0 || w[0].isEmpty()) {
                continue;
            }
            if (w[0].equals("quit")) {
                break;
            }
            try {
                if (w[0].equals("agent") && w.length == 3) {
                    // split as the haresources parser does: NAME::ARG::ARG...
                    List<String> parts = Arrays.asList(w[2].split("::"));
                    agents.put(w[1], factory.create(new ResourceSpec(parts.get(0), parts.subList(1, parts.size()),
                            w[2], 1)));
                    out.println("ok agent " + w[1]);
                    continue;
                }
                IpAddrAgent agent = w.length == 2 ? agents.get(w[1]) : null;
                if (agent == null) {
                    out.println("error unknown command or agent: " + line);
                    continue;
                }
                if (w[0].equals("settle")) {
                    boolean done = agent.awaitAnnouncements(ACTION_TIMEOUT);
                    out.println("ok settle " + w[1] + " " + done);
                    continue;
                }
                long before = micros(Instant.now());
                long t0 = System.nanoTime();
                AgentResult r = switch (w[0]) {
                    case "start" -> agent.start(ACTION_TIMEOUT);
                    case "start-handover" -> agent.startAfterHandover(ACTION_TIMEOUT);
                    case "stop" -> agent.stop(ACTION_TIMEOUT);
                    case "monitor" -> agent.monitor(ACTION_TIMEOUT);
                    default -> null;
                };
                long elapsed = System.nanoTime() - t0;
                long after = micros(Instant.now());
                if (r == null) {
                    out.println("error unknown command: " + line);
                    continue;
                }
                out.println("done " + w[0] + " " + w[1] + " " + before + " " + after + " " + elapsed + " "
                        + r.status().code() + " " + r.message().replace('\n', ' '));
            } catch (Exception e) {
                out.println("error " + e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage())
                        .replace('\n', ' '));
            }
        }
    }

    private static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }
}
