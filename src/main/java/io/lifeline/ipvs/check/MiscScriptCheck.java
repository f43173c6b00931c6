package io.lifeline.ipvs.check;

import io.lifeline.process.ProcessRequest;
import io.lifeline.process.ProcessResult;
import io.lifeline.process.ProcessRunner;
import io.lifeline.process.ScriptEnvironment;
import io.lifeline.ipvs.config.CheckSpec;
import java.util.List;

/**
 * MISC_CHECK: {@code misc_path} run by {@code /bin/sh -c} through the shared
 * {@link ProcessRunner} (clean environment, process-group kill on timeout). As in keepalived,
 * exit 0 is healthy and any other exit a failure; with {@code misc_dynamic}, exits 2-255 are
 * healthy too (keepalived turns them into weights, which Lifeline does not).
 */
public final class MiscScriptCheck implements HealthCheck {

    private final CheckSpec.Misc spec;
    private final ProcessRunner runner;
    private final String label;

    public MiscScriptCheck(CheckSpec.Misc spec, ProcessRunner runner, String label) {
        this.spec = spec;
        this.runner = runner;
        this.label = label;
    }

    @Override
    public String describe() {
        return "MISC_CHECK " + spec.command();
    }

    @Override
    public CheckResult run() {
        ProcessResult r = runner.run(new ProcessRequest(label, List.of("/bin/sh", "-c", spec.command()),
                ScriptEnvironment.base(), spec.timeout()));
        if (!r.exited()) {
            return CheckResult.fail(r.error());
        }
        int code = r.exitCode();
        if (code == 0 || (spec.dynamic() && code >= 2)) {
            return CheckResult.pass("exit " + code);
        }
        String why = lastLine(r.stderr().isBlank() ? r.stdout() : r.stderr());
        return CheckResult.fail("exit " + code + (why.isEmpty() ? "" : ": " + why));
    }

    private static String lastLine(String text) {
        String t = text.strip();
        int nl = t.lastIndexOf('\n');
        String line = nl >= 0 ? t.substring(nl + 1) : t;
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
