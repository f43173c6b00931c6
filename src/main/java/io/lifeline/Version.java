package io.lifeline;

/**
 * The version from the jar manifest, or "dev" when run from classes. In no package of its own
 * concern, so that the daemon (which logs and reports it) and cli ({@code hactl --version}, through
 * {@code cli.VersionProvider}) both read it without the daemon depending on cli; free of picocli,
 * whose classes class-data sharing cannot archive.
 */
public final class Version {

    private Version() {
    }

    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }
}
