package io.github.jepa4j.world.plan;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JSON summary of a planning evaluation ({@code summary.json}): the planner's results with
 * the random and greedy baselines on the same episodes. Rates in {@code [0, 1]}; distances in
 * room units; undefined values (a split without episodes, no successful episode) are null.
 *
 * @param planner                     description of the planner (its {@code toString})
 * @param episodes                    number of episodes
 * @param sameRoomEpisodes            episodes with start and goal in the same room
 * @param crossRoomEpisodes           episodes with start and goal in different rooms
 * @param maxSteps                    step budget K per episode
 * @param successRadius               success when the agent's centre is this close to the goal
 * @param successRate                 planner success over all episodes
 * @param sameRoomSuccessRate         planner success, same-room episodes
 * @param crossRoomSuccessRate        planner success, cross-room episodes
 * @param meanFinalDistance           planner's mean final distance to the goal
 * @param meanStepsToSuccess          planner's mean steps of successful episodes
 * @param planMsPerStep               milliseconds in {@link Planner#plan} per step
 * @param encodeMsPerStep             milliseconds in {@link WorldModel#encode} per step (goal images included)
 * @param randomSuccessRate           random baseline, all episodes
 * @param randomSameRoomSuccessRate   random baseline, same room
 * @param randomCrossRoomSuccessRate  random baseline, cross room
 * @param randomMeanFinalDistance     random baseline, mean final distance
 * @param greedySuccessRate           greedy baseline, all episodes
 * @param greedySameRoomSuccessRate   greedy baseline, same room
 * @param greedyCrossRoomSuccessRate  greedy baseline, cross room
 * @param greedyMeanFinalDistance     greedy baseline, mean final distance
 */
@JsonPropertyOrder(alphabetic = false)
public record PlanSummary(
        @JsonProperty("planner") String planner,
        @JsonProperty("episodes") int episodes,
        @JsonProperty("same_room_episodes") int sameRoomEpisodes,
        @JsonProperty("cross_room_episodes") int crossRoomEpisodes,
        @JsonProperty("max_steps") int maxSteps,
        @JsonProperty("success_radius") double successRadius,
        @JsonProperty("success_rate") Double successRate,
        @JsonProperty("same_room_success_rate") Double sameRoomSuccessRate,
        @JsonProperty("cross_room_success_rate") Double crossRoomSuccessRate,
        @JsonProperty("mean_final_distance") Double meanFinalDistance,
        @JsonProperty("mean_steps_to_success") Double meanStepsToSuccess,
        @JsonProperty("plan_ms_per_step") Double planMsPerStep,
        @JsonProperty("encode_ms_per_step") Double encodeMsPerStep,
        @JsonProperty("random_success_rate") Double randomSuccessRate,
        @JsonProperty("random_same_room_success_rate") Double randomSameRoomSuccessRate,
        @JsonProperty("random_cross_room_success_rate") Double randomCrossRoomSuccessRate,
        @JsonProperty("random_mean_final_distance") Double randomMeanFinalDistance,
        @JsonProperty("greedy_success_rate") Double greedySuccessRate,
        @JsonProperty("greedy_same_room_success_rate") Double greedySameRoomSuccessRate,
        @JsonProperty("greedy_cross_room_success_rate") Double greedyCrossRoomSuccessRate,
        @JsonProperty("greedy_mean_final_distance") Double greedyMeanFinalDistance) {

    static PlanSummary of(String planner, PlanEvaluation eval, PolicyResult p, double planMs, double encodeMs,
            PolicyResult random, PolicyResult greedy) {
        int cross = 0;
        for (EpisodeSpec e : eval.episodes()) {
            cross += e.crossRoom() ? 1 : 0;
        }
        int n = eval.episodes().size();
        return new PlanSummary(planner, n, n - cross, cross, eval.maxSteps(), eval.successRadius(), v(p.successRate()),
                v(p.sameRoomSuccessRate()), v(p.crossRoomSuccessRate()), v(p.meanFinalDistance()), v(p.meanStepsToSuccess()),
                v(planMs), v(encodeMs), v(random.successRate()), v(random.sameRoomSuccessRate()),
                v(random.crossRoomSuccessRate()), v(random.meanFinalDistance()), v(greedy.successRate()),
                v(greedy.sameRoomSuccessRate()), v(greedy.crossRoomSuccessRate()), v(greedy.meanFinalDistance()));
    }

    private static Double v(double d) {
        return Double.isFinite(d) ? d : null;
    }

    /** Pretty-printed JSON. */
    public String toJson() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise the plan summary: " + e.getMessage(), e);
        }
    }

    /** Writes {@link #toJson()} to {@code file} (parent directories created). */
    public void write(Path file) {
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            Files.writeString(file, toJson() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
