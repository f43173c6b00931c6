package io.lifeline.ipvs.kernel;

import io.lifeline.process.ProcessRequest;
import io.lifeline.process.ProcessResult;
import io.lifeline.process.ProcessRunner;
import io.lifeline.process.ScriptEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.event.Level;

/**
 * The kernel's IPVS table through the {@code ipvsadm} program.
 *
 * <p>Why ipvsadm and not generic netlink: it is the tool LVS admins know, every change Lifeline
 * makes is logged as the exact command line they can read and replay, its save format is
 * stable across versions, and it carries the kernel-version quirks (address families,
 * tunnel types, flag layouts) that a netlink encoder would have to re-implement. The cost is
 * one short process per read or change, which happens only on start, stop, monitor and
 * health-state changes, never per packet.
 */
public final class Ipvsadm implements IpvsKernel {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final ProcessRunner runner;
    private final String program;
    private final Duration timeout;
    private final String label;

    /**
     * @param runner  runs the program (a command prefix such as {@code ip netns exec NS} works)
     * @param program {@code ipvsadm}, found on the clean PATH, or an absolute path
     * @param label   log prefix, normally the resource's word
     */
    public Ipvsadm(ProcessRunner runner, String program, Duration timeout, String label) {
        this.runner = runner;
        this.program = program;
        this.timeout = timeout;
        this.label = label;
    }

    @Override
    public IpvsTable read() throws IpvsException {
        ProcessResult r = run(List.of("--save", "-n"), Level.DEBUG);
        try {
            return IpvsSaveFormat.parse(r.stdout());
        } catch (IllegalArgumentException e) {
            throw new IpvsException(IpvsException.Kind.FAILED, "cannot read the IPVS table: " + e.getMessage());
        }
    }

    @Override
    public void apply(IpvsCommand command) throws IpvsException {
        run(command.args(), Level.INFO);
    }

    private ProcessResult run(List<String> args, Level outputLevel) throws IpvsException {
        List<String> cmd = new ArrayList<>();
        cmd.add(program);
        cmd.addAll(args);
        ProcessResult r = runner.run(new ProcessRequest(label, cmd, ScriptEnvironment.base(), timeout, outputLevel));
        String shown = "ipvsadm " + String.join(" ", args);
        switch (r.outcome()) {
            case START_FAILED -> throw new IpvsException(IpvsException.Kind.NOT_INSTALLED,
                    "ipvsadm is not installed (" + r.error() + "): install the ipvsadm package");
            case TIMED_OUT, INTERRUPTED -> throw new IpvsException(IpvsException.Kind.FAILED, shown + ": " + r.error());
            case EXITED -> {
                if (r.exitCode() != 0) {
                    throw classify(shown, r.stderr().isBlank() ? r.stdout() : r.stderr());
                }
            }
        }
        return r;
    }

    /** Maps ipvsadm's messages to what the admin must do. */
    static IpvsException classify(String command, String output) {
        String text = output.strip();
        String lower = text.toLowerCase(Locale.ROOT);
        String last = text.isEmpty() ? "failed with no message" : text.lines().reduce((a, b) -> b).orElse(text);
        if (lower.contains("can't initialize ipvs") || lower.contains("protocol not available")) {
            return new IpvsException(IpvsException.Kind.NOT_INSTALLED,
                    "kernel has no IPVS: load ip_vs (modprobe ip_vs), or use a kernel built with CONFIG_IP_VS");
        }
        if (lower.contains("scheduler or persistence engine not found")) {
            return new IpvsException(IpvsException.Kind.NOT_CONFIGURED,
                    command + ": the kernel has no such scheduler (load its ip_vs_<name> module)");
        }
        if (lower.contains("permission denied") || lower.contains("operation not permitted")) {
            return new IpvsException(IpvsException.Kind.NOT_PERMITTED, command + ": " + last + " (needs CAP_NET_ADMIN)");
        }
        return new IpvsException(IpvsException.Kind.FAILED, command + ": " + last.strip());
    }
}
