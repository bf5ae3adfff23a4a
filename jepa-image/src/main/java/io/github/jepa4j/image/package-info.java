/** Image JEPA: multi-block masks on patch grids, image datasets and augmentations, the I-JEPA task. */
package io.github.jepa4j.image;
