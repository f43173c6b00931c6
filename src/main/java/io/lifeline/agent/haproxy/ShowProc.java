package io.lifeline.agent.haproxy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The master CLI's {@code show proc}: the master (with its reload and failed-reload counts),
 * the current workers, and the old workers still finishing their connections after a reload.
 * <pre>
 * #&lt;PID&gt;          &lt;type&gt;          &lt;reloads&gt;       &lt;uptime&gt;        &lt;version&gt;
 * 28352           master          1 [failed: 0]   0d00h10m10s     2.6.12
 * # workers
 * 14525           worker          0               0d00h00m02s     2.6.12
 * # old workers
 * 14501           worker          1               0d00h03m10s     2.6.12
 * </pre>
 */
record ShowProc(long masterPid, int reloads, int failedReloads, List<Long> workers, List<Long> oldWorkers) {

    private static final Pattern FAILED = Pattern.compile("\\[failed:\\s*(\\d+)]");

    ShowProc {
        workers = List.copyOf(workers);
        oldWorkers = List.copyOf(oldWorkers);
    }

    static ShowProc parse(String answer) throws IOException {
        long master = -1;
        int reloads = 0;
        int failed = 0;
        List<Long> workers = new ArrayList<>();
        List<Long> old = new ArrayList<>();
        String section = "";
        for (String raw : answer.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                section = line.startsWith("#<") ? "" : line.substring(1).strip();
                continue;
            }
            String[] w = line.split("\\s+");
            if (w.length < 3) {
                continue;
            }
            long pid;
            try {
                pid = Long.parseLong(w[0]);
            } catch (NumberFormatException e) {
                throw new IOException("not an answer to 'show proc': " + ShowInfo.firstLine(answer));
            }
            if (w[1].equals("master")) {
                master = pid;
                reloads = parseInt(w[2]);
                Matcher m = FAILED.matcher(line);
                if (m.find()) {
                    failed = Integer.parseInt(m.group(1));
                }
            } else if (w[1].equals("worker")) {
                (section.equals("old workers") ? old : workers).add(pid);
            }
        }
        if (master < 0) {
            throw new IOException("not an answer to 'show proc': " + ShowInfo.firstLine(answer));
        }
        return new ShowProc(master, reloads, failed, workers, old);
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
