/** The {@code jepa4j} command-line trainer and short example programs that read like documentation. */
package io.github.jepa4j.examples;
