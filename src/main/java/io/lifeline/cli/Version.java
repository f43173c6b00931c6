package io.lifeline.cli;

/**
 * The version from the jar manifest, or "dev" when run from classes. Free of picocli, so the
 * daemon can log it without loading picocli's classes (which class-data sharing cannot archive);
 * {@link VersionProvider} hands it to {@code hactl --version}.
 */
public final class Version {

    private Version() {
    }

    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }
}
