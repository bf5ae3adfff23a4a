/** The JEPA models: the ViT encoder and the predictor, with their typed configs. */
package io.github.jepa4j.core.model;
