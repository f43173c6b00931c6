package io.lifeline.cli;

import io.lifeline.config.ConfigProblem;
import io.lifeline.config.Diagnostics;
import io.lifeline.proxy.ProxyServer;
import io.lifeline.proxy.config.ProxyConfig;
import io.lifeline.proxy.config.ProxyConfigParser;
import io.lifeline.proxy.config.ProxyKeywords;
import io.lifeline.thread.NamedThreads;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code hactl proxy}: runs the built-in load balancer on its own, or checks its
 * configuration ({@code --check}, like {@code haproxy -c}). SIGTERM or Ctrl-C stops it
 * gracefully: no new connections, requests in flight finish (up to --grace).
 */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = "Run (or check the configuration of) the built-in L4/L7 load-balancing proxy.")
public final class ProxyCommand implements Callable<Integer> {

    @Option(names = {"-f", "--config"}, paramLabel = "FILE", description = "haproxy.cfg-style configuration file.")
    Path config;

    @Option(names = {"-c", "--check"}, description = "Only check the configuration: print problems, exit 1 on errors.")
    boolean check;

    @Option(names = "--keywords", description = "Print the supported keywords as a Markdown table and exit.")
    boolean keywords;

    @Option(names = "--grace", paramLabel = "SECONDS", defaultValue = "10",
            description = "On stop, how long requests in flight may take to finish (default ${DEFAULT-VALUE}).")
    int graceSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (keywords) {
            out.print(ProxyKeywords.markdownReference());
            out.flush();
            return 0;
        }
        if (config == null) {
            err.println("hactl proxy: --config FILE is required");
            return 2;
        }
        Diagnostics d = new Diagnostics();
        ProxyConfig cfg = ProxyConfigParser.parse(config, d);
        for (ConfigProblem p : d.problems()) {
            err.println(p);
        }
        err.flush();
        if (cfg == null || d.hasErrors()) {
            err.println("hactl proxy: " + config + ": " + d.errors().size() + " error(s)");
            return 1;
        }
        if (check) {
            out.println("Configuration file is valid" + (d.warnings().isEmpty() ? "" : " (" + d.warnings().size() + " warning(s))"));
            out.flush();
            return 0;
        }
        ProxyServer proxy;
        try {
            proxy = ProxyServer.start(cfg);
        } catch (IOException e) {
            err.println("hactl proxy: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = NamedThreads.keepingJvmAlive("proxy-shutdown").newThread(() -> {
            proxy.stop(Duration.ofSeconds(graceSeconds));
            stopped.countDown();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        for (var a : proxy.boundAddresses()) {
            out.println("listening on " + a);
        }
        out.flush();
        try {
            stopped.await(); // until SIGTERM/SIGINT runs the hook
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            proxy.stop(Duration.ofSeconds(graceSeconds));
        }
        return 0;
    }
}
