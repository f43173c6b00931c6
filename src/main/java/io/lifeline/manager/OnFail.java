package io.lifeline.manager;

/** What a failed monitor leads to ({@code on_fail=} of the {@code monitor} directive). */
public enum OnFail {
    /** Restart the failed resource and the ones after it in place until the threshold, then move. */
    RESTART,
    /** Move the group to another node at the first failure. */
    MOVE,
    /** Leave everything as it is and block the group until an operator runs cleanup. */
    BLOCK
}
