package io.lifeline.cli;

import io.lifeline.config.PasswordHash;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hactl http-passwd USER}: prints a line for the status page's users file (ha.cf
 * {@code http_auth}), {@code USER:$pbkdf2-sha256$...}, as htpasswd does for a web server. The
 * password is asked twice on a terminal without echo, or read as the first line of standard
 * input (for scripts); it is never an argument, which any local user could read in ps.
 */
@Command(name = "http-passwd", mixinStandardHelpOptions = true,
        description = {"Print a users-file line (USER:HASH) for ha.cf http_auth, the status page's operator actions.",
                "Append it to the file named by http_auth (mode 600) and restart the daemon."})
public final class HttpPasswdCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "USER", description = "The user name (letters, digits, '.', '_', '-').")
    String user;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "" + PasswordHash.DEFAULT_ITERATIONS,
            description = "PBKDF2 iterations (default: ${DEFAULT-VALUE}; at least " + PasswordHash.MIN_ITERATIONS + ").")
    int iterations;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        if (!user.matches("[A-Za-z0-9._-]{1,64}")) {
            err.println("hactl http-passwd: user name '" + user + "': letters, digits, '.', '_' and '-' only (at most 64)");
            return 2;
        }
        if (iterations < PasswordHash.MIN_ITERATIONS || iterations > PasswordHash.MAX_ITERATIONS) {
            err.println("hactl http-passwd: --iterations must be from " + PasswordHash.MIN_ITERATIONS + " to "
                    + PasswordHash.MAX_ITERATIONS);
            return 2;
        }
        char[] password = readPassword(err);
        if (password == null) {
            return 1;
        }
        if (password.length < 8) {
            err.println("hactl http-passwd: the password must have at least 8 characters");
            return 1;
        }
        String hash = PasswordHash.create(password, iterations, new SecureRandom()).format();
        Arrays.fill(password, '\0');
        spec.commandLine().getOut().println(user + ":" + hash);
        return 0;
    }

    private static char[] readPassword(PrintWriter err) throws IOException {
        Console console = System.console();
        if (console != null) {
            char[] first = console.readPassword("password: ");
            char[] again = console.readPassword("again: ");
            if (first == null || again == null || !Arrays.equals(first, again)) {
                err.println("hactl http-passwd: the passwords differ");
                return null;
            }
            Arrays.fill(again, '\0');
            return first;
        }
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (line == null) {
            err.println("hactl http-passwd: no password on standard input");
            return null;
        }
        return line.toCharArray();
    }
}
