/**
 * OpenBLAS against Intel MKL on the reference step's matrix products ({@link io.github.jepa4j.benchmarks.mkl.BlasComparison}):
 * built only with the {@code mkl} Maven profile, since the MKL preset weighs 210 MB and measured no faster here.
 */
package io.github.jepa4j.benchmarks.mkl;
