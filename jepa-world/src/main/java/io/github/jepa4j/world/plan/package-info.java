/**
 * Model-predictive control in representation space: the {@link io.github.jepa4j.world.plan.WorldModel}
 * contract, planners that minimise its energy over action sequences ({@link
 * io.github.jepa4j.world.plan.CemPlanner}, {@link io.github.jepa4j.world.plan.GradientMpcPlanner}),
 * baseline policies and the episode evaluation ({@link io.github.jepa4j.world.plan.PlanEvaluation}).
 */
package io.github.jepa4j.world.plan;
