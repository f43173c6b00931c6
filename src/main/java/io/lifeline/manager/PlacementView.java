package io.lifeline.manager;

import java.util.List;

/**
 * The view placement decides on, as the {@link ResourceManager} assembles it: every alive
 * node's latest report (this node's own current state included) once the view is complete, and
 * otherwise why not (no membership yet, a stall, maintenance, start-up, a peer still probing).
 * The operator's moves are checked against it and the status shows it.
 */
interface PlacementView {

    /** The alive nodes' reports in ha.cf order, this node's own included, or null while incomplete. */
    List<StateReport> viewOrNull();

    /** Why there is no complete view, or "" when there is. */
    String whyNoView();
}
