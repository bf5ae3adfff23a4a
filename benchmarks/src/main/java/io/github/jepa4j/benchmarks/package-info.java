/** Speed tables, JMH kernel benchmarks and collapse studies. */
package io.github.jepa4j.benchmarks;
