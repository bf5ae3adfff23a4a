/**
 * Objective-driven planning with a JEPA world model: a 2D room environment ({@code env}),
 * an action-conditioned predictor in representation space ({@code model}) and model-predictive
 * control planners that minimise an energy between predicted and goal embeddings ({@code plan}).
 */
package io.github.jepa4j.world;
