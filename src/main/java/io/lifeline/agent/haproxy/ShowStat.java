package io.lifeline.agent.haproxy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer to {@code show stat}: haproxy's CSV, one row per frontend, backend and server.
 * Columns are found by the names in the {@code # pxname,svname,...} header, so versions that
 * add columns parse the same way.
 */
record ShowStat(List<Row> rows) {

    ShowStat {
        rows = List.copyOf(rows);
    }

    /**
     * One proxy or server. {@code type} is haproxy's: 0 frontend, 1 backend, 2 server,
     * 3 listener. Numbers haproxy leaves empty are 0.
     *
     * @param status      UP, DOWN, MAINT, NOLB, "UP 1/2" (going down), OPEN (frontend), no check, ...
     * @param checkStatus L4OK, L7OK, L4CON, L7STS, ... (empty when not checked)
     * @param checkDesc   haproxy's words for the last check ("Layer4 connection problem")
     */
    record Row(String proxy, String name, int type, String status, String checkStatus, String checkDesc,
               String lastCheck, int weight, long currentSessions, long totalSessions, String address) {

        boolean isFrontend() {
            return type == 0;
        }

        boolean isBackend() {
            return type == 1;
        }

        boolean isServer() {
            return type == 2;
        }

        /** UP, or UP while going down ("UP 2/3"); a server without checks ("no check") counts as up. */
        boolean isUp() {
            return status.startsWith("UP") || status.equals("no check") || status.equals("OPEN");
        }
    }

    List<Row> backends() {
        return rows.stream().filter(Row::isBackend).toList();
    }

    List<Row> frontends() {
        return rows.stream().filter(Row::isFrontend).toList();
    }

    List<Row> servers(String backend) {
        return rows.stream().filter(r -> r.isServer() && r.proxy().equals(backend)).toList();
    }

    static ShowStat parse(String answer) throws IOException {
        String[] lines = answer.split("\n");
        if (lines.length == 0 || !lines[0].startsWith("# pxname,svname,")) {
            throw new IOException("not an answer to 'show stat': " + ShowInfo.firstLine(answer));
        }
        String[] header = lines[0].substring(2).split(",", -1);
        Map<String, Integer> column = new HashMap<>();
        for (int i = 0; i < header.length; i++) {
            column.putIfAbsent(header[i], i);
        }
        for (String required : List.of("pxname", "svname", "type", "status")) {
            if (!column.containsKey(required)) {
                throw new IOException("'show stat' header lacks column " + required);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int n = 1; n < lines.length; n++) {
            String line = lines[n];
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length < column.get("status") + 1) {
                throw new IOException("'show stat' line " + (n + 1) + " has only " + f.length + " fields");
            }
            rows.add(new Row(
                    text(f, column, "pxname"), text(f, column, "svname"),
                    (int) number(f, column, "type", n), text(f, column, "status"),
                    text(f, column, "check_status"), text(f, column, "check_desc"),
                    text(f, column, "last_chk"), (int) number(f, column, "weight", n),
                    number(f, column, "scur", n), number(f, column, "stot", n), text(f, column, "addr")));
        }
        return new ShowStat(rows);
    }

    private static String text(String[] fields, Map<String, Integer> column, String name) {
        Integer i = column.get(name);
        return i == null || i >= fields.length ? "" : fields[i];
    }

    private static long number(String[] fields, Map<String, Integer> column, String name, int line)
            throws IOException {
        String s = text(fields, column, name);
        if (s.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IOException("'show stat' line " + (line + 1) + ": column " + name + " is not a number: '" + s + "'");
        }
    }
}
