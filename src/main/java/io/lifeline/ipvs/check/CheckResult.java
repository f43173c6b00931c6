package io.lifeline.ipvs.check;

/** One check attempt: passed or not, and what was seen ("connection refused", "HTTP 503 for /health"). */
public record CheckResult(boolean passed, String detail) {

    public static CheckResult pass(String detail) {
        return new CheckResult(true, detail);
    }

    public static CheckResult fail(String detail) {
        return new CheckResult(false, detail);
    }
}
