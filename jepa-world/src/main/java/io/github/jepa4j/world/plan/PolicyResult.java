package io.github.jepa4j.world.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Aggregate results of one policy over the episodes of a {@link PlanEvaluation}. Rates are in
 * {@code [0, 1]}; a split without episodes has rate NaN ({@link PlanSummary} writes it as JSON
 * null).
 *
 * @param name                  policy name
 * @param successRate           fraction of all episodes that reached the goal
 * @param sameRoomSuccessRate   over episodes with start and goal in the same room
 * @param crossRoomSuccessRate  over episodes with start and goal in different rooms
 * @param meanFinalDistance     mean distance to the goal at the end of the episode (room units)
 * @param meanStepsToSuccess    mean steps of the successful episodes (NaN if none)
 * @param msPerStep             mean milliseconds of {@link Policy#act} per step (for the planner:
 *                              rendering + encoding + planning)
 * @param traces                the episodes, in order (not serialised)
 */
public record PolicyResult(
        @JsonProperty("name") String name,
        @JsonProperty("success_rate") double successRate,
        @JsonProperty("same_room_success_rate") double sameRoomSuccessRate,
        @JsonProperty("cross_room_success_rate") double crossRoomSuccessRate,
        @JsonProperty("mean_final_distance") double meanFinalDistance,
        @JsonProperty("mean_steps_to_success") double meanStepsToSuccess,
        @JsonProperty("ms_per_step") double msPerStep,
        @JsonIgnore List<EpisodeTrace> traces) {

    static PolicyResult of(String name, List<EpisodeTrace> traces, double msPerStep) {
        int n = 0, ok = 0, nSame = 0, okSame = 0, nCross = 0, okCross = 0;
        double dist = 0, stepsOk = 0;
        for (EpisodeTrace t : traces) {
            n++;
            dist += t.finalDistance();
            if (t.success()) {
                ok++;
                stepsOk += t.steps();
            }
            if (t.spec().crossRoom()) {
                nCross++;
                okCross += t.success() ? 1 : 0;
            } else {
                nSame++;
                okSame += t.success() ? 1 : 0;
            }
        }
        return new PolicyResult(name, rate(ok, n), rate(okSame, nSame), rate(okCross, nCross), n == 0 ? Double.NaN : dist / n,
                ok == 0 ? Double.NaN : stepsOk / ok, msPerStep, List.copyOf(traces));
    }

    private static double rate(int k, int n) {
        return n == 0 ? Double.NaN : (double) k / n;
    }
}
