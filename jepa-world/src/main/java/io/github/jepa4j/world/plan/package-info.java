/**
 * Model-predictive control in representation space: the {@link io.github.jepa4j.world.plan.WorldModel}
 * contract; planners that minimise its energy over action sequences, receding horizon ({@link
 * io.github.jepa4j.world.plan.CemPlanner}, {@link io.github.jepa4j.world.plan.GradientMpcPlanner})
 * and a two-level planner that routes through sub-goals on a graph of observed states ({@link
 * io.github.jepa4j.world.plan.SubgoalPlanner}, {@link io.github.jepa4j.world.plan.LandmarkGraph});
 * random and greedy baselines; the episode evaluation ({@link
 * io.github.jepa4j.world.plan.PlanEvaluation}) with its JSON summary and trajectory map.
 */
package io.github.jepa4j.world.plan;
